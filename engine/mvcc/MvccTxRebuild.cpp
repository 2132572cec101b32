// ALTER TABLE, and CREATE/DROP INDEX on a table that existed before the transaction, inside
// BEGIN ... COMMIT (docs/engine.md, "DDL inside a transaction").
//
// The committed table is never touched: every other connection, the checkpoint and recovery go on
// reading it until COMMIT. In the transaction's private catalog it is replaced by a table of its
// own, as `DROP TABLE t; CREATE TABLE t (...); INSERT INTO t SELECT ...` inside the transaction
// would: a new table (new id, the altered schema and its indexes) holding, as the transaction's
// own inserts, every row the transaction sees (its own writes included), reshaped by the plan.
// So everything DDL inside a transaction already does holds for it unchanged:
//   - its ops (DropTable, CreateTable, the CREATE INDEX and rewritten views, the triggers on the
//     table again and the other triggers SQLite rewrote) and then its rows go into the commit
//     frame: recovery gets all or nothing;
//   - ROLLBACK undoes the inserts and restores the catalog; ROLLBACK TO a savepoint before it
//     restores the catalog as it was (the committed table with the transaction's earlier rows,
//     still in it, untouched), after it keeps the new table and its rows;
//   - the transaction's writes into the old table before the rebuild stay there (committed with
//     it, on a table that is dropped at COMMIT, not logged: only tables its catalog ends with are);
//     its writes after it go into the new table.
// Cost: the table's rows are copied and logged in the commit frame (SQLite's own DROP COLUMN
// rewrites the table too), and the checkpoint writes the table again.
//
// Invariant: tx holds the exclusive slot and has DDL pending (the connection's
// asExclusiveWriter), so the catalog and the committed rows cannot change meanwhile.

#include "engine/api/AsciiText.h"
#include "engine/mvcc/MvccStore.h"

#include <limits>
#include <mutex>
#include <shared_mutex>

