// The virtual table module that exposes MVCC tables to SQLite. SQLite plans and evaluates the
// SQL; this module supplies the rows visible to the statement's transaction, in key order,
// using the key for equality and range constraints, and turns writes into new versions.

#include "engine/sql/MvccVirtualTable.h"

#include "engine/mvcc/Affinity.h"
#include "engine/sql/MvccConnection.h"
#include "engine/sql/Upsert.h"
#include "engine/sqlutil/SqliteValues.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <sqlite3.h>
#include <string>
#include <vector>

namespace txs::sql {

using mvcc::applyAffinity;
using sqlutil::fromSqliteValue;
using sqlutil::quoteIdentifier;
using sqlutil::resultValue;

namespace {

using mvcc::Table;

struct Vtab : sqlite3_vtab
{
    sqlite3* db;
    MvccConnection* connection;
    std::shared_ptr<Table> table;
};

// Plan flags in idxNum.
constexpr int planEq = 1, planLow = 2, planHigh = 4, planDesc = 8;

struct Cursor : sqlite3_vtab_cursor
{
    std::int64_t lo = std::numeric_limits<std::int64_t>::min();
    std::int64_t hi = std::numeric_limits<std::int64_t>::max();
    bool descending = false;
    std::vector<Table::Entry> batch;
    std::size_t position = 0;
    std::optional<std::int64_t> lastKey; // last key fetched into a batch
    bool exhausted = false;              // no more keys after the batch
    std::int64_t key = 0;
    mvcc::RowPtr row;
    bool eof = true;
};

Vtab& vtabOf(sqlite3_vtab_cursor* c)
{
    return *static_cast<Vtab*>(c->pVtab);
}

int setError(sqlite3_vtab* vtab, const Error& error)
{
    static_cast<Vtab*>(vtab)->connection->reportError(error);
    sqlite3_free(vtab->zErrMsg);
    vtab->zErrMsg = sqlite3_mprintf("%s", error.message.c_str());
    return error.kind == ErrorKind::Constraint ? SQLITE_CONSTRAINT : SQLITE_ERROR;
}

int connect(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out, char** err)
{
    auto* connection = static_cast<MvccConnection*>(aux);
    if (argc < 4) {
        *err = sqlite3_mprintf("txscope_mvcc needs a table id");
        return SQLITE_ERROR;
    }
    auto table = connection->declaredTable(static_cast<std::uint32_t>(std::strtoul(argv[3], nullptr, 10)));
    if (!table) {
        *err = sqlite3_mprintf("no MVCC table with id %s", argv[3]);
        return SQLITE_ERROR;
    }
    std::string ddl = "CREATE TABLE x(";
    const auto& columns = table->schema().columns;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i) ddl += ", ";
        ddl += quoteIdentifier(columns[i].name) + " " + columns[i].declaredType;
        if (!columns[i].defaultSql.empty()) ddl += " DEFAULT (" + columns[i].defaultSql + ")";
    }
    ddl += ")";
    if (int rc = sqlite3_declare_vtab(db, ddl.c_str()); rc != SQLITE_OK) {
        *err = sqlite3_mprintf("cannot declare %s: %s", table->name().c_str(), sqlite3_errmsg(db));
        return rc;
    }
    sqlite3_vtab_config(db, SQLITE_VTAB_CONSTRAINT_SUPPORT, 1);
    auto* vtab = new Vtab{};
    vtab->db = db;
    vtab->connection = connection;
    vtab->table = std::move(table);
    *out = vtab;
    return SQLITE_OK;
}

int disconnect(sqlite3_vtab* vtab)
{
    delete static_cast<Vtab*>(vtab);
    return SQLITE_OK;
}

bool isKeyColumn(const Table& table, int column)
{
    return column == -1 || column == table.schema().keyColumn;
}

