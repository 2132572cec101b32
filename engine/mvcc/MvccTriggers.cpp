// The store's triggers. A trigger is SQLite's CREATE TRIGGER text and the table it is on; the SQL
// front end runs it inside the statement that fires it (engine/sql/MvccTriggers.h). CREATE and DROP
// TRIGGER are DDL like CREATE and DROP VIEW: run holding the exclusive slot, one log frame each on
// a file, the schema version bumped. A table's triggers go with it (MvccConnection drops them first).

#include "engine/api/AsciiText.h"
#include "engine/mvcc/MvccStore.h"

#include <mutex>
#include <shared_mutex>

namespace txs::mvcc {

std::vector<TriggerSchema>::const_iterator MvccStore::findTrigger(const std::string& name) const
{
    const std::string key = toLower(name);
    for (auto it = triggers_.begin(); it != triggers_.end(); ++it)
        if (toLower(it->name) == key) return it;
    return triggers_.end();
}

std::optional<Error> MvccStore::createTrigger(TriggerSchema trigger, bool ifNotExists,
                                              std::uint32_t connection)
{
    std::unique_lock lock(catalogMutex_);
    // SQLite's checks and messages, in its order (trigger names are a namespace of their own).
    if (findTrigger(trigger.name) != triggers_.end())
        return ifNotExists
                   ? std::nullopt
                   : std::optional<Error>(Error::syntax("trigger " + trigger.name + " already exists"));
    if (!tables_.count(toLower(trigger.table))) return Error::syntax("no such table: main." + trigger.table);
    std::uint64_t ts = 0;
    LogOp op;
    op.kind = LogOp::Kind::CreateTrigger;
    op.table = trigger.name;
    op.createSql = trigger.createSql;
    if (auto logError = logDdl(std::move(op), ts, beforeDdl())) return logError;
    const std::string name = trigger.name;
    triggers_.push_back(std::move(trigger));
    catalogChanged(ts);
    lock.unlock();
    emit(EventKind::Note, connection, 0, 0, 0, 0, 0, "CREATE TRIGGER " + name);
    return std::nullopt;
}

std::vector<TriggerSchema> MvccStore::triggers(std::uint32_t viewer) const
{
    std::shared_lock lock(catalogMutex_);
    return seesCommitted(viewer) ? pending_->committed.triggers : triggers_;
}

bool MvccStore::hasTrigger(const std::string& name, std::uint32_t viewer) const
{
    std::shared_lock lock(catalogMutex_);
    if (!seesCommitted(viewer)) return findTrigger(name) != triggers_.end();
    const std::string key = toLower(name);
    for (const auto& trigger : pending_->committed.triggers)
        if (toLower(trigger.name) == key) return true;
    return false;
}

void MvccStore::restoreTrigger(TriggerSchema trigger)
{
    std::unique_lock lock(catalogMutex_);
    if (const auto it = findTrigger(trigger.name); it != triggers_.end()) triggers_.erase(it);
    triggers_.push_back(std::move(trigger));
    schemaVersion_.fetch_add(1, std::memory_order_acq_rel);
}

void MvccStore::restoreDropTrigger(const std::string& name)
{
    std::unique_lock lock(catalogMutex_);
    if (const auto it = findTrigger(name); it != triggers_.end()) triggers_.erase(it);
    schemaVersion_.fetch_add(1, std::memory_order_acq_rel);
}

} // namespace txs::mvcc
