#include "engine/sql/MvccForeignKeys.h"

#include "engine/api/AsciiText.h"
#include "engine/mvcc/Table.h"
#include "engine/mvcc/Transaction.h"
#include "engine/sqlutil/SqliteValues.h"

#include <mutex>
#include <set>
#include <sqlite3.h>

namespace txs::sql {

using mvcc::ForeignKeyAction;
using mvcc::WriteRecord;
using sqlutil::quoteIdentifier;

namespace {

Error failed()
{
    return Error::constraint(SQLITE_CONSTRAINT_FOREIGNKEY, "FOREIGN KEY constraint failed");
}

Error mismatch(const std::string& child, const std::string& parent)
{
    return Error::fromSqlite(SQLITE_ERROR,
                             "foreign key mismatch - \"" + child + "\" referencing \"" + parent + "\"");
}

// The row of version `id` in `chain` (empty when it is gone): the row a write ended.
Row versionRow(mvcc::VersionChain* chain, std::uint64_t id)
{
    if (!chain || !id) return {};
    mvcc::RowRecord record;
    {
        std::lock_guard lock(chain->lock);
        for (const auto& version : chain->versions)
            if (version.id == id) {
                record = version.row;
                break;
            }
    }
    return record ? record.decode() : Row{};
}

// `row`'s values in `columns`; empty when one is NULL (such a key references nothing).
Row project(const Row& row, const std::vector<int>& columns)
{
    Row values;
    for (int column : columns) {
        const Value v =
            static_cast<std::size_t>(column) < row.size() ? row[static_cast<std::size_t>(column)] : Value();
        if (v.isNull()) return {};
        values.push_back(v);
    }
    return values;
}

bool sameValues(const Row& a, const Row& b)
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].type() != b[i].type() || !(a[i] == b[i])) return false;
    return true;
}

// "a" = ?1 AND "b" = ?2 ...: the columns of `table` compared with parameters from `first`.
std::string matching(const mvcc::TableSchema& table, const std::vector<int>& columns, int first = 1)
{
    std::string sql;
    for (std::size_t i = 0; i < columns.size(); ++i)
        sql += (i ? " AND " : "") +
               quoteIdentifier(table.columns[static_cast<std::size_t>(columns[i])].name) + " = ?" +
               std::to_string(first + static_cast<int>(i));
    return sql;
}

// SQLite's parent key: the named columns (or the PRIMARY KEY) must be the key or exactly the columns
// of a unique index, in any order.
std::vector<int> resolveParentColumns(const mvcc::ForeignKey& key, const mvcc::Table& parent)
{
    const auto& schema = parent.schema();
    std::vector<int> columns;
    if (key.parentColumns.empty()) {
        if (schema.keyColumn >= 0) return {schema.keyColumn};
        for (const auto& index : schema.constraintIndexes)
            if (index.primaryKey) return index.columns;
        return {};
    }
    for (const auto& name : key.parentColumns) {
        const int column = schema.columnIndex(name);
        if (column < 0) return {};
        columns.push_back(column);
    }
    if (columns.size() != key.columns.size()) return {};
    if (columns.size() == 1 && columns[0] == schema.keyColumn) return columns;
    const std::set<int> wanted(columns.begin(), columns.end());
    for (const auto& index : *parent.indexes())
        if (index->unique() && !index->schema().computed() && // SQLite: "foreign key mismatch" else
            std::set<int>(index->schema().columns.begin(), index->schema().columns.end()) == wanted &&
            index->schema().columns.size() == columns.size())
            return columns;
    return {};
}

} // namespace

void ForeignKeys::reset()
{
    statements_.clear();
    references_.clear();
    byParent_.clear();
    byChild_.clear();
    mapped_ = false;
}

void ForeignKeys::noteKeyMove(const mvcc::Table* table, std::int64_t oldKey, std::int64_t newKey)
{
    if (enabled_) keyMoves_[{table, oldKey}] = newKey;
}

void ForeignKeys::mapReferences(const Tables& tables)
{
    if (mapped_) return;
    mapped_ = true;
    std::map<std::string, std::shared_ptr<mvcc::Table>> byName;
    for (const auto& [id, table] : tables)
        byName[toLower(table->name())] = table;
    for (const auto& [id, child] : tables) {
        const auto& keys = child->schema().foreignKeys;
        for (std::size_t k = 0; k < keys.size(); ++k) {
            Reference ref{child, k, nullptr, {}};
            if (auto it = byName.find(toLower(keys[k].parentTable)); it != byName.end()) {
                ref.parent = it->second;
                ref.parentColumns = resolveParentColumns(keys[k], *ref.parent);
                byParent_.emplace(ref.parent->id(), references_.size());
            }
            byChild_.emplace(child->id(), references_.size());
            references_.push_back(std::move(ref));
        }
    }
}

