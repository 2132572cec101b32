// The virtual table module that exposes MVCC tables to SQLite. SQLite plans and evaluates the
// SQL; this module supplies the rows visible to the statement's transaction, in key order,
// using the key for equality and range constraints, and turns writes into new versions.

#include "engine/sql/MvccVirtualTable.h"

#include "engine/mvcc/Affinity.h"
#include "engine/sql/MvccChecks.h"
#include "engine/sql/MvccConnection.h"
#include "engine/sql/MvccTriggers.h"
#include "engine/sql/MvccVirtualTablePlan.h"
#include "engine/sql/MvccVirtualTableWrites.h"
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
    // An index scan (MvccVirtualTablePlan.h): entries in the bounds, in the index's order.
    std::optional<IndexScan> indexScan;
    std::vector<mvcc::IndexEntry> entries;
    std::optional<mvcc::IndexEntry> lastEntry;
};

Vtab& vtabOf(sqlite3_vtab_cursor* c)
{
    return *static_cast<Vtab*>(c->pVtab);
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
        ddl += declaredColumn(table->schema(), columns[i]);
    }
    ddl += ")";
    if (int rc = sqlite3_declare_vtab(db, ddl.c_str()); rc != SQLITE_OK) {
        *err = sqlite3_mprintf("cannot declare %s: %s", table->name().c_str(), sqlite3_errmsg(db));
        return rc;
    }
    sqlite3_vtab_config(db, SQLITE_VTAB_CONSTRAINT_SUPPORT, 1);
    // Views read it (the handle keeps TRUSTED_SCHEMA off, which refuses virtual tables in views
    // unless innocuous): it only reads and writes the store under the statement's transaction,
    // what the same SQL run directly would do, and has no effect outside the database.
    sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
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

int bestIndex(sqlite3_vtab* base, sqlite3_index_info* info)
{
    choosePlan(*static_cast<Vtab*>(base)->table, info);
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

// Returns `row`, read for `key`, when it is what the cursor stands on: traced as read.
void land(Cursor& cursor, std::int64_t key, mvcc::RowPtr row, std::uint64_t versionId)
{
    auto& vtab = vtabOf(&cursor);
    auto* tx = vtab.connection->statementTransaction();
    auto& store = vtab.connection->store();
    // Which version this transaction read: the dependency graph's wr and rw edges.
    if (store.tracing())
        store.emit(EventKind::VersionRead, tx->connection, tx->id, vtab.table->id(), key,
                   static_cast<std::int64_t>(versionId), static_cast<std::int64_t>(tx->beginTs));
    cursor.key = key;
    cursor.row = std::move(row);
    cursor.eof = false;
}

// The next of `batch` (the cursor's batch of keys or of index entries), refilled by
// `collect(max)` in batches when used up; `remember` notes the last one fetched, where the next
// batch starts. False at the end.
template <class Entry, class Collect, class Remember>
bool nextEntry(Cursor& cursor, std::vector<Entry>& batch, Collect&& collect, Remember&& remember, Entry& out)
{
    while (cursor.position >= batch.size()) {
        if (cursor.exhausted) return false;
        constexpr std::size_t batchSize = 64;
        collect(batchSize);
        cursor.position = 0;
        if (batch.size() < batchSize) cursor.exhausted = true;
        if (!batch.empty()) remember(batch.back());
    }
    out = batch[cursor.position++];
    return true;
}

// The next entry whose row's visible version holds the entry's tuple (Index.h: so each row comes
// once, where its visible version sorts, and exactly the rows a table scan sees).
int advanceIndex(Cursor& cursor)
{
    auto& vtab = vtabOf(&cursor);
    auto* tx = vtab.connection->statementTransaction();
    auto& scan = *cursor.indexScan;
    auto collect = [&](std::size_t max) {
        scan.index->collect(scan.low, scan.high, cursor.lastEntry, cursor.descending, max, cursor.entries);
    };
    auto remember = [&](const mvcc::IndexEntry& last) { cursor.lastEntry = last; };
    mvcc::IndexEntry entry;
    while (nextEntry(cursor, cursor.entries, collect, remember, entry)) {
        mvcc::VersionChain* chain = vtab.table->find(entry.key);
        if (!chain) continue;
        std::uint64_t versionId = 0;
        auto row = vtab.connection->store().read(*vtab.table, entry.key, *chain, *tx, &versionId);
        if (!row) continue;
        if (auto held = scan.index->tupleOf(*row); !held || scan.index->compare(*held, entry.tuple) != 0)
            continue;
        land(cursor, entry.key, std::move(row), versionId);
        return SQLITE_OK;
    }
    cursor.eof = true;
    return SQLITE_OK;
}

int advance(Cursor& cursor)
{
    if (cursor.indexScan) return advanceIndex(cursor);
    auto& vtab = vtabOf(&cursor);
    auto* tx = vtab.connection->statementTransaction();
    auto collect = [&](std::size_t max) {
        vtab.table->collect(cursor.lo, cursor.hi, cursor.lastKey, cursor.descending, max, cursor.batch);
    };
    auto remember = [&](const Table::Entry& last) { cursor.lastKey = last.key; };
    Table::Entry entry{};
    while (nextEntry(cursor, cursor.batch, collect, remember, entry)) {
        std::uint64_t versionId = 0;
        if (auto row = vtab.connection->store().read(*vtab.table, entry.key, *entry.chain, *tx, &versionId)) {
            land(cursor, entry.key, std::move(row), versionId);
            return SQLITE_OK;
        }
    }
    cursor.eof = true;
    return SQLITE_OK;
}

int filter(sqlite3_vtab_cursor* base, int plan, const char* idxStr, int argc, sqlite3_value** argv)
{
    auto& cursor = *static_cast<Cursor*>(base);
    cursor.indexScan.reset();
    cursor.entries.clear();
    cursor.lastEntry.reset();
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
    if (usesIndex(plan)) {
        cursor.indexScan = indexScanOf(*vtabOf(base).table, plan, idxStr, argc, argv);
        argc = 0; // the key is not bounded (a table scan if the index is gone)
        plan &= planDesc;
        if (!cursor.indexScan) cursor.descending = false;
    }
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
    const auto& vtab = vtabOf(base);
    // A column an UPDATE's SET does not name is left out when the table has UPDATE OF triggers:
    // xUpdate then sees it as unchanged (sqlite3_value_nochange) and takes the old value.
    if (sqlite3_vtab_nochange(context) && vtab.connection->triggers().wantsSetColumns(vtab.table->id()))
        return SQLITE_OK;
    if (i == vtab.table->schema().keyColumn)
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
    m.xUpdate = updateRow;
    return m;
}

const sqlite3_module module = makeModule();

} // namespace

int registerMvccModule(sqlite3* db, MvccConnection* connection)
{
    return sqlite3_create_module_v2(db, "txscope_mvcc", &module, connection, nullptr);
}

} // namespace txs::sql
