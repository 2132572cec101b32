// Garbage collection: a version whose end committed at or before the low-water mark (the
// oldest snapshot still in use) can never be seen again, by any transaction now running or
// yet to begin, so it is removed. Commits queue the chains where they ended versions; every
// so many commits one thread drains a bounded batch of that queue, so the work is spread
// over the run instead of stopping it.

#include "engine/mvcc/MvccStore.h"

namespace txs::mvcc {

namespace {
constexpr std::uint64_t commitsPerPass = 64;
constexpr std::size_t chainsPerPass = 4096;
} // namespace

std::uint64_t MvccStore::lowWaterMark() const
{
    std::lock_guard lock(clockMutex_);
    // With no snapshot open, every future transaction begins after the current clock.
    return activeBeginTs_.empty() ? clock_ + 1 : *activeBeginTs_.begin();
}

void MvccStore::maybeCollectGarbage()
{
    if (commitsSinceGc_.fetch_add(1, std::memory_order_relaxed) + 1 < commitsPerPass) return;
    std::unique_lock run(gcRunMutex_, std::try_to_lock);
    if (!run.owns_lock()) return; // another thread is collecting; it will get to ours too
    commitsSinceGc_.store(0, std::memory_order_relaxed);
    std::vector<GcItem> batch, keep;
    {
        std::lock_guard lock(gcQueueMutex_);
        const std::size_t n = std::min(chainsPerPass, gcQueue_.size());
        batch.assign(std::make_move_iterator(gcQueue_.end() - n), std::make_move_iterator(gcQueue_.end()));
        gcQueue_.resize(gcQueue_.size() - n);
    }
    collectItems(batch, lowWaterMark(), keep);
    gcPasses_.fetch_add(1, std::memory_order_relaxed);
    if (!keep.empty()) {
        std::lock_guard lock(gcQueueMutex_);
        gcQueue_.insert(gcQueue_.begin(), std::make_move_iterator(keep.begin()),
                        std::make_move_iterator(keep.end()));
    }
}

void MvccStore::collectGarbage()
{
    std::lock_guard run(gcRunMutex_);
    std::vector<GcItem> batch, keep;
    {
        std::lock_guard lock(gcQueueMutex_);
        batch.swap(gcQueue_);
    }
    collectItems(batch, lowWaterMark(), keep);
    gcPasses_.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(gcQueueMutex_);
    gcQueue_.insert(gcQueue_.end(), std::make_move_iterator(keep.begin()),
                    std::make_move_iterator(keep.end()));
}

std::size_t MvccStore::collectItems(std::vector<GcItem>& items, std::uint64_t lwm, std::vector<GcItem>& keep)
{
    std::size_t reclaimed = 0;
    struct Reclaimed
    {
        std::uint32_t table;
        std::int64_t key;
        std::uint64_t version;
    };
    std::vector<Reclaimed> events;
    for (auto& item : items) {
        if (item.table->dropped()) continue;
        bool pending = false;
        {
            std::lock_guard lock(item.chain->lock);
            auto& versions = item.chain->versions;
            for (auto it = versions.begin(); it != versions.end();) {
                const bool endedCommitted = it->end.tx == nullptr && it->end.ts != 0;
                if (endedCommitted && it->end.ts <= lwm) {
                    if (tracing()) events.push_back({item.table->id(), item.key, it->id});
                    it = versions.erase(it);
                    ++reclaimed;
                    continue;
                }
                if (!it->end.isNone()) pending = true;
                ++it;
            }
        }
        if (pending) keep.push_back(std::move(item));
    }
    versionsReclaimed_.fetch_add(reclaimed, std::memory_order_relaxed);
    for (const auto& e : events)
        emit(EventKind::VersionReclaimed, 0, 0, e.table, e.key, static_cast<std::int64_t>(e.version));
    return reclaimed;
}

StoreStats MvccStore::stats() const
{
    StoreStats s;
    s.versionsCreated = versionsCreated_.load(std::memory_order_relaxed);
    s.versionsReclaimed = versionsReclaimed_.load(std::memory_order_relaxed);
    s.liveVersions =
        s.versionsCreated - s.versionsReclaimed - versionsDiscarded_.load(std::memory_order_relaxed);
    s.commits = commits_.load(std::memory_order_relaxed);
    s.rollbacks = rollbacks_.load(std::memory_order_relaxed);
    s.conflicts = conflicts_.load(std::memory_order_relaxed);
    s.gcPasses = gcPasses_.load(std::memory_order_relaxed);
    s.lowWaterMark = lowWaterMark();
    return s;
}

std::vector<VersionInfo> MvccStore::versionsOf(const std::string& tableName, std::int64_t key) const
{
    std::vector<VersionInfo> out;
    auto t = table(tableName);
    if (!t) return out;
    VersionChain* chain = t->find(key);
    if (!chain) return out;
    std::lock_guard lock(chain->lock);
    for (const auto& v : chain->versions) {
        VersionInfo info{v.id, 0, 0, v.beginTxId, v.endTxId, false, false, v.row ? *v.row : Row{}};
        if (!v.begin.tx) {
            info.beginTs = v.begin.ts;
            info.beginCommitted = true;
        } else if (v.begin.tx->loadState() == TxState::Committed) {
            info.beginTs = v.begin.tx->endTs.load(std::memory_order_relaxed);
            info.beginCommitted = true;
        }
        if (!v.end.tx) {
            info.endTs = v.end.ts;
            info.endCommitted = v.end.ts != 0;
        } else if (v.end.tx->loadState() == TxState::Committed) {
            info.endTs = v.end.tx->endTs.load(std::memory_order_relaxed);
            info.endCommitted = true;
        }
        out.push_back(std::move(info));
    }
    return out;
}

} // namespace txs::mvcc
