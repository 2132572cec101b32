// ALTER TABLE on an MVCC connection: planned by SQLite in a scratch copy of the schema
// (engine/mvcc/AlterPlan.h: SQLite's rules and messages; the triggers are in the scratch too, so
// SQLite rewrites them or refuses a DROP COLUMN one reads), carried out by the store as DDL
// (MvccStore::alterTable), then declared again on this connection's private handle (the triggers
// with it: Triggers::sync declares again each whose text or table changed).

#include "engine/mvcc/AlterPlan.h"
#include "engine/sql/MvccConnection.h"
#include "engine/sqlutil/SqlScanner.h"
#include "engine/sqlutil/SqliteValues.h"
#include "engine/sqlutil/StatementHandle.h"

#include <sqlite3.h>

namespace txs::sql {

std::optional<Error> MvccConnection::alterTable(std::string_view statement, const sqlutil::Classified& c,
                                                const Params& params, Result& result)
{
    // Not a table or view of the store: a temp table of this connection, or SQLite's own answer
    // ("no such table") from the private handle.
    if (c.temp || (!store_->table(c.name, id()) && !store_->hasView(c.name, id())))
        return runSql(statement, params, result);
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