std::optional<Error> ForeignKeys::run(const std::string& sql, const Row& params, bool* found)
{
    // A statement run while the same one is running (within a trigger) gets one of its own.
    sqlutil::StatementHandle own;
    auto it = statements_.find(sql);
    if (it == statements_.end() || sqlite3_stmt_busy(it->second.get())) {
        if (sqlutil::prepare(db_, sql, own) != SQLITE_OK || !own)
            return Error::fromSqlite(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_));
        ;
        if (it == statements_.end()) it = statements_.emplace(sql, std::move(own)).first;
    }
    sqlite3_stmt* s = own ? own.get() : it->second.get();
    sqlutil::bindParams(s, params);
    vtabError_.reset();
    int rc = sqlite3_step(s);
    if (found) *found = rc == SQLITE_ROW;
    while (!found && rc == SQLITE_ROW) // (never step again after DONE: that would run it again)
        rc = sqlite3_step(s);
    std::optional<Error> error;
    const int code = sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        error =
            vtabError_ ? *vtabError_ : Error::fromSqlite(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_));
    else if (code != SQLITE_OK)
        error = vtabError_ ? *vtabError_ : Error::fromSqlite(code, sqlite3_errmsg(db_));
    sqlite3_clear_bindings(s);
    return error;
}

std::optional<Error> ForeignKeys::exists(const mvcc::Table& table, const std::vector<int>& columns,
                                         const Row& values, bool& found)
{
    return run("SELECT 1 FROM main." + quoteIdentifier(table.name()) + " WHERE " +
                   matching(table.schema(), columns) + " LIMIT 1",
               values, &found);
}

std::optional<Row> ForeignKeys::rowAfter(mvcc::MvccStore& store, mvcc::Transaction& tx,
                                         const WriteRecord& write) const
{
    std::int64_t key = write.key;
    if (write.op == WriteRecord::Op::Delete) {
        const auto moved = keyMoves_.find({write.table.get(), write.key});
        if (moved == keyMoves_.end()) return std::nullopt;
        key = moved->second;
    }
    mvcc::VersionChain* chain = write.table->find(key);
    const mvcc::RowPtr row = chain ? store.read(*chain, tx) : nullptr;
    if (!row) return std::nullopt;
    return *row;
}

std::optional<Error> ForeignKeys::action(const Reference& ref, bool deleted, const Row& oldValues,
                                         const Row& newValues)
{
    const auto& key = ref.child->schema().foreignKeys[ref.key];
    const auto& child = ref.child->schema();
    const ForeignKeyAction what = deleted ? key.onDelete : key.onUpdate;
    const std::string table = "main." + quoteIdentifier(child.name);
    const std::string where = " WHERE " + matching(child, key.columns);
    std::string set;
    Row params = oldValues;
    for (std::size_t i = 0; i < key.columns.size(); ++i) {
        const auto& column = child.columns[static_cast<std::size_t>(key.columns[i])];
        set += (i ? ", " : "") + quoteIdentifier(column.name) + " = ";
        if (what == ForeignKeyAction::SetNull)
            set += "NULL";
        else if (what == ForeignKeyAction::SetDefault)
            set += column.defaultSql.empty() ? "NULL" : "(" + column.defaultSql + ")";
        else
            set += "?" + std::to_string(oldValues.size() + i + 1);
    }
    switch (what) {
    case ForeignKeyAction::Cascade:
        if (deleted) return run("DELETE FROM " + table + where, oldValues);
        params.insert(params.end(), newValues.begin(), newValues.end());
        return run("UPDATE " + table + " SET " + set + where, params);
    case ForeignKeyAction::SetNull:
    case ForeignKeyAction::SetDefault:
        return run("UPDATE " + table + " SET " + set + where, oldValues);
    case ForeignKeyAction::NoAction:
    case ForeignKeyAction::Restrict:
        break;
    }
    return std::nullopt;
}

std::optional<Error> ForeignKeys::runActions(mvcc::MvccStore& store, mvcc::Transaction& tx, std::size_t mark)
{
    // The actions' own writes join tx.writes and are processed in turn (a cascade of cascades).
    for (std::size_t i = mark; i < tx.writes.size(); ++i) {
        const WriteRecord write = tx.writes[i]; // a copy: the actions below grow the vector
        if (write.op == WriteRecord::Op::Insert) continue;
        const auto [first, last] = byParent_.equal_range(write.table->id());
        if (first == last) continue;
        const Row oldRow = versionRow(write.chain, write.oldVersion);
        if (oldRow.empty()) continue;
        const std::optional<Row> newRow = rowAfter(store, tx, write);
        for (auto it = first; it != last; ++it) {
            const Reference& ref = references_[it->second];
            if (ref.parentColumns.empty()) return mismatch(ref.child->name(), ref.parent->name());
            const Row oldValues = project(oldRow, ref.parentColumns);
            if (oldValues.empty()) continue;
            Row newValues;
            if (newRow) {
                newValues = project(*newRow, ref.parentColumns);
                if (sameValues(oldValues, newValues)) continue; // the parent key did not change
            }
            if (auto error = action(ref, !newRow, oldValues, newValues)) return error;
        }
    }
    return std::nullopt;
}

