// Loading a database into the store at open (from the SQLite file, then the log), before any
// connection exists, and the checkpoint's wait for commits in flight.

#include "engine/api/AsciiText.h"
#include "engine/mvcc/MvccStore.h"

#include <cctype>

namespace txs::mvcc {

void MvccStore::waitForPreparingBelow(std::uint64_t ts) const
{
    for (;;) {
        const std::uint32_t epoch = preparingEpoch();
        {
            std::lock_guard lock(clockMutex_);
            if (preparingTs_.empty() || *preparingTs_.begin() >= ts) return;
        }
        // A preparing commit is validating or appending to the log, which at synchronous=FULL
        // includes an fdatasync (milliseconds on a disk); it never waits for us. Every dropped
        // preparing timestamp bumps the epoch.
        waitPreparingChange(epoch);
    }
}

std::shared_ptr<Table> MvccStore::restoreTable(TableSchema schema, std::uint64_t createdTs)
{
    std::unique_lock lock(catalogMutex_);
    auto table = std::make_shared<Table>(nextTableId_++, std::move(schema));
    table->setCreatedTs(createdTs);
    tables_[toLower(table->name())] = table;
    schemaVersion_.fetch_add(1, std::memory_order_acq_rel);
    lock.unlock();
    emit(EventKind::TableCreated, 0, 0, table->id(), 0, 0, 0, table->name());
    return table;
}

void MvccStore::restoreDrop(const std::string& name)
{
    std::unique_lock lock(catalogMutex_);
    auto it = tables_.find(toLower(name));
    if (it == tables_.end()) return;
    auto table = it->second;
    tables_.erase(it);
    table->markDropped();
    schemaVersion_.fetch_add(1, std::memory_order_acq_rel);
    lock.unlock();
    emit(EventKind::TableDropped, 0, 0, table->id(), 0, 0, 0, table->name());
}

void MvccStore::restoreRow(Table& table, std::int64_t key, RowRecord row, std::uint64_t ts)
{
    VersionChain& chain = table.findOrCreate(key);
    std::vector<RowRecord> old; // their index entries are replaced by the new row's (Index.h)
    {
        std::lock_guard lock(chain.lock);
        // Nobody can read yet, so older versions are garbage at once.
        versionsReclaimed_.fetch_add(chain.versions.size(), std::memory_order_relaxed);
        if (table.hasIndexes())
            for (const auto& v : chain.versions)
                old.push_back(std::move(v.row));
        chain.versions.clear();
        if (row) {
            chain.versions.push_back({newVersionId(), Stamp::at(ts), Stamp::none(), row, 0,
                                      0}); // shared with the index pass below
            versionsCreated_.fetch_add(1, std::memory_order_relaxed);
        }
    }
    if (row) table.indexVersion(key, row);
    table.unindexVersions(key, chain, old);
    table.noteExplicitKey(key);
}

void MvccStore::restoreClock(std::uint64_t ts)
{
    std::lock_guard lock(clockMutex_);
    clock_ = std::max(clock_, ts);
    lastCommitTs_ = std::max(lastCommitTs_, ts);
}

} // namespace txs::mvcc
