// ALTER TABLE on an MVCC connection: planned by SQLite in a scratch copy of the schema
// (engine/mvcc/AlterPlan.h: SQLite's rules and messages), carried out by the store as DDL
// (MvccStore::alterTable), then declared again on this connection's private handle.

#include "engine/api/AsciiText.h"
#include "engine/mvcc/AlterPlan.h"
#include "engine/sql/MvccConnection.h"
#include "engine/sqlutil/SqlScanner.h"
#include "engine/sqlutil/SqliteValues.h"
#include "engine/sqlutil/StatementHandle.h"

#include <limits>
#include <sqlite3.h>

namespace txs::sql {

std::optional<Error> MvccConnection::alterTable(std::string_view statement, const sqlutil::Classified& c,
                                                const Params& params, Result& result)
{
    // Not a table or view of the store: a temp table of this connection, or SQLite's own answer
    // ("no such table") from the private handle.
    if (c.temp || (!store_->table(c.name, id()) && !store_->hasView(c.name, id())))
        return runSql(statement, params, result);
    if (auto trigger = triggerNaming(c.name)) {
        // The table's name as it was created (the scanner upper-cases an unquoted name).
        const auto table = store_->table(c.name, id());
        return Error::notSupported("ALTER TABLE " + (table ? table->name() : c.name) +
                                   " is not supported by the MVCC engine while trigger " + *trigger +
                                   " names the table: drop the trigger, alter the table, then create "
                                   "the trigger again");
    }
    if (auto error = asExclusiveWriter([&]() -> std::optional<Error> {
            Error planError;
            auto plan = mvcc::planAlter(statement, store_->catalogSchema(), planError);
            if (!plan) return planError;
            if (plan->kind == mvcc::AlterPlan::Kind::AddColumn)
                if (auto e = checkAddedColumn(*plan)) return e;
            // Inside BEGIN ... COMMIT: the table is replaced in the transaction's private catalog
            // by its own altered copy of the rows it sees (MvccStore::rebuildInTx), logged in its
            // commit frame; other connections keep the committed table until COMMIT.
            if (tx_) {
                const std::size_t writes = tx_->writes.size();
                auto error = store_->rebuildInTx(*tx_, plan->table, &*plan, id());
                if (error) store_->undoTo(*tx_, writes);
                return error;
            }
            return store_->alterTable(*plan, statement, id());
        }))
        return error;
    return syncSchema();
}

namespace {

// True when a token of `sql` (a word, a quoted name, or a string, which SQLite also takes as a
// name where one is expected: `FROM 'p'`) is `lowerName`, case-insensitively, as SQLite compares
// names. Whole tokens only: a one-letter table `p` is not named by `update` or `'x p'`.
bool namesInSql(std::string_view sql, const std::string& lowerName)
{
    for (const auto& token : sqlutil::leadingTokens(sql, std::numeric_limits<std::size_t>::max()))
        if ((token.type == sqlutil::Token::Type::Word || token.type == sqlutil::Token::Type::String) &&
            toLower(token.text) == lowerName)
            return true;
    return false;
}

} // namespace

// A trigger on `table`, or one whose text names it (its body may write it), or nullopt. The
// scratch schema where SQLite plans the ALTER holds no triggers, so SQLite would neither rewrite
// such a trigger nor refuse a DROP COLUMN it reads: the ALTER is refused instead. Matched on the
// trigger's tokens, names and strings alike, which may refuse a trigger that only holds the name
// as a string value; never the other way round.
std::optional<std::string> MvccConnection::triggerNaming(const std::string& table) const
{
    const std::string name = toLower(table);
    for (const auto& trigger : store_->triggers(id()))
        if (toLower(trigger.table) == name || namesInSql(trigger.createSql, name)) return trigger.name;
    return std::nullopt;
}

// SQLite's ALTER rules that look at rows (the scratch where planAlter ran has none): ADD COLUMN ...
// NOT NULL without a default fails on a table that has rows ("Cannot add a NOT NULL column with
// default value NULL"), and ADD COLUMN with a CHECK fails when an existing row, holding the added
// column's value, does not pass it ("CHECK constraint failed"). Read as of now: the caller holds
// the exclusive slot, so no commit runs meanwhile.
std::optional<Error> MvccConnection::checkAddedColumn(const mvcc::AlterPlan& plan)
{
    const auto& added = plan.schema.columns.back();
    const bool nullInNotNull = added.notNull && plan.addedValue.isNull();
    if (plan.addedChecks.empty() && !nullInNotNull) return std::nullopt;
    if (auto error = syncSchema()) return error;
    std::string failing;
    for (const auto& check : plan.addedChecks)
        failing += (failing.empty() ? "NOT (" : " OR NOT (") + check.expressionSql + ")";
    if (nullInNotNull) failing = "1";
    const std::string table = sqlutil::quoteIdentifier(plan.table);
    const std::string sql = "SELECT 1 FROM (SELECT *, ?1 AS " + sqlutil::quoteIdentifier(added.name) +
                            " FROM main." + table + ") AS " + table + " WHERE " + failing + " LIMIT 1";
    sqlutil::StatementHandle stmt;
    if (sqlutil::prepare(db_, sql, stmt) != SQLITE_OK || !stmt)
        return Error::fromSqlite(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_));
    sqlutil::bindParams(stmt.get(), {plan.addedValue});
    // Inside BEGIN ... COMMIT the rows are the ones the transaction sees, its own included.
    auto reader = tx_ ? nullptr : store_->begin(TxMode::None, id(), false);
    mvcc::Transaction* const outer = statementTx_;
    statementTx_ = tx_ ? tx_.get() : reader.get();
    const int rc = sqlite3_step(stmt.get());
    statementTx_ = outer;
    stmt = {};
    if (reader) store_->commit(*reader); // read only: ends without a timestamp
    if (rc == SQLITE_ROW && nullInNotNull)
        return Error::fromSqlite(SQLITE_ERROR, "Cannot add a NOT NULL column with default value NULL");
    if (rc == SQLITE_ROW) return Error::constraint(SQLITE_CONSTRAINT_CHECK, "CHECK constraint failed");
    if (rc != SQLITE_DONE) return Error::fromSqlite(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_));
    return std::nullopt;
}

} // namespace txs::sql
