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

// Fires the triggers of `vtab`'s table for one row (Triggers::fire), with the running statement's
// upsert plan suspended while their bodies run.
std::optional<Error> fireTriggers(Vtab& vtab, Triggers::Timing timing, Triggers::Event event, const Row* oldRow,
                                  std::int64_t oldKey, const Row* newRow, std::int64_t newKey,
                                  const std::vector<bool>& set, bool& ignored)
{
    UpsertPlan* plan = vtab.connection->suspendStatementPlan();
    auto error = vtab.connection->triggers().fire(*vtab.table, timing, event, oldRow, oldKey, newRow, newKey,
                                                  set, ignored);
    vtab.connection->resumeStatementPlan(plan);
    return error;
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
std::optional<Error> checkUnique(Vtab& vtab, mvcc::Transaction& tx, std::int64_t key, const Row& row,
                                 mvcc::OnConflict mode, bool& ignored)
{
    ignored = false;
    const Table& table = *vtab.table;
    if (!table.hasUniqueIndexes()) return std::nullopt;
    auto& store = vtab.connection->store();
    for (const auto& index : *table.indexes()) {
        if (!index->unique()) continue;
        const auto other = mvcc::visibleDuplicate(store, table, *index, index->tupleOf(row), key, tx);
        if (!other) continue;
        if (mode == mvcc::OnConflict::Ignore) {
            ignored = true;
            return std::nullopt;
        }
        if (mode != mvcc::OnConflict::Replace) return mvcc::uniqueViolation(table, *index);
        if (auto error = store.remove(tx, vtab.table, *other)) return error;
    }
    return std::nullopt;
}

// After the store wrote `row` at `key` (since `mark`, a size of tx.writes): the unique indexes'
// check, then the row's index entries. Returns SQLite's code.
int finishWrite(Vtab& vtab, mvcc::Transaction& tx, std::size_t mark, std::int64_t key, const Row& row,
                mvcc::OnConflict mode, bool* written = nullptr)
{
    if (written) *written = false;
    bool ignored = false;
    if (auto error = checkUnique(vtab, tx, key, row, mode, ignored)) return setError(&vtab, *error);
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
// the clause's target is that constraint's error, as in SQLite. Only rows really written count as
// changes and are RETURNed.
int upsertRow(Vtab& vtab, UpsertPlan& plan, mvcc::Transaction& tx, std::int64_t key, const mvcc::RowPtr& row,
              mvcc::OnConflict mode)
{
    auto& store = vtab.connection->store();
    auto& triggers = vtab.connection->triggers();
    const bool fires = triggers.any(vtab.table->id());
    const auto& schema = vtab.table->schema();
    auto fail = [&](const Error& error) { return setError(&vtab, error); };
    const std::size_t mark = tx.writes.size();
    const auto taken = takenBy(vtab, tx, key, *row);
    if (!taken) {
        // Not seen taken: inserted; a concurrent insert of the key or value is decided at COMMIT.
        bool ignored = false;
        if (auto error = store.insert(tx, vtab.table, key, row, mvcc::OnConflict::Abort, ignored))
            return fail(*error);
        if (int rc = finishWrite(vtab, tx, mark, key, *row, mvcc::OnConflict::Abort); rc != SQLITE_OK)
            return rc;
        if (auto error = plan.wrote(*row)) return fail(*error);
        if (fires)
            if (auto error = fireTriggers(vtab, Triggers::Timing::After, Triggers::Event::Insert, nullptr,
                                           0, row.get(), key, {}, ignored))
                return fail(*error);
        return SQLITE_OK;
    }
    if (!plan.hasClause()) return SQLITE_OK; // OR IGNORE
    const std::vector<int> keyColumns{schema.keyColumn};
    if (!plan.targets(taken->index ? taken->index->schema().columns : keyColumns)) {
        if (taken->index) return fail(mvcc::uniqueViolation(*vtab.table, *taken->index));
        const std::string column = schema.keyColumn >= 0 ? schema.columns[schema.keyColumn].name : "rowid";
        return fail(Error::constraint(rc::ConstraintPrimaryKey,
                                      "UNIQUE constraint failed: " + vtab.table->name() + "." + column));
    }
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
        if (auto error = fireTriggers(vtab, Triggers::Timing::Before, Triggers::Event::Update,
                                       existing.get(), key, updated.get(), to, set, ignored))
            return fail(*error);
        if (ignored) return SQLITE_OK;
    }
    if (auto violation = notNullViolation(*vtab.table, *updated))
        return mode == mvcc::OnConflict::Ignore ? SQLITE_OK : fail(*violation);
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
    if (int rc = finishWrite(vtab, tx, updateMark, to, *updated, mvcc::OnConflict::Abort); rc != SQLITE_OK)
        return rc;
    if (auto returned = plan.wrote(*updated)) return fail(*returned);
    bool ignored = false;
    if (fires)
        if (auto error = fireTriggers(vtab, Triggers::Timing::After, Triggers::Event::Update,
                                       existing.get(), key, updated.get(), to, set, ignored))
            return fail(*error);
    return SQLITE_OK;
}

} // namespace