namespace txs::mvcc {

namespace {

RowPtr reshaped(const RowPtr& row, const AlterPlan* plan)
{
    if (!plan || plan->kind == AlterPlan::Kind::RenameTable || plan->kind == AlterPlan::Kind::RenameColumn)
        return row; // same values in the same order
    Row out;
    out.reserve(plan->sourceColumn.size());
    for (const int from : plan->sourceColumn)
        out.push_back(from < 0 ? plan->addedValue : (*row)[static_cast<std::size_t>(from)]);
    return std::make_shared<const Row>(std::move(out));
}

LogOp ddlOp(LogOp::Kind kind, std::string name, std::string createSql = {})
{
    LogOp op;
    op.kind = kind;
    op.table = std::move(name);
    op.createSql = std::move(createSql);
    return op;
}

} // namespace

bool MvccStore::sharedInTx(const std::string& tableName, std::uint32_t viewer) const
{
    std::shared_lock lock(catalogMutex_);
    if (!pending_ || pending_->tx->connection != viewer) return false;
    auto it = tables_.find(toLower(tableName));
    return it != tables_.end() && sharedWithCommitted(*it->second);
}

std::optional<Error> MvccStore::rebuildInTx(Transaction& tx, const std::string& tableName,
                                            const AlterPlan* plan, std::uint32_t connection)
{
    std::shared_ptr<Table> old, replacement;
    std::vector<IndexSchema> indexes;
    std::vector<TriggerSchema> triggersOn;
    {
        std::unique_lock lock(catalogMutex_);
        if (!pending_ || pending_->tx != &tx)
            return Error::misuse(
                "internal: a table is rebuilt inside a transaction only while it has DDL pending");
        auto it = tables_.find(toLower(tableName));
        if (it == tables_.end()) return Error::syntax("no such table: " + tableName);
        old = it->second;
        TableSchema schema = plan ? plan->schema : old->schema();
        if (plan) {
            indexes = plan->indexes;
        } else {
            for (const auto& index : *old->indexes())
                if (!index->schema().createSql.empty()) indexes.push_back(index->schema());
        }
        // The triggers on the table go with its DROP and come again; with a plan, also every
        // trigger SQLite rewrote (one on another table whose body names this one), as rewritten.
        if (plan) {
            for (const auto& trigger : plan->triggers) {
                auto was = findTrigger(trigger.name);
                if (toLower(trigger.table) == toLower(plan->schema.name) || was == triggers_.end() ||
                    was->createSql != trigger.createSql)
                    triggersOn.push_back(trigger);
            }
        } else {
            for (const auto& trigger : triggers_)
                if (toLower(trigger.table) == toLower(old->name())) triggersOn.push_back(trigger);
        }
        replacement = std::make_shared<Table>(nextTableId_++, std::move(schema));
    }
    // The constraint indexes came with the schema; then the CREATE INDEX ones. Nobody else can
    // see the table: its entries are added with each row below.
    auto list = std::make_shared<Table::IndexList>(*replacement->indexes());
    for (const auto& schema : indexes)
        list->push_back(std::make_shared<Index>(schema));
    replacement->setIndexes(list);
    replacement->noteExplicitKey(old->nextKey() - 1);

    // The rows tx sees, its own writes included, as its inserts into the new table.
    const std::size_t mark = tx.writes.size();
    std::vector<Table::Entry> batch;
    std::optional<std::int64_t> after;
    constexpr auto lo = std::numeric_limits<std::int64_t>::min(),
                   hi = std::numeric_limits<std::int64_t>::max();
    for (;;) {
        old->collect(lo, hi, after, false, 256, batch);
        if (batch.empty()) break;
        for (const auto& [key, chain] : batch) {
            const RowPtr row = read(*chain, tx);
            if (!row) continue;
            RowPtr copy = reshaped(row, plan);
            bool ignored = false;
            if (auto error = insert(tx, replacement, key, copy, OnConflict::Abort, ignored)) {
                undoTo(tx, mark);
                return error;
            }
            replacement->indexVersion(key, *copy);
        }
        after = batch.back().key;
    }

    std::unique_lock lock(catalogMutex_);
    // Ops in replay order: the old table goes (its indexes and triggers with it, as in SQLite),
    // the new one comes with its indexes, the views SQLite rewrote, the triggers again.
    std::vector<LogOp> ops;
    ops.push_back(ddlOp(LogOp::Kind::DropTable, old->name()));
    ops.push_back(ddlOp(LogOp::Kind::CreateTable, replacement->name(), replacement->schema().createSql));
    for (const auto& index : indexes)
        ops.push_back(ddlOp(LogOp::Kind::CreateIndex, replacement->name(), index.createSql));
    if (plan) {
        for (const auto& view : plan->views) {
            auto was = findView(view.name);
            if (was != views_.end() && was->createSql == view.createSql) continue;
            if (was != views_.end()) ops.push_back(ddlOp(LogOp::Kind::DropView, view.name));
            ops.push_back(ddlOp(LogOp::Kind::CreateView, view.name, view.createSql));
        }
    }
    for (const auto& trigger : triggersOn) {
        ops.push_back(ddlOp(LogOp::Kind::DropTrigger, trigger.name));
        ops.push_back(ddlOp(LogOp::Kind::CreateTrigger, trigger.name, trigger.createSql));
    }
    // Every op of the statement undoes to the catalog before it (a savepoint lies between
    // statements, never inside one).
    const CatalogState before = captureCatalog();
    for (auto& op : ops) {
        pending_->before.push_back(before);
        tx.ddlOps.push_back(std::move(op));
    }
    tables_.erase(toLower(old->name()));
    tables_[toLower(replacement->name())] = replacement;
    if (plan) {
        views_ = plan->views;
        triggers_ = plan->triggers;
    }
    catalogChanged(0);
    lock.unlock();
    emit(EventKind::TableDropped, connection, 0, old->id(), 0, 0, 0, old->name());
    emit(EventKind::TableCreated, connection, 0, replacement->id(), 0, 0, 0, replacement->name());
    return std::nullopt;
}

} // namespace txs::mvcc