int bestIndex(sqlite3_vtab* base, sqlite3_index_info* info)
{
    auto& table = *static_cast<Vtab*>(base)->table;
    int eq = -1, low = -1, high = -1;
    for (int i = 0; i < info->nConstraint; ++i) {
        const auto& c = info->aConstraint[i];
        if (!c.usable || !isKeyColumn(table, c.iColumn)) continue;
        switch (c.op) {
        case SQLITE_INDEX_CONSTRAINT_EQ:
        case SQLITE_INDEX_CONSTRAINT_IS:
            eq = i;
            break;
        case SQLITE_INDEX_CONSTRAINT_GT:
        case SQLITE_INDEX_CONSTRAINT_GE:
            low = i;
            break;
        case SQLITE_INDEX_CONSTRAINT_LT:
        case SQLITE_INDEX_CONSTRAINT_LE:
            high = i;
            break;
        default:
            break;
        }
    }
    // Bounds are used loosely (whole keys around the value) and SQLite checks each
    // constraint again (omit stays 0), so any value type stays correct.
    int plan = 0, argument = 0;
    const double rows = static_cast<double>(table.chainCount()) + 1;
    if (eq >= 0) {
        plan = planEq;
        info->aConstraintUsage[eq].argvIndex = ++argument;
        info->estimatedCost = 1;
        info->estimatedRows = 1;
        info->idxFlags = SQLITE_INDEX_SCAN_UNIQUE;
    } else {
        if (low >= 0) {
            plan |= planLow;
            info->aConstraintUsage[low].argvIndex = ++argument;
        }
        if (high >= 0) {
            plan |= planHigh;
            info->aConstraintUsage[high].argvIndex = ++argument;
        }
        const double fraction = (low >= 0 && high >= 0) ? 0.05 : (low >= 0 || high >= 0) ? 0.3 : 1.0;
        info->estimatedRows = static_cast<sqlite3_int64>(rows * fraction) + 1;
        info->estimatedCost = 10 + rows * fraction;
    }
    if (info->nOrderBy == 1 && isKeyColumn(table, info->aOrderBy[0].iColumn)) {
        info->orderByConsumed = 1;
        if (info->aOrderBy[0].desc) plan |= planDesc;
    }
    info->idxNum = plan;
    return SQLITE_OK;
}

int open(sqlite3_vtab*, sqlite3_vtab_cursor** out)
{
    *out = new Cursor{};
    return SQLITE_OK;
}

int close(sqlite3_vtab_cursor* c)
{
    delete static_cast<Cursor*>(c);
    return SQLITE_OK;
}

// The whole-number bounds that contain every key equal to, above or below `v` under SQLite's
// comparison rules. Returns false when no integer key can match.
enum class Side { Low, High };
bool boundOf(sqlite3_value* v, Side side, std::int64_t& bound)
{
    constexpr auto minKey = std::numeric_limits<std::int64_t>::min(),
                   maxKey = std::numeric_limits<std::int64_t>::max();
    Value value;
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        bound = sqlite3_value_int64(v);
        return true;
    case SQLITE_FLOAT:
        value = Value(sqlite3_value_double(v));
        break;
    case SQLITE_TEXT:
        value = applyAffinity(Value(std::string(reinterpret_cast<const char*>(sqlite3_value_text(v)))),
                              mvcc::Affinity::Numeric);
        if (value.type() == Value::Type::Integer) {
            bound = value.integer();
            return true;
        }
        if (value.type() == Value::Type::Real) break;
        // Every integer sorts before any text or blob.
        if (side == Side::Low) return false;
        bound = maxKey;
        return true;
    case SQLITE_NULL:
        return false;
    default:
        if (side == Side::Low) return false;
        bound = maxKey;
        return true;
    }
    const double d = value.asReal();
    if (std::isnan(d)) return false;
    const double rounded = side == Side::Low ? std::floor(d) : std::ceil(d);
    if (rounded <= -9.2233720368547758e18)
        bound = minKey;
    else if (rounded >= 9.2233720368547758e18)
        bound = maxKey;
    else
        bound = static_cast<std::int64_t>(rounded);
    return true;
}

