#include "engine/sql/MvccVirtualTableWrites.h"

#include "engine/mvcc/Affinity.h"
#include "engine/sql/MvccChecks.h"
#include "engine/sql/MvccConnection.h"
#include "engine/sql/MvccForeignKeys.h"
#include "engine/sql/MvccTriggers.h"
#include "engine/sql/Upsert.h"
#include "engine/sqlutil/SqliteValues.h"

#include <string>

namespace txs::sql {

using mvcc::applyAffinity;
using mvcc::Table;
using sqlutil::fromSqliteValue;

int setError(sqlite3_vtab* vtab, const Error& error)
{
    static_cast<Vtab*>(vtab)->connection->reportError(error);
    sqlite3_free(vtab->zErrMsg);
    vtab->zErrMsg = sqlite3_mprintf("%s", error.message.c_str());
    return error.kind == ErrorKind::Constraint ? SQLITE_CONSTRAINT : SQLITE_ERROR;
}

namespace {

using mvcc::Resolution;

// The statement's OR clause as SQLite tells it; Default when it names none, where each
// constraint's own ON CONFLICT applies (SQLite says ABORT alike for OR ABORT and for no clause).
Resolution statementResolution(Vtab& vtab)
{
    switch (sqlite3_vtab_on_conflict(vtab.db)) {
    case SQLITE_ROLLBACK:
        return Resolution::Rollback;
    case SQLITE_FAIL:
        return Resolution::Fail;
    case SQLITE_IGNORE:
        return Resolution::Ignore;
    case SQLITE_REPLACE:
        return Resolution::Replace;
    default:
        return vtab.connection->statementNamesAbort() ? Resolution::Abort : Resolution::Default;
    }
}

// SQLite's rule: the statement's OR clause, else the constraint's own ON CONFLICT, else ABORT.
Resolution resolve(Resolution statement, Resolution constraint)
{
    if (statement != Resolution::Default) return statement;
    return constraint != Resolution::Default ? constraint : Resolution::Abort;
}

// What the store does when the key is taken.
mvcc::OnConflict storeMode(Resolution resolution)
{
    return resolution == Resolution::Replace  ? mvcc::OnConflict::Replace
           : resolution == Resolution::Ignore ? mvcc::OnConflict::Ignore
                                              : mvcc::OnConflict::Abort;
}

// A constraint's error under `resolution`: FAIL keeps the statement's earlier rows, ROLLBACK ends
// the transaction (the connection does either, MvccConnection::runSql).
int failUnder(Vtab& vtab, const Error& error, Resolution resolution)
{
    if (error.kind == ErrorKind::Constraint &&
        (resolution == Resolution::Fail || resolution == Resolution::Rollback))
        vtab.connection->noteResolution(resolution);
    return setError(&vtab, error);
}

// The value of `column`'s DEFAULT (NOT NULL ON CONFLICT REPLACE writes it for a NULL), with the
// column's affinity; NULL when it has none.
Value columnDefault(Vtab& vtab, const mvcc::ColumnSchema& column)
{
    if (column.defaultSql.empty()) return Value();
    sqlutil::StatementHandle s;
    if (sqlutil::prepare(vtab.db, "SELECT " + column.defaultSql, s) != SQLITE_OK || !s ||
        sqlite3_step(s.get()) != SQLITE_ROW)
        return Value();
    return applyAffinity(fromSqliteValue(sqlite3_column_value(s.get(), 0)), column.affinity);
}

// Whether deleting a row REPLACE is in the way of fires the table's DELETE triggers: only with
// PRAGMA recursive_triggers on, as in SQLite.
bool replaceFiresDelete(Vtab& vtab)
{
    return vtab.connection->triggers().recursive() && vtab.connection->triggers().any(vtab.table->id());
}

// STRICT's error. Told SQLITE_ERROR, not SQLITE_CONSTRAINT, which SQLite would drop under OR
// IGNORE: SQLite fails the statement whatever its OR clause (the connection reports the error
// the virtual table gave, with its SQLITE_CONSTRAINT_DATATYPE).
int datatypeError(Vtab& vtab, const std::string& message)
{
    setError(&vtab, Error::constraint(rc::ConstraintDatatype, message));
    return SQLITE_ERROR;
}

// NOT NULL, then STRICT's column types, as SQLite checks them before CHECK and the unique
// constraints. A NULL in a NOT NULL column is resolved by the statement's OR clause or the
// column's ON CONFLICT: IGNORE skips the row (`skipped`), REPLACE writes the column's default
// (an error when that is NULL too), others fail.
std::optional<int> checkColumns(Vtab& vtab, Row& row, Resolution statement, bool& skipped)
{
    skipped = false;
    const auto& schema = vtab.table->schema();
    for (std::size_t i = 0; i < schema.columns.size(); ++i) {
        const auto& column = schema.columns[i];
        if (!column.notNull || !row[i].isNull()) continue;
        const Resolution resolution = resolve(statement, column.notNullConflict);
        if (resolution == Resolution::Ignore) {
            skipped = true;
            return SQLITE_OK;
        }
        if (resolution == Resolution::Replace) row[i] = columnDefault(vtab, column);
        if (!row[i].isNull()) continue;
        return failUnder(vtab,
                         Error::constraint(rc::ConstraintNotNull, "NOT NULL constraint failed: " +
                                                                      vtab.table->name() + "." + column.name),
                         resolution);
    }
    if (!schema.strict) return std::nullopt;
    for (std::size_t i = 0; i < schema.columns.size(); ++i)
        if (auto mismatch = mvcc::strictMismatch(row[i], schema.columns[i], vtab.table->name()))
            return datatypeError(vtab, *mismatch);
    return std::nullopt;
}

// Fires the triggers of `vtab`'s table for one row (Triggers::fire), with the running statement's
// upsert plan suspended while their bodies run.
std::optional<Error> fireTriggers(Vtab& vtab, Triggers::Timing timing, Triggers::Event event,
                                  const Row* oldRow, std::int64_t oldKey, const Row* newRow,
                                  std::int64_t newKey, const std::vector<bool>& set, bool& ignored)
{
    UpsertPlan* plan = vtab.connection->suspendStatementPlan();
    auto error = vtab.connection->triggers().fire(*vtab.table, timing, event, oldRow, oldKey, newRow, newKey,
                                                  set, ignored);
    vtab.connection->resumeStatementPlan(plan);
    return error;
}

// The row at `key` as the transaction sees it (for a trigger's OLD), or null.
mvcc::RowPtr visibleRow(Vtab& vtab, mvcc::Transaction& tx, std::int64_t key)
{
    mvcc::VersionChain* chain = vtab.table->find(key);
    return chain ? vtab.connection->store().read(*chain, tx) : nullptr;
}

// DELETE of one row of a table with triggers: BEFORE DELETE, the delete, AFTER DELETE.
std::optional<Error> deleteRow(Vtab& vtab, mvcc::Transaction& tx, std::int64_t key)
{
    auto& store = vtab.connection->store();
    const mvcc::RowPtr old = visibleRow(vtab, tx, key);
    if (!old) return store.remove(tx, vtab.table, key); // the store's own answer
    bool ignored = false;
    if (auto error = fireTriggers(vtab, Triggers::Timing::Before, Triggers::Event::Delete, old.get(), key,
                                  nullptr, 0, {}, ignored))
        return error;
    if (ignored) return std::nullopt;
    if (auto error = store.remove(tx, vtab.table, key)) return error;
    return fireTriggers(vtab, Triggers::Timing::After, Triggers::Event::Delete, old.get(), key, nullptr, 0,
                        {}, ignored);
}

int deleteFiring(Vtab& vtab, mvcc::Transaction& tx, std::int64_t key)
{
    auto error = deleteRow(vtab, tx, key);
    return error ? setError(&vtab, *error) : SQLITE_OK;
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

Error mismatch()
{
    return Error{ErrorKind::Constraint, SQLITE_MISMATCH, SQLITE_MISMATCH, "datatype mismatch"};
}

// The unique indexes' verdict on `row`, just written at `key` (SQLite checks them after NOT NULL
// and the key). A row other than `key` whose version the transaction sees with the same values is
// a violation: the error (the statement is undone), or under OR IGNORE `ignored` (the caller undoes
// the row), or under OR REPLACE that row is deleted. A duplicate the transaction does not see (a
// concurrent insert, a commit after its snapshot) is decided at COMMIT (Index.h).
// Each index's resolution is the statement's OR clause, else the constraint's own ON CONFLICT;
// as in SQLite the REPLACE ones come last, so a row another constraint ignores or refuses
// deletes nothing. `resolution` tells the caller which one an error came under.
std::optional<Error> checkUnique(Vtab& vtab, mvcc::Transaction& tx, std::int64_t key, const Row& row,
                                 Resolution statement, bool& ignored, Resolution& resolution)
{
    ignored = false;
    const Table& table = *vtab.table;
    if (!table.hasUniqueIndexes()) return std::nullopt;
    auto& store = vtab.connection->store();
    for (const bool replacing : {false, true}) {
        for (const auto& index : *table.indexes()) {
            if (!index->unique()) continue;
            resolution = resolve(statement, index->schema().onConflict);
            if ((resolution == Resolution::Replace) != replacing) continue;
            const auto other = mvcc::visibleDuplicate(store, table, *index, index->tupleOf(row), key, tx);
            if (!other) continue;
            if (resolution == Resolution::Ignore) {
                ignored = true;
                return std::nullopt;
            }
            if (resolution != Resolution::Replace) return mvcc::uniqueViolation(table, *index);
            if (auto error = replaceFiresDelete(vtab) ? deleteRow(vtab, tx, *other)
                                                      : store.remove(tx, vtab.table, *other))
                return error;
        }
    }
    return std::nullopt;
}

// After the store wrote `row` at `key` (since `mark`, a size of tx.writes): the unique indexes'
// check, then the row's index entries. Returns SQLite's code.
int finishWrite(Vtab& vtab, mvcc::Transaction& tx, std::size_t mark, std::int64_t key, const Row& row,
                Resolution statement, bool* written = nullptr)
{
    if (written) *written = false;
    bool ignored = false;
    Resolution resolution = Resolution::Abort;
    if (auto error = checkUnique(vtab, tx, key, row, statement, ignored, resolution)) {
        // Under FAIL the statement keeps its earlier rows but not this one.
        if (resolution == Resolution::Fail) vtab.connection->store().undoTo(tx, mark);
        return failUnder(vtab, *error, resolution);
    }
    if (ignored) {
        vtab.connection->store().undoTo(tx, mark);
        return SQLITE_OK;
    }
    vtab.table->indexVersion(key, row);
    if (written) *written = true;
    return SQLITE_OK;
}

// The constraint an INSERT row of key `key` meets: the key (SQLite checks it first), or the first
// unique index holding a row with its values, as the transaction sees them.
struct Taken
{
    std::int64_t row;                   // the row in the way
    const mvcc::Index* index = nullptr; // null: the key
};
std::optional<Taken> takenBy(Vtab& vtab, mvcc::Transaction& tx, std::int64_t key, const Row& row)
{
    auto& store = vtab.connection->store();
    store.noteScan(tx, *vtab.table, key, key); // deciding by whether the key exists: a read of it
    if (mvcc::VersionChain* chain = vtab.table->find(key); chain && store.read(*vtab.table, key, *chain, tx))
        return Taken{key};
    if (!vtab.table->hasUniqueIndexes()) return std::nullopt;
    for (const auto& index : *vtab.table->indexes())
        if (index->unique())
            if (auto other = mvcc::visibleDuplicate(store, *vtab.table, *index, index->tupleOf(row), key, tx))
                return Taken{*other, index.get()};
    return std::nullopt;
}

// An INSERT row of a planned statement (Upsert.h). A row that meets no constraint is inserted; one
// that meets the key or a unique index the transaction sees is left alone (DO NOTHING, OR IGNORE)
// or that row is updated (DO UPDATE) like an UPDATE would: a row another transaction changed after
// our snapshot, or is changing, is a write-write conflict. A conflict on a constraint other than
// the clause's target is decided by that constraint's own ON CONFLICT (IGNORE skips the row,
// REPLACE deletes the row in the way), else is its error, as in SQLite. Only rows really written
// count as changes and are RETURNed.
int upsertRow(Vtab& vtab, UpsertPlan& plan, mvcc::Transaction& tx, std::int64_t key, const mvcc::RowPtr& row,
              Resolution statement)
{
    const mvcc::OnConflict mode = storeMode(resolve(statement, Resolution::Default));
    auto& store = vtab.connection->store();
    auto& triggers = vtab.connection->triggers();
    const bool fires = triggers.any(vtab.table->id());
    const auto& schema = vtab.table->schema();
    auto fail = [&](const Error& error) { return setError(&vtab, error); };
    const std::size_t mark = tx.writes.size();
    auto taken = takenBy(vtab, tx, key, *row);
    const std::vector<int> keyColumns{schema.keyColumn};
    while (taken && plan.hasClause() &&
           !plan.targets(taken->index ? taken->index->schema().columns : keyColumns)) {
        const Resolution own =
            resolve(statement, taken->index ? taken->index->schema().onConflict : schema.keyConflict);
        if (own == Resolution::Ignore) return SQLITE_OK;
        if (own != Resolution::Replace) {
            if (taken->index) return failUnder(vtab, mvcc::uniqueViolation(*vtab.table, *taken->index), own);
            const std::string column =
                schema.keyColumn >= 0 ? schema.columns[schema.keyColumn].name : "rowid";
            return failUnder(
                vtab,
                Error::constraint(rc::ConstraintPrimaryKey,
                                  "UNIQUE constraint failed: " + vtab.table->name() + "." + column),
                own);
        }
        if (auto error = store.remove(tx, vtab.table, taken->row)) return fail(*error);
        taken = takenBy(vtab, tx, key, *row);
    }
    if (!taken) {
        // Not seen taken: inserted; a concurrent insert of the key or value is decided at COMMIT.
        bool ignored = false;
        if (auto error = store.insert(tx, vtab.table, key, row, mvcc::OnConflict::Abort, ignored))
            return fail(*error);
        if (int rc = finishWrite(vtab, tx, mark, key, *row, Resolution::Abort); rc != SQLITE_OK) return rc;
        if (auto error = plan.wrote(*row)) return fail(*error);
        if (fires)
            if (auto error = fireTriggers(vtab, Triggers::Timing::After, Triggers::Event::Insert, nullptr, 0,
                                          row.get(), key, {}, ignored))
                return fail(*error);
        return SQLITE_OK;
    }
    if (!plan.hasClause()) return SQLITE_OK; // OR IGNORE
    if (plan.doNothing()) return SQLITE_OK;
    key = taken->row;

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
        if (k.type() != Value::Type::Integer) return fail(mismatch());
        to = k.integer();
    }
    if (schema.keyColumn >= 0) (*updated)[schema.keyColumn] = Value(to);
    // The DO UPDATE fires UPDATE triggers as an UPDATE naming its SET columns would (UPDATE OF),
    // BEFORE ones ahead of the constraints, as SQLite does.
    std::vector<bool> set;
    if (fires) {
        set.assign(schema.columns.size(), false);
        for (const int column : plan.setColumns())
            if (column >= 0) set[static_cast<std::size_t>(column)] = true;
        bool ignored = false;
        if (auto error = fireTriggers(vtab, Triggers::Timing::Before, Triggers::Event::Update, existing.get(),
                                      key, updated.get(), to, set, ignored))
            return fail(*error);
        if (ignored) return SQLITE_OK;
    }
    if (auto violation = notNullViolation(*vtab.table, *updated))
        return mode == mvcc::OnConflict::Ignore ? SQLITE_OK : fail(*violation);
    if (schema.strict)
        for (std::size_t i = 0; i < schema.columns.size(); ++i)
            if (auto mismatch = mvcc::strictMismatch((*updated)[i], schema.columns[i], vtab.table->name()))
                return datatypeError(vtab, *mismatch);
    if (auto violation = checkViolation(vtab, *updated))
        return mode == mvcc::OnConflict::Ignore ? SQLITE_OK : fail(*violation);
    const std::size_t updateMark = tx.writes.size();
    if (to == key) {
        error = store.update(tx, vtab.table, key, updated);
    } else {
        // The key moves: as for UPDATE, it must not overwrite another row.
        bool ignored = false;
        error = store.insert(tx, vtab.table, to, updated, mvcc::OnConflict::Abort, ignored);
        if (!error) error = store.remove(tx, vtab.table, key);
    }
    if (error) return fail(*error);
    if (int rc = finishWrite(vtab, tx, updateMark, to, *updated, Resolution::Abort); rc != SQLITE_OK)
        return rc;
    if (auto returned = plan.wrote(*updated)) return fail(*returned);
    bool ignored = false;
    if (fires)
        if (auto error = fireTriggers(vtab, Triggers::Timing::After, Triggers::Event::Update, existing.get(),
                                      key, updated.get(), to, set, ignored))
            return fail(*error);
    return SQLITE_OK;
}

// Column i of a direct INSERT: SQLite's value with the column's affinity applied, as
// applyAffinity(fromSqliteValue(v)) gives it. A value the affinity keeps is viewed in place
// (SQLite's bytes, valid until xUpdate returns); one it may change goes through applyAffinity,
// kept in `converted` (reserved for every column first, so the views into it do not move).
// Whether `db` holds text as UTF-8 (PRAGMA encoding; an answer it cannot give counts as no).
bool holdsUtf8(sqlite3* db)
{
    sqlutil::StatementHandle s;
    if (sqlutil::prepare(db, "PRAGMA encoding", s) != SQLITE_OK || !s || sqlite3_step(s.get()) != SQLITE_ROW)
        return false;
    const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
    return name && std::string_view(name) == "UTF-8";
}

mvcc::ValueView directValue(sqlite3_value* v, mvcc::Affinity affinity, bool utf8,
                            std::vector<Value>& converted, std::size_t columns)
{
    using mvcc::Affinity;
    mvcc::ValueView view;
    switch (sqlite3_value_type(v)) {
    case SQLITE_NULL:
        return view;
    case SQLITE_INTEGER:
        if (affinity == Affinity::Text || affinity == Affinity::Real) break;
        view.type = Value::Type::Integer;
        view.integer = sqlite3_value_int64(v);
        return view;
    case SQLITE_FLOAT:
        if (affinity != Affinity::Real && affinity != Affinity::Blob) break;
        view.type = Value::Type::Real;
        view.real = sqlite3_value_double(v);
        return view;
    case SQLITE_TEXT: {
        if (affinity != Affinity::Text && affinity != Affinity::Blob) break;
        // In a UTF-8 database the value's bytes are its text: sqlite3_value_blob gives them as they
        // are, where sqlite3_value_text first adds a terminating NUL (a realloc of a printf()'s
        // result, profiled at ~350 instructions a row). Otherwise SQLite converts them to UTF-8.
        // (It marks the value a blob as well; sqlite3_value_type still says TEXT, as for 0x12.)
        const auto* text = utf8 ? static_cast<const char*>(sqlite3_value_blob(v))
                                : reinterpret_cast<const char*>(sqlite3_value_text(v)); // before its size
        const auto size = static_cast<std::size_t>(sqlite3_value_bytes(v));
        view.type = Value::Type::Text;
        view.bytes = text ? std::string_view(text, size) : std::string_view();
        return view;
    }
    case SQLITE_BLOB: { // no affinity changes a blob
        const auto* data = static_cast<const char*>(sqlite3_value_blob(v));
        const auto size = static_cast<std::size_t>(sqlite3_value_bytes(v));
        view.type = Value::Type::Blob;
        view.bytes = data && size ? std::string_view(data, size) : std::string_view();
        return view;
    }
    default:
        return view;
    }
    if (converted.capacity() < columns) converted.reserve(columns);
    converted.push_back(applyAffinity(fromSqliteValue(v), affinity));
    return mvcc::viewOf(converted.back());
}

// A plain INSERT's row encoded straight from SQLite's values into the version's record: one
// allocation a row and nothing freed, where the general path made a Row (a shared vector of
// Values and a string per text over 15 bytes) to encode and drop (docs/performance.md, "Bulk
// load"). Taken only where the general path does nothing with the row but store it: the caller
// has checked there are no triggers and no upsert plan; here, no CHECK (the row mirror), not
// STRICT, no unique index (its check needs the Row), no NULL given to a NOT NULL column, and a key
// that is an integer or NULL. Otherwise nullopt before anything is written or allocated (not even
// a rowid), and the general path runs; it gives the same rows, errors and keys.
std::optional<int> insertDirect(Vtab& vtab, mvcc::Transaction& tx, int argc, sqlite3_value** argv,
                                sqlite3_int64* newRowid, Resolution keyResolution)
{
    const auto& schema = vtab.table->schema();
    const std::size_t columns = schema.columns.size();
    if (needsRowMirror(schema) || schema.strict || vtab.table->hasUniqueIndexes() ||
        static_cast<std::size_t>(argc) != columns + 2)
        return std::nullopt;
    if (vtab.utf8 == 0) vtab.utf8 = holdsUtf8(vtab.db) ? 1 : -1;
    // Each view is assigned before it is read: the stack's are left unconstructed (zeroing 32 of
    // them cost more than the rest of the row's encoding).
    constexpr std::size_t kOnStack = 32;
    union Stack {
        Stack() {}
        mvcc::ValueView at[kOnStack];
    } onStack;
    std::vector<mvcc::ValueView> onHeap;
    if (columns > kOnStack) onHeap.resize(columns);
    mvcc::ValueView* views = columns > kOnStack ? onHeap.data() : onStack.at;
    std::vector<Value> converted; // allocated only for a value the affinity changes
    for (std::size_t i = 0; i < columns; ++i) {
        views[i] = directValue(argv[2 + i], schema.columns[i].affinity, vtab.utf8 > 0, converted, columns);
        // The key column's NULL is a new rowid below; any other NULL the general path resolves.
        if (schema.columns[i].notNull && views[i].type == Value::Type::Null &&
            static_cast<int>(i) != schema.keyColumn)
            return std::nullopt;
    }
    std::int64_t key;
    if (schema.keyColumn >= 0 && views[schema.keyColumn].type != Value::Type::Null) {
        if (views[schema.keyColumn].type != Value::Type::Integer) return std::nullopt; // its error
        key = views[schema.keyColumn].integer;
    } else if (sqlite3_value_type(argv[1]) != SQLITE_NULL) {
        key = sqlite3_value_int64(argv[1]);
    } else {
        key = vtab.table->allocateKey();
    }
    if (schema.keyColumn >= 0) {
        views[schema.keyColumn].type = Value::Type::Integer;
        views[schema.keyColumn].integer = key;
    }
    *newRowid = key;
    mvcc::RowRecord record(views, columns);
    const bool indexed = vtab.table->hasIndexes(); // none unique: no check, only entries to add
    const mvcc::RowRecord entries = indexed ? record : mvcc::RowRecord();
    bool ignored = false;
    if (auto error = vtab.connection->store().insert(tx, vtab.table, key, std::move(record),
                                                     storeMode(keyResolution), ignored))
        return failUnder(vtab, *error, keyResolution);
    if (!ignored && indexed) vtab.table->indexVersion(key, entries);
    return SQLITE_OK;
}

} // namespace

int updateRow(sqlite3_vtab* base, int argc, sqlite3_value** argv, sqlite3_int64* newRowid)
{
    auto& vtab = *static_cast<Vtab*>(base);
    auto& store = vtab.connection->store();
    auto* tx = vtab.connection->statementTransaction();
    if (!tx) return SQLITE_MISUSE;
    const auto& schema = vtab.table->schema();
    auto fail = [&](std::optional<Error> error) { return error ? setError(base, *error) : SQLITE_OK; };

    auto& triggers = vtab.connection->triggers();
    // Triggers fire for INSERT, UPDATE and DELETE. A planned INSERT (an upsert, OR IGNORE) fires
    // BEFORE INSERT here, for every row, as SQLite does whatever the row then meets; upsertRow fires
    // AFTER INSERT for a row inserted, and UPDATE triggers for its DO UPDATE.
    const bool fires = triggers.any(vtab.table->id());
    if (argc == 1) {
        if (fires) return deleteFiring(vtab, *tx, sqlite3_value_int64(argv[0]));
        return fail(store.remove(*tx, vtab.table, sqlite3_value_int64(argv[0])));
    }

    const bool inserting = sqlite3_value_type(argv[0]) == SQLITE_NULL;
    const std::int64_t oldKey = inserting ? 0 : sqlite3_value_int64(argv[0]);
    const Resolution statement = statementResolution(vtab);
    // The key's own resolution (a rowid alias's PRIMARY KEY ON CONFLICT); the store applies it.
    const Resolution keyResolution =
        resolve(statement, schema.keyColumn >= 0 ? schema.keyConflict : Resolution::Default);
    if (inserting && !fires && !vtab.connection->statementPlan())
        if (auto rc = insertDirect(vtab, *tx, argc, argv, newRowid, keyResolution)) return *rc;
    const mvcc::OnConflict mode = storeMode(keyResolution);
    // OLD for the triggers; and the values of the columns an UPDATE's SET does not name, which
    // the virtual table leaves out when a trigger needs to tell them apart (xColumn's nochange).
    bool unchangedColumns = false;
    for (int i = 2; !inserting && i < argc; ++i)
        unchangedColumns = unchangedColumns || sqlite3_value_nochange(argv[i]);
    const mvcc::RowPtr old =
        !inserting && (fires || unchangedColumns) ? visibleRow(vtab, *tx, oldKey) : nullptr;
    std::vector<bool> set;
    auto row = std::make_shared<Row>();
    row->reserve(schema.columns.size());
    for (std::size_t i = 0; i < schema.columns.size(); ++i) {
        if (!inserting && sqlite3_value_nochange(argv[2 + i])) {
            if (set.empty()) set.assign(schema.columns.size(), true);
            set[i] = false;
            row->push_back(old && i < old->size() ? (*old)[i] : Value());
            continue;
        }
        row->push_back(applyAffinity(fromSqliteValue(argv[2 + i]), schema.columns[i].affinity));
    }

    // The key: the key column when given, else the rowid SQLite passes, else a new one
    // (SQLite does not know the key column is the rowid of a virtual table).
    std::int64_t key;
    if (schema.keyColumn >= 0 && !(*row)[schema.keyColumn].isNull()) {
        const Value& k = (*row)[schema.keyColumn];
        if (k.type() != Value::Type::Integer) return setError(base, mismatch());
        key = k.integer();
    } else if (!inserting && schema.keyColumn >= 0) {
        key = sqlite3_value_int64(argv[0]); // UPDATE ... SET id = NULL keeps the row's key
    } else if (sqlite3_value_type(argv[1]) != SQLITE_NULL) {
        key = sqlite3_value_int64(argv[1]);
    } else {
        key = vtab.table->allocateKey();
    }
    if (schema.keyColumn >= 0) (*row)[schema.keyColumn] = Value(key);

    // BEFORE triggers run before the constraints are checked, as in SQLite.
    const auto event = inserting ? Triggers::Event::Insert : Triggers::Event::Update;
    if (fires && (inserting || old)) {
        bool ignored = false;
        if (auto error = fireTriggers(vtab, Triggers::Timing::Before, event, old.get(), oldKey, row.get(),
                                      key, set, ignored))
            return setError(base, *error);
        if (ignored) return SQLITE_OK;
    }

    bool skipped = false;
    if (auto rc = checkColumns(vtab, *row, statement, skipped)) return *rc;
    if (skipped) return SQLITE_OK;
    // CHECK after NOT NULL and before the key and unique indexes, as SQLite; OR IGNORE skips the row.
    if (auto violation = checkViolation(vtab, *row))
        return statement == Resolution::Ignore ? SQLITE_OK : failUnder(vtab, *violation, statement);
    *newRowid = key;

    const std::size_t mark = tx->writes.size();
    bool ignored = false;
    bool written = false;
    int rc = SQLITE_OK;
    if (inserting) {
        if (auto* plan = vtab.connection->statementPlan())
            return upsertRow(vtab, *plan, *tx, key, row, statement);
        if (keyResolution == Resolution::Replace && replaceFiresDelete(vtab) && visibleRow(vtab, *tx, key))
            if (auto error = deleteRow(vtab, *tx, key)) return fail(error);
        if (auto error = store.insert(*tx, vtab.table, key, row, mode, ignored))
            return failUnder(vtab, *error, keyResolution);
        if (ignored) return SQLITE_OK;
        rc = finishWrite(vtab, *tx, mark, key, *row, statement, &written);
    } else if (key == oldKey) {
        if (auto error = store.update(*tx, vtab.table, key, row)) return fail(error);
        rc = finishWrite(vtab, *tx, mark, key, *row, statement, &written);
    } else {
        // The key changed: the row moves, which must not overwrite another row's key.
        if (keyResolution == Resolution::Replace && replaceFiresDelete(vtab) && visibleRow(vtab, *tx, key))
            if (auto error = deleteRow(vtab, *tx, key)) return fail(error);
        if (auto error = store.insert(*tx, vtab.table, key, row, mode, ignored))
            return failUnder(vtab, *error, keyResolution);
        if (ignored) return SQLITE_OK;
        if (auto error = store.remove(*tx, vtab.table, oldKey)) return fail(error);
        vtab.connection->foreignKeys().noteKeyMove(vtab.table.get(), oldKey, key);
        rc = finishWrite(vtab, *tx, mark, key, *row, statement, &written);
    }
    if (rc != SQLITE_OK || !written || !fires || (!inserting && !old)) return rc;
    if (auto error = fireTriggers(vtab, Triggers::Timing::After, event, old.get(), oldKey, row.get(), key,
                                  set, ignored))
        return setError(base, *error);
    return SQLITE_OK;
}

} // namespace txs::sql