std::optional<Error> ForeignKeys::check(mvcc::MvccStore& store, mvcc::Transaction& tx, std::size_t from,
                                        bool deferred)
{
    std::set<std::pair<std::uint32_t, std::int64_t>> childrenChecked;
    for (std::size_t i = from; i < tx.writes.size(); ++i) {
        const WriteRecord& write = tx.writes[i];
        const auto& table = *write.table;
        // Child side: the row as it is now must have its parents.
        const auto [firstChild, lastChild] = byChild_.equal_range(table.id());
        if (write.op != WriteRecord::Op::Delete && firstChild != lastChild &&
            childrenChecked.insert({table.id(), write.key}).second) {
            mvcc::VersionChain* chain = table.find(write.key);
            const mvcc::RowPtr row = chain ? store.read(*chain, tx) : nullptr;
            const Row before =
                write.op == WriteRecord::Op::Update ? versionRow(write.chain, write.oldVersion) : Row{};
            for (auto it = firstChild; row && it != lastChild; ++it) {
                const Reference& ref = references_[it->second];
                const auto& key = table.schema().foreignKeys[ref.key];
                if (key.deferred != deferred) continue;
                // SQLite says these for any row, NULL keys included (it finds them preparing).
                if (!ref.parent)
                    return Error::fromSqlite(SQLITE_ERROR, "no such table: main." + key.parentTable);
                if (ref.parentColumns.empty()) return mismatch(table.name(), ref.parent->name());
                const Row values = project(*row, key.columns);
                if (values.empty()) continue;
                // An UPDATE that leaves the key's columns alone is not checked (SQLite's rule).
                if (!before.empty() && sameValues(values, project(before, key.columns))) continue;
                bool found = false;
                if (auto error = exists(*ref.parent, ref.parentColumns, values, found)) return error;
                if (!found) return failed();
            }
        }
        // Parent side: a parent key that went away must leave no child behind.
        if (write.op == WriteRecord::Op::Insert) continue;
        const auto [firstParent, lastParent] = byParent_.equal_range(table.id());
        if (firstParent == lastParent) continue;
        const Row oldRow = versionRow(write.chain, write.oldVersion);
        if (oldRow.empty()) continue;
        for (auto it = firstParent; it != lastParent; ++it) {
            const Reference& ref = references_[it->second];
            const auto& key = ref.child->schema().foreignKeys[ref.key];
            const bool restrict = (write.op == WriteRecord::Op::Delete ? key.onDelete : key.onUpdate) ==
                                  ForeignKeyAction::Restrict;
            if ((key.deferred && !restrict) != deferred) continue;
            if (ref.parentColumns.empty()) return mismatch(ref.child->name(), table.name());
            const Row values = project(oldRow, ref.parentColumns);
            if (values.empty()) continue;
            bool found = false;
            if (auto error = exists(table, ref.parentColumns, values, found)) return error;
            if (found) continue; // a parent with that key is still there
            if (auto error = exists(*ref.child, key.columns, values, found)) return error;
            if (found) return failed();
        }
    }
    return std::nullopt;
}

std::optional<Error> ForeignKeys::afterStatement(mvcc::MvccStore& store, mvcc::Transaction& tx,
                                                 std::size_t mark, const Tables& tables, bool autocommit)
{
    if (!enabled_ || tx.writes.size() == mark) return std::nullopt;
    mapReferences(tables);
    if (references_.empty()) return std::nullopt;
    auto error = runActions(store, tx, mark);
    if (!error) error = check(store, tx, mark, false);
    if (!error && autocommit) error = check(store, tx, mark, true);
    keyMoves_.clear();
    return error;
}

std::optional<Error> ForeignKeys::beforeCommit(mvcc::MvccStore& store, mvcc::Transaction& tx,
                                               const Tables& tables)
{
    if (!enabled_ || tx.writes.empty()) return std::nullopt;
    mapReferences(tables);
    if (references_.empty()) return std::nullopt;
    return check(store, tx, 0, true);
}

} // namespace txs::sql

#include "engine/sql/MvccConnection.h"

namespace txs::sql {

// COMMIT checks the deferred foreign keys first, reading under the transaction it is committing.
std::optional<Error> MvccConnection::checkDeferredForeignKeys()
{
    if (!foreignKeys_->enabled() || tx_->doomedBy || tx_->writes.empty()) return std::nullopt;
    if (auto error = syncSchema()) return error;
    statementTx_ = tx_.get();
    statementPlan_ = nullptr;
    auto error = foreignKeys_->beforeCommit(*store_, *tx_, declared_);
    statementTx_ = nullptr;
    return error;
}

} // namespace txs::sql
