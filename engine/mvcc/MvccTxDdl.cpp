// DDL inside an explicit transaction (BEGIN ... CREATE TABLE ... COMMIT), as in Turso and SQLite:
// the transaction's catalog is private until COMMIT, its DDL goes into its commit frame with its
// rows, and ROLLBACK / ROLLBACK TO undo it.
//
// Invariant: at most one transaction has DDL pending, and it holds the exclusive slot from its
// first DDL statement to its end (the connection takes it, as Turso makes DDL an exclusive
// transaction). So no autocommit DDL, no other transaction's DDL and no other commit (concurrent
// commits get BUSY while a holder exists) runs meanwhile: the committed catalog kept in pending_
// cannot change under it, and publishing at COMMIT replaces it whole. Other connections only read
// the committed copy; the checkpoint never sees a table that is not committed.

#include "engine/api/AsciiText.h"
#include "engine/mvcc/MvccStore.h"

#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>

namespace txs::mvcc {

namespace {

// Private catalog versions: the high bit keeps them apart from the committed ones.
constexpr std::uint64_t privateVersionBit = std::uint64_t{1} << 63;

using Tables = std::map<std::string, std::shared_ptr<Table>>;

// What undoing DDL did to the tables, for the trace: its TableCreated and TableDropped events were
// emitted when the DDL ran, so a table that goes is dropped and one that comes back is created
// again (the version projection and the explainer then name the catalog as it is).
struct TableChanges
{
    std::vector<std::shared_ptr<Table>> gone, back;
};

TableChanges changesBetween(const Tables& from, const Tables& to)
{
    std::set<const Table*> before, after;
    for (const auto& [name, table] : from)
        before.insert(table.get());
    for (const auto& [name, table] : to)
        after.insert(table.get());
    TableChanges changes;
    for (const auto& [name, table] : from)
        if (!after.count(table.get())) changes.gone.push_back(table);
    for (const auto& [name, table] : to)
        if (!before.count(table.get())) changes.back.push_back(table);
    return changes;
}

void emitChanges(const MvccStore& store, std::uint32_t connection, const TableChanges& changes)
{
    for (const auto& table : changes.gone)
        store.emit(EventKind::TableDropped, connection, 0, table->id(), 0, 0, 0, table->name());
    for (const auto& table : changes.back)
        store.emit(EventKind::TableCreated, connection, 0, table->id(), 0, 0, 0, table->name());
}

} // namespace

MvccStore::CatalogState MvccStore::captureCatalog() const
{
    CatalogState state;
    state.tables = tables_;
    state.views = views_;
    state.triggers = triggers_;
    for (const auto& [name, table] : tables_)
        state.indexLists.emplace_back(table, table->indexes());
    return state;
}

void MvccStore::restoreCatalog(const CatalogState& state)
{
    tables_ = state.tables;
    views_ = state.views;
    triggers_ = state.triggers;
    for (const auto& [table, list] : state.indexLists)
        if (table->indexes() != list) table->setIndexes(list);
}

bool MvccStore::sharedWithCommitted(const Table& table) const
{
    if (!pending_) return false;
    for (const auto& [name, committed] : pending_->committed.tables)
        if (committed.get() == &table) return true;
    return false;
}

void MvccStore::beginTxDdl(Transaction& tx)
{
    std::unique_lock lock(catalogMutex_);
    if (pending_) return; // tx's own (it holds the exclusive slot)
    pending_ = std::make_unique<PendingCatalog>();
    pending_->tx = &tx;
    pending_->committed = captureCatalog();
    tx.ddlPending = true;
    pendingVersion_.store(++pendingSerial_ | privateVersionBit, std::memory_order_release);
    pendingConnection_.store(tx.connection, std::memory_order_release);
}

void MvccStore::rollbackDdlTo(Transaction& tx, std::size_t mark)
{
    std::unique_lock lock(catalogMutex_);
    if (!pending_ || pending_->tx != &tx || mark >= tx.ddlOps.size()) return;
    const auto changes = changesBetween(tables_, pending_->before[mark].tables);
    restoreCatalog(pending_->before[mark]);
    pending_->before.resize(mark);
    tx.ddlOps.resize(mark);
    pendingVersion_.store(++pendingSerial_ | privateVersionBit, std::memory_order_release);
    lock.unlock();
    emitChanges(*this, tx.connection, changes);
}

std::optional<Error> MvccStore::logDdl(LogOp op, std::uint64_t& ts, CatalogState before)
{
    if (pending_) {
        ts = 0;
        pending_->before.push_back(std::move(before));
        pending_->tx->ddlOps.push_back(std::move(op));
        return std::nullopt;
    }
    ts = durability_ ? beginDdl() : 0;
    if (!durability_) return std::nullopt;
    std::optional<Error> error = durability_->logDdl(op, ts);
    if (error) endDdl(ts);
    return error;
}

void MvccStore::catalogChanged(std::uint64_t ts)
{
    if (pending_) {
        pendingVersion_.store(++pendingSerial_ | privateVersionBit, std::memory_order_release);
        return;
    }
    schemaVersion_.fetch_add(1, std::memory_order_acq_rel);
    ddlCommitted(ts);
}

void MvccStore::publishTxDdl(Transaction& tx, std::uint64_t commitTs)
{
    std::unique_lock lock(catalogMutex_);
    if (!pending_ || pending_->tx != &tx) return;
    std::set<const Table*> committed, kept;
    for (const auto& [name, table] : pending_->committed.tables)
        committed.insert(table.get());
    for (const auto& [name, table] : tables_) {
        kept.insert(table.get());
        // Created by tx: recovery and the checkpoint tell it from an older table of its name by
        // the timestamp, the one its frame carries. Set before anyone else can see it.
        if (!committed.count(table.get())) table->setCreatedTs(commitTs);
    }
    for (const auto& [name, table] : pending_->committed.tables)
        if (!kept.count(table.get())) table->markDropped();
    pending_.reset();
    pendingConnection_.store(0, std::memory_order_release);
    tx.ddlPending = false;
    // Only DDL that changed something is a schema change for the conflict rule.
    if (!tx.ddlOps.empty()) schemaVersion_.fetch_add(1, std::memory_order_acq_rel);
}

void MvccStore::discardTxDdl(Transaction& tx)
{
    std::unique_lock lock(catalogMutex_);
    if (!pending_ || pending_->tx != &tx) return;
    const auto changes = changesBetween(tables_, pending_->committed.tables);
    restoreCatalog(pending_->committed);
    pending_.reset();
    pendingConnection_.store(0, std::memory_order_release);
    tx.ddlPending = false;
    tx.ddlOps.clear();
    lock.unlock();
    emitChanges(*this, tx.connection, changes);
}

} // namespace txs::mvcc