int advance(Cursor& cursor)
{
    auto& vtab = vtabOf(&cursor);
    auto* tx = vtab.connection->statementTransaction();
    for (;;) {
        if (cursor.position >= cursor.batch.size()) {
            if (cursor.exhausted) {
                cursor.eof = true;
                return SQLITE_OK;
            }
            constexpr std::size_t batchSize = 64;
            vtab.table->collect(cursor.lo, cursor.hi, cursor.lastKey, cursor.descending, batchSize,
                                cursor.batch);
            cursor.position = 0;
            if (cursor.batch.size() < batchSize) cursor.exhausted = true;
            if (cursor.batch.empty()) continue;
            cursor.lastKey = cursor.batch.back().key;
        }
        const auto entry = cursor.batch[cursor.position++];
        auto& store = vtab.connection->store();
        std::uint64_t versionId = 0;
        if (auto row = store.read(*vtab.table, entry.key, *entry.chain, *tx, &versionId)) {
            // Which version this transaction read: the dependency graph's wr and rw edges.
            if (store.tracing())
                store.emit(EventKind::VersionRead, tx->connection, tx->id, vtab.table->id(), entry.key,
                           static_cast<std::int64_t>(versionId), static_cast<std::int64_t>(tx->beginTs));
            cursor.key = entry.key;
            cursor.row = std::move(row);
            cursor.eof = false;
            return SQLITE_OK;
        }
    }
}

int filter(sqlite3_vtab_cursor* base, int plan, const char*, int argc, sqlite3_value** argv)
{
    auto& cursor = *static_cast<Cursor*>(base);
    cursor.lo = std::numeric_limits<std::int64_t>::min();
    cursor.hi = std::numeric_limits<std::int64_t>::max();
    cursor.batch.clear();
    cursor.position = 0;
    cursor.lastKey.reset();
    cursor.exhausted = false;
    cursor.row.reset();
    cursor.eof = true;
    cursor.descending = plan & planDesc;
    if (!vtabOf(base).connection->statementTransaction()) return SQLITE_MISUSE;
    int argument = 0;
    bool possible = true;
    if (plan & planEq) {
        possible = argc > argument && boundOf(argv[argument], Side::Low, cursor.lo) &&
                   boundOf(argv[argument], Side::High, cursor.hi);
        ++argument;
    }
    if (plan & planLow)
        possible = possible && argc > argument && boundOf(argv[argument++], Side::Low, cursor.lo);
    if (plan & planHigh)
        possible = possible && argc > argument && boundOf(argv[argument++], Side::High, cursor.hi);
    if (!possible || cursor.lo > cursor.hi) {
        cursor.eof = true;
        return SQLITE_OK;
    }
    // The scan's bounds are what it depends on (a predicate read): a serializable transaction
    // records them before reading, so a key written into them later is seen; the trace gets them
    // too, so a key another transaction inserts into this range after our snapshot is a
    // predicate anti-dependency in the dependency graph (engine/analysis).
    auto* tx = vtabOf(base).connection->statementTransaction();
    auto& store = vtabOf(base).connection->store();
    store.noteScan(*tx, *vtabOf(base).table, cursor.lo, cursor.hi);
    if (store.tracing())
        store.emit(EventKind::RangeRead, tx->connection, tx->id, vtabOf(base).table->id(), cursor.lo,
                   cursor.hi, static_cast<std::int64_t>(tx->beginTs));
    return advance(cursor);
}

int next(sqlite3_vtab_cursor* base)
{
    return advance(*static_cast<Cursor*>(base));
}

int eof(sqlite3_vtab_cursor* base)
{
    return static_cast<Cursor*>(base)->eof;
}

int column(sqlite3_vtab_cursor* base, sqlite3_context* context, int i)
{
    auto& cursor = *static_cast<Cursor*>(base);
    if (i == vtabOf(base).table->schema().keyColumn)
        sqlite3_result_int64(context, cursor.key);
    else if (i >= 0 && static_cast<std::size_t>(i) < cursor.row->size())
        resultValue(context, (*cursor.row)[i]);
    else
        sqlite3_result_null(context);
    return SQLITE_OK;
}

int rowid(sqlite3_vtab_cursor* base, sqlite3_int64* out)
{
    *out = static_cast<Cursor*>(base)->key;
    return SQLITE_OK;
}

