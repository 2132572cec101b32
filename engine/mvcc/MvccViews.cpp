// The store's views. A view holds no rows: it is SQLite's CREATE VIEW text, which every connection
// declares on its private handle (engine/sql), where a SELECT on it reads the virtual tables under
// the statement's transaction, so a view sees exactly the snapshot a query on its tables would.
// CREATE and DROP VIEW are DDL like CREATE and DROP TABLE: run holding the exclusive slot, one log
// frame each on a file, the schema version bumped (a transaction that began before commits with
// the schema conflict, as after any DDL).

#include "engine/api/AsciiText.h"
#include "engine/mvcc/MvccStore.h"

#include <mutex>
#include <shared_mutex>

namespace txs::mvcc {

std::vector<ViewSchema>::const_iterator MvccStore::findView(const std::string& name) const
{
    const std::string key = toLower(name);
    for (auto it = views_.begin(); it != views_.end(); ++it)
        if (toLower(it->name) == key) return it;
    return views_.end();
}

std::optional<Error> MvccStore::createView(ViewSchema view, bool ifNotExists, std::uint32_t connection)
{
    std::unique_lock lock(catalogMutex_);
    // SQLite's checks and messages, in its order.
    if (findView(view.name) != views_.end())
        return ifNotExists ? std::nullopt
                           : std::optional<Error>(Error::syntax("view " + view.name + " already exists"));
    if (tables_.count(toLower(view.name)))
        return ifNotExists ? std::nullopt
                           : std::optional<Error>(Error::syntax("table " + view.name + " already exists"));
    for (const auto& [key, table] : tables_)
        if (table->index(view.name)) return Error::syntax("there is already an index named " + view.name);
    std::uint64_t ts = 0;
    LogOp op;
    op.kind = LogOp::Kind::CreateView;
    op.table = view.name;
    op.createSql = view.createSql;
    if (auto logError = logDdl(std::move(op), ts, beforeDdl())) return logError;
    const std::string name = view.name;
    views_.push_back(std::move(view));
    catalogChanged(ts);
    lock.unlock();
    emit(EventKind::Note, connection, 0, 0, 0, 0, 0, "CREATE VIEW " + name);
    return std::nullopt;
}

std::vector<ViewSchema> MvccStore::views(std::uint32_t viewer) const
{
    std::shared_lock lock(catalogMutex_);
    return seesCommitted(viewer) ? pending_->committed.views : views_;
}

bool MvccStore::hasView(const std::string& name, std::uint32_t viewer) const
{
    std::shared_lock lock(catalogMutex_);
    if (!seesCommitted(viewer)) return findView(name) != views_.end();
    const std::string key = toLower(name);
    for (const auto& view : pending_->committed.views)
        if (toLower(view.name) == key) return true;
    return false;
}

void MvccStore::restoreView(ViewSchema view)
{
    std::unique_lock lock(catalogMutex_);
    if (const auto it = findView(view.name); it != views_.end()) views_.erase(it);
    views_.push_back(std::move(view));
    schemaVersion_.fetch_add(1, std::memory_order_acq_rel);
}

void MvccStore::restoreDropView(const std::string& name)
{
    std::unique_lock lock(catalogMutex_);
    if (const auto it = findView(name); it != views_.end()) views_.erase(it);
    schemaVersion_.fetch_add(1, std::memory_order_acq_rel);
}

} // namespace txs::mvcc
