// Garbage collection: a version whose end committed at or before the low-water mark (the
// oldest snapshot still in use) can never be seen again, by any transaction now running or
// yet to begin, so it is removed. Commits queue the chains where they ended versions; every
// commit drains a small bounded batch of that queue (the low-water mark is refreshed every
// 64 commits), so the work is spread over the run instead of stopping it.

#include "engine/mvcc/MvccStore.h"

#include <algorithm>

namespace txs::mvcc {

namespace {
constexpr std::uint64_t commitsPerLwm = 64;
// A commit queues at most one chain per row it ended; looking at up to four keeps the queue
// short even when some chains must wait for an old snapshot to end.
constexpr std::size_t chainsPerCommit = 4;
} // namespace

std::uint64_t MvccStore::lowWaterMark() const
{
    std::lock_guard lock(clockMutex_);
    // With no snapshot open, every future transaction begins after the current clock.
    return activeBeginTs_.empty() ? clock_ + 1 : *activeBeginTs_.begin();
}

// Every commit does a little of the work, so that GC keeps pace with the commits whatever the
// scheduler does. (It used to be one pass of 4,096 chains every 64 commits, run by whichever
// committer got the pass lock; on 2 cores with 8 writers the thread running a pass was often
// preempted while holding that lock, passes ran a few hundred times a second instead of
// thousands, and live versions crept up without bound: 300k for 10k rows after 1.8M updates.)
void MvccStore::maybeCollectGarbage()
{
    // The low-water mark costs the clock lock: refresh it every so many commits. A stale mark
    // is only conservative (it never moves backwards), so it reclaims less, never too much.
    if (commitsSinceGc_.fetch_add(1, std::memory_order_relaxed) % commitsPerLwm == 0)
        cachedLwm_.store(lowWaterMark(), std::memory_order_relaxed);
    std::vector<GcItem> batch, keep;
    {
        std::lock_guard lock(gcQueueMutex_);
        // Oldest first: those ended longest ago are the likeliest to be reclaimable.
        for (std::size_t i = 0; i < chainsPerCommit && !gcQueue_.empty(); ++i) {
            batch.push_back(std::move(gcQueue_.front()));
            gcQueue_.pop_front();
        }
    }
    if (batch.empty()) return;
    collectItems(batch, cachedLwm_.load(std::memory_order_relaxed), keep);
    gcPasses_.fetch_add(1, std::memory_order_relaxed);
    if (!keep.empty()) {
        std::lock_guard lock(gcQueueMutex_);
        gcQueue_.insert(gcQueue_.end(), std::make_move_iterator(keep.begin()),
                        std::make_move_iterator(keep.end()));
    }
}

void MvccStore::collectGarbage()
{
    std::lock_guard run(gcRunMutex_);
    std::vector<GcItem> batch, keep;
    {
        std::lock_guard lock(gcQueueMutex_);
        batch.assign(std::make_move_iterator(gcQueue_.begin()), std::make_move_iterator(gcQueue_.end()));
        gcQueue_.clear();
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
    std::vector<RowRecord> removed; // rows whose index entries may go (Index.h)
    for (auto& item : items) {
        if (item.table->dropped()) continue;
        bool pending = false;
        const bool indexed = item.table->hasIndexes();
        removed.clear();
        {
            std::lock_guard lock(item.chain->lock);
            auto& versions = item.chain->versions;
            const auto kept = std::remove_if(versions.begin(), versions.end(), [&](const Version& v) {
                const bool endedCommitted = v.end.tx == nullptr && v.end.ts != 0;
                if (endedCommitted && v.end.ts <= lwm) {
                    if (tracing()) events.push_back({item.table->id(), item.key, v.id});
                    if (indexed) removed.push_back(v.row);
                    ++reclaimed;
                    return true;
                }
                if (!v.end.isNone()) pending = true;
                return false;
            });
            versions.erase(kept, versions.end());
            item.chain->gcQueued = pending; // stays queued (kept below) while it has garbage to come
            // A chain that grew long behind an old snapshot would otherwise keep its capacity
            // for good (measured: 30 MB for 10k rows after a reader held 40 versions of each).
            // Back to one version, it goes back inside the chain: a row updated once does not
            // keep a heap block (a hot row pays one small malloc per update for it).
            if (versions.size() <= 1 ||
                (versions.capacity() > 8 && versions.size() * 4 <= versions.capacity()))
                versions.shrink_to_fit();
        }
        item.table->unindexVersions(item.key, *item.chain, removed);
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
    s.ssiAborts = ssiAborts_.load(std::memory_order_relaxed);
    s.ssiValidationWouldAbort = ssiValidationWouldAbort_.load(std::memory_order_relaxed);
    s.ssiTracked = ssi_.trackedCount();
    s.ssiRanges = ssi_.rangeCount();
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
        VersionInfo info{v.id, 0, 0, v.beginTxId, v.endTxId, false, false, v.row.decode()};
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