mvcc::OnConflict onConflict(sqlite3* db)
{
    switch (sqlite3_vtab_on_conflict(db)) {
    case SQLITE_REPLACE:
        return mvcc::OnConflict::Replace;
    case SQLITE_IGNORE:
        return mvcc::OnConflict::Ignore;
    default:
        return mvcc::OnConflict::Abort;
    }
}

// The NOT NULL constraint of `row`, as SQLite checks it before the key's uniqueness.
std::optional<Error> notNullViolation(const Table& table, const Row& row)
{
    const auto& schema = table.schema();
    for (std::size_t i = 0; i < schema.columns.size(); ++i)
        if (schema.columns[i].notNull && row[i].isNull())
            return Error::constraint(rc::ConstraintNotNull, "NOT NULL constraint failed: " + table.name() +
                                                                "." + schema.columns[i].name);
    return std::nullopt;
}

// An INSERT row of a planned statement (Upsert.h). A free key is inserted; a key whose version
// the transaction sees is left alone (DO NOTHING, OR IGNORE) or updated (DO UPDATE) like an
// UPDATE would: a row another transaction changed after our snapshot, or is changing, is a
// write-write conflict. Only rows really written count as changes and are RETURNed.
int upsertRow(Vtab& vtab, UpsertPlan& plan, mvcc::Transaction& tx, std::int64_t key, const mvcc::RowPtr& row,
              mvcc::OnConflict mode)
{
    auto& store = vtab.connection->store();
    const auto& schema = vtab.table->schema();
    auto fail = [&](const Error& error) { return setError(&vtab, error); };
    bool ignored = false;
    if (auto error = store.insert(tx, vtab.table, key, row,
                                  plan.hasClause() ? mvcc::OnConflict::Ignore : mode, ignored))
        return fail(*error);
    if (!ignored) {
        if (auto error = plan.wrote(*row)) return fail(*error);
        return SQLITE_OK;
    }
    if (!plan.hasClause() || plan.doNothing()) return SQLITE_OK;

    mvcc::VersionChain* chain = vtab.table->find(key);
    const mvcc::RowPtr existing = chain ? store.read(*chain, tx) : nullptr;
    if (!existing) return fail(Error::misuse("upsert lost the row with key " + std::to_string(key)));
    Row proposed = *row, current = *existing;
    const Value keyValue(key);
    proposed.push_back(keyValue);
    current.push_back(keyValue);
    std::optional<Error> error;
    const auto values = plan.evaluateUpdate(proposed, current, error);
    if (error) return fail(*error);
    if (!values) return SQLITE_OK; // DO UPDATE ... WHERE was false: nothing happens

    auto updated = std::make_shared<Row>(*existing);
    Value newKey; // NULL: the key stays
    for (std::size_t i = 0; i < values->size(); ++i) {
        const int column = plan.setColumns()[i];
        if (column < 0)
            newKey = (*values)[i]; // the hidden rowid
        else
            (*updated)[column] = applyAffinity((*values)[i], schema.columns[column].affinity);
    }
    if (schema.keyColumn >= 0 && !(*updated)[schema.keyColumn].isNull())
        newKey = (*updated)[schema.keyColumn];
    std::int64_t to = key;
    if (!newKey.isNull()) {
        const Value k = applyAffinity(newKey, mvcc::Affinity::Integer);
        if (k.type() != Value::Type::Integer)
            return fail(Error{ErrorKind::Constraint, SQLITE_MISMATCH, SQLITE_MISMATCH, "datatype mismatch"});
        to = k.integer();
    }
    if (schema.keyColumn >= 0) (*updated)[schema.keyColumn] = Value(to);
    if (auto violation = notNullViolation(*vtab.table, *updated))
        return mode == mvcc::OnConflict::Ignore ? SQLITE_OK : fail(*violation);
    if (to == key) {
        error = store.update(tx, vtab.table, key, updated);
    } else {
        // The key moves: as for UPDATE, it must not overwrite another row.
        error = store.insert(tx, vtab.table, to, updated, mvcc::OnConflict::Abort, ignored);
        if (!error) error = store.remove(tx, vtab.table, key);
    }
    if (error) return fail(*error);
    if (auto returned = plan.wrote(*updated)) return fail(*returned);
    return SQLITE_OK;
}