namespace {

// The row at `key` as the transaction sees it (for a trigger's OLD), or null.
mvcc::RowPtr visibleRow(Vtab& vtab, mvcc::Transaction& tx, std::int64_t key)
{
    mvcc::VersionChain* chain = vtab.table->find(key);
    return chain ? vtab.connection->store().read(*chain, tx) : nullptr;
}

// DELETE of one row of a table with triggers: BEFORE DELETE, the delete, AFTER DELETE.
int deleteFiring(Vtab& vtab, mvcc::Transaction& tx, std::int64_t key)
{
    auto& store = vtab.connection->store();
    const mvcc::RowPtr old = visibleRow(vtab, tx, key);
    if (!old) {
        auto error = store.remove(tx, vtab.table, key); // the store's own answer
        return error ? setError(&vtab, *error) : SQLITE_OK;
    }
    bool ignored = false;
    if (auto error = fireTriggers(vtab, Triggers::Timing::Before, Triggers::Event::Delete, old.get(),
                                   key, nullptr, 0, {}, ignored))
        return setError(&vtab, *error);
    if (ignored) return SQLITE_OK;
    if (auto error = store.remove(tx, vtab.table, key)) return setError(&vtab, *error);
    if (auto error = fireTriggers(vtab, Triggers::Timing::After, Triggers::Event::Delete, old.get(),
                                   key, nullptr, 0, {}, ignored))
        return setError(&vtab, *error);
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
    const auto mode = onConflict(vtab.db);
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
        if (auto error = fireTriggers(vtab, Triggers::Timing::Before, event, old.get(), oldKey,
                                       row.get(), key, set, ignored))
            return setError(base, *error);
        if (ignored) return SQLITE_OK;
    }

    for (std::size_t i = 0; i < schema.columns.size(); ++i) {
        if (!schema.columns[i].notNull || !(*row)[i].isNull()) continue;
        if (mode == mvcc::OnConflict::Ignore) return SQLITE_OK;
        return setError(base, Error::constraint(rc::ConstraintNotNull,
                                                "NOT NULL constraint failed: " + vtab.table->name() + "." +
                                                    schema.columns[i].name));
    }
    // CHECK after NOT NULL and before the key and unique indexes, as SQLite; OR IGNORE skips the row.
    if (auto violation = checkViolation(vtab, *row))
        return mode == mvcc::OnConflict::Ignore ? SQLITE_OK : setError(base, *violation);
    *newRowid = key;

    const std::size_t mark = tx->writes.size();
    bool ignored = false;
    bool written = false;
    int rc = SQLITE_OK;
    if (inserting) {
        if (auto* plan = vtab.connection->statementPlan()) return upsertRow(vtab, *plan, *tx, key, row, mode);
        if (auto error = store.insert(*tx, vtab.table, key, row, mode, ignored)) return fail(error);
        if (ignored) return SQLITE_OK;
        rc = finishWrite(vtab, *tx, mark, key, *row, mode, &written);
    } else if (key == oldKey) {
        if (auto error = store.update(*tx, vtab.table, key, row)) return fail(error);
        rc = finishWrite(vtab, *tx, mark, key, *row, mode, &written);
    } else {
        // The key changed: the row moves, which must not overwrite another row's key.
        if (auto error = store.insert(*tx, vtab.table, key, row, mode, ignored)) return fail(error);
        if (ignored) return SQLITE_OK;
        if (auto error = store.remove(*tx, vtab.table, oldKey)) return fail(error);
        vtab.connection->foreignKeys().noteKeyMove(vtab.table.get(), oldKey, key);
        rc = finishWrite(vtab, *tx, mark, key, *row, mode, &written);
    }
    if (rc != SQLITE_OK || !written || !fires || (!inserting && !old)) return rc;
    if (auto error = fireTriggers(vtab, Triggers::Timing::After, event, old.get(), oldKey, row.get(),
                                   key, set, ignored))
        return setError(base, *error);
    return SQLITE_OK;
}

} // namespace txs::sql