int update(sqlite3_vtab* base, int argc, sqlite3_value** argv, sqlite3_int64* newRowid)
{
    auto& vtab = *static_cast<Vtab*>(base);
    auto& store = vtab.connection->store();
    auto* tx = vtab.connection->statementTransaction();
    if (!tx) return SQLITE_MISUSE;
    const auto& schema = vtab.table->schema();
    auto fail = [&](std::optional<Error> error) { return error ? setError(base, *error) : SQLITE_OK; };

    if (argc == 1) return fail(store.remove(*tx, vtab.table, sqlite3_value_int64(argv[0])));

    const bool inserting = sqlite3_value_type(argv[0]) == SQLITE_NULL;
    const auto mode = onConflict(vtab.db);
    auto row = std::make_shared<Row>();
    row->reserve(schema.columns.size());
    for (std::size_t i = 0; i < schema.columns.size(); ++i)
        row->push_back(applyAffinity(fromSqliteValue(argv[2 + i]), schema.columns[i].affinity));

    // The key: the key column when given, else the rowid SQLite passes, else a new one
    // (SQLite does not know the key column is the rowid of a virtual table).
    std::int64_t key;
    if (schema.keyColumn >= 0 && !(*row)[schema.keyColumn].isNull()) {
        const Value& k = (*row)[schema.keyColumn];
        if (k.type() != Value::Type::Integer)
            return setError(
                base, Error{ErrorKind::Constraint, SQLITE_MISMATCH, SQLITE_MISMATCH, "datatype mismatch"});
        key = k.integer();
    } else if (!inserting && schema.keyColumn >= 0) {
        key = sqlite3_value_int64(argv[0]); // UPDATE ... SET id = NULL keeps the row's key
    } else if (sqlite3_value_type(argv[1]) != SQLITE_NULL) {
        key = sqlite3_value_int64(argv[1]);
    } else {
        key = vtab.table->allocateKey();
    }
    if (schema.keyColumn >= 0) (*row)[schema.keyColumn] = Value(key);

    for (std::size_t i = 0; i < schema.columns.size(); ++i) {
        if (!schema.columns[i].notNull || !(*row)[i].isNull()) continue;
        if (mode == mvcc::OnConflict::Ignore) return SQLITE_OK;
        return setError(base, Error::constraint(rc::ConstraintNotNull,
                                                "NOT NULL constraint failed: " + vtab.table->name() + "." +
                                                    schema.columns[i].name));
    }
    *newRowid = key;

    bool ignored = false;
    if (inserting) {
        if (auto* plan = vtab.connection->statementPlan()) return upsertRow(vtab, *plan, *tx, key, row, mode);
        return fail(store.insert(*tx, vtab.table, key, std::move(row), mode, ignored));
    }
    const std::int64_t oldKey = sqlite3_value_int64(argv[0]);
    if (key == oldKey) return fail(store.update(*tx, vtab.table, key, std::move(row)));
    // The key changed: the row moves, which must not overwrite another row's key.
    if (auto error = store.insert(*tx, vtab.table, key, std::move(row), mode, ignored)) return fail(error);
    if (ignored) return SQLITE_OK;
    return fail(store.remove(*tx, vtab.table, oldKey));
}

// DROP TABLE in the private handle only forgets the declaration; the store's table is
// dropped (or already was) by the connection.
sqlite3_module makeModule()
{
    sqlite3_module m{};
    m.iVersion = 1;
    m.xCreate = connect;
    m.xConnect = connect;
    m.xBestIndex = bestIndex;
    m.xDisconnect = disconnect;
    m.xDestroy = disconnect;
    m.xOpen = open;
    m.xClose = close;
    m.xFilter = filter;
    m.xNext = next;
    m.xEof = eof;
    m.xColumn = column;
    m.xRowid = rowid;
    m.xUpdate = update;
    return m;
}

const sqlite3_module module = makeModule();

} // namespace

int registerMvccModule(sqlite3* db, MvccConnection* connection)
{
    return sqlite3_create_module_v2(db, "txscope_mvcc", &module, connection, nullptr);
}

} // namespace txs::sql
