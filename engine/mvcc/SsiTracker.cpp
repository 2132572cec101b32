#include "engine/mvcc/SsiTracker.h"

#include <algorithm>

namespace txs::mvcc {

namespace {

using Txn = SsiTracker::Txn;

// T_out committed before T_in, in the sense of the theorem: before T_in's commit when T_in
// wrote (equal when T_in is T_out: write skew), before T_in's snapshot when T_in only read
// (Ports & Grittner: a read-only T_in that saw T_out's effects cannot close the cycle).
bool outFirst(std::uint64_t outCommit, const Txn& in)
{
    return in.wrote ? outCommit <= in.commitTs : outCommit < in.beginTs;
}

bool committed(const Txn& t)
{
    return t.state == Txn::State::Committed;
}

// Txns this thread has released, for its next BEGINs: each commit would otherwise allocate one
// and free another, allocated by another thread (with 16 writers the allocator was the largest
// cost serializable added to a write).
constexpr std::size_t kSpareTxns = 64;
thread_local std::vector<std::unique_ptr<Txn>> spareTxns;

void recycle(std::unique_ptr<Txn> txn)
{
    if (spareTxns.size() < kSpareTxns) spareTxns.push_back(std::move(txn));
}

} // namespace

SsiTracker::~SsiTracker()
{
    for (Shard& shard : shards_)
        shard.txns.forEach([](Txn* txn) { delete txn; });
}

SsiTracker::Txn* SsiTracker::begin(std::uint64_t txId, std::uint32_t connection, std::uint64_t beginTs)
{
    Txn* txn = nullptr;
    if (spareTxns.empty()) {
        txn = new Txn;
    } else {
        txn = spareTxns.back().release();
        spareTxns.pop_back();
        *txn = Txn{};
    }
    txn->id = txId;
    txn->connection = connection;
    txn->beginTs = beginTs;
    return txn; // owned by the caller until it enrolls, then by its shard
}

void SsiTracker::setBeginTs(Txn* txn, std::uint64_t beginTs)
{
    if (!txn->enrolled) {
        txn->beginTs = beginTs; // nobody else knows it yet
        return;
    }
    std::lock_guard lock(mutex_);
    txn->beginTs = beginTs;
}

void SsiTracker::enroll(Txn* txn)
{
    if (txn->enrolled) return;
    Shard& shard = shardOf(txn->id);
    std::lock_guard lock(shard.mutex);
    shard.txns.insert(txn->id, txn);
    txn->enrolled = true;
}

SsiTracker::Txn* SsiTracker::find(std::uint64_t txId)
{
    Shard& shard = shardOf(txId);
    std::lock_guard lock(shard.mutex);
    return shard.txns.find(txId);
}

void SsiTracker::beforeWrite(Txn* writer)
{
    enroll(writer);
}

void SsiTracker::noteRange(Txn* reader, std::uint32_t tableId, std::int64_t lo, std::int64_t hi)
{
    std::lock_guard lock(mutex_);
    enroll(reader);
    auto& list = ranges_[tableId];
    // A statement run again (a loop, a join's inner table) reads the same range: keep one.
    for (const Range& r : list)
        if (r.txn == reader && r.lo <= lo && hi <= r.hi) return;
    list.push_back({lo, hi, reader});
    rangesHeld_.fetch_add(1, std::memory_order_release);
    reader->rangeTables.insert(tableId);
}

void SsiTracker::addEdge(Txn* reader, Txn* writer, const SsiKey& where, std::vector<SsiEdge>& edges)
{
    if (reader == writer || reader->out.count(writer)) return;
    reader->out.emplace(writer, where);
    writer->in.emplace(reader, where);
    if (committed(*writer) && writer->commitTs < reader->minOutCommit) {
        reader->minOutCommit = writer->commitTs;
        reader->minOutTx = writer->id;
        reader->minOutKey = where;
    }
    edges.push_back({reader->id, writer->id, reader->connection, where});
}

void SsiTracker::noteNewerWriters(Txn* reader, const SsiKey& where, const std::vector<std::uint64_t>& writers,
                                  std::vector<SsiEdge>& edges)
{
    std::lock_guard lock(mutex_);
    for (std::uint64_t id : writers) {
        Txn* writer = find(id);
        // Untracked (a snapshot-isolation connection's) or released: no edge to record.
        if (!writer || writer == reader) continue;
        enroll(reader); // the writer will refer to it
        addEdge(reader, writer, where, edges);
    }
}

void SsiTracker::noteWrite(Txn* writer, const SsiKey& where, std::vector<SsiEdge>& edges)
{
    std::lock_guard lock(mutex_);
    auto it = ranges_.find(where.tableId);
    if (it == ranges_.end()) return;
    for (const Range& r : it->second) {
        if (where.key < r.lo || where.key > r.hi || r.txn == writer) continue;
        // A reader that committed before the writer's snapshot is simply earlier: no anomaly
        // can pass through an edge between transactions that did not overlap.
        if (committed(*r.txn) && r.txn->commitTs < writer->beginTs) continue;
        addEdge(r.txn, writer, where, edges);
    }
}

// Which of the three x is, it commits last among them (the other two are committed): the rules
// as the pivot (A), as T_in (B) and as T_out (C). x's commitTs and wrote are set.
std::optional<SsiStructure> SsiTracker::check(Txn* x)
{
    using Role = SsiStructure::Role;
    if (x->wrote && x->minOutCommit < x->commitTs) { // A: x is the pivot
        for (const auto& [in, key] : x->in) {
            if (!committed(*in) || !outFirst(x->minOutCommit, *in)) continue;
            return SsiStructure{Role::Pivot, in->id, x->id, x->minOutTx, key, x->minOutKey};
        }
    }
    for (const auto& [pivot, key] : x->out) { // B: x is T_in
        if (!committed(*pivot) || pivot->minOutCommit >= pivot->commitTs) continue;
        if (!outFirst(pivot->minOutCommit, *x)) continue;
        return SsiStructure{Role::In, x->id, pivot->id, pivot->minOutTx, key, pivot->minOutKey};
    }
    if (x->wrote) { // C: x is T_out, though it committed first (its timestamp is the smallest)
        for (const auto& [pivot, pivotKey] : x->in) {
            if (!committed(*pivot) || x->commitTs >= pivot->commitTs) continue;
            for (const auto& [in, inKey] : pivot->in) {
                if ((in != x && !committed(*in)) || !outFirst(x->commitTs, *in)) continue;
                return SsiStructure{Role::Out, in->id, pivot->id, x->id, inKey, pivotKey};
            }
        }
    }
    return std::nullopt;
}

namespace {

// committed_ is a min-heap: std::push_heap and std::pop_heap with this order put the smallest
// commit timestamp first.
bool laterCommit(const std::pair<std::uint64_t, Txn*>& a, const std::pair<std::uint64_t, Txn*>& b)
{
    return a.first > b.first;
}

} // namespace

void SsiTracker::recycleReleased(Released& released)
{
    for (Txn* txn : released)
        recycle(std::unique_ptr<Txn>(txn));
    released.clear();
}

SsiTracker::Released& SsiTracker::threadReleased()
{
    thread_local Released released;
    return released;
}

std::optional<SsiStructure> SsiTracker::commit(Txn* x, bool wrote, std::uint64_t commitTs,
                                               std::uint64_t oldestBegin, bool& wouldFailValidation)
{
    Released& released = threadReleased();
    std::optional<SsiStructure> structure;
    if (!x->enrolled) {
        // It read and wrote nothing the tracker saw: no edge, no range, nobody refers to it.
        wouldFailValidation = false;
        recycle(std::unique_ptr<Txn>(x));
        if (oldestBegin > firstCommitted_.load(std::memory_order_acquire)) {
            std::lock_guard lock(mutex_);
            releaseUnneeded(oldestBegin, released);
        }
        recycleReleased(released);
        return structure;
    }
    {
        std::lock_guard lock(mutex_);
        x->wrote = wrote;
        x->commitTs = commitTs;
        // Read validation refuses a writer whose reads another commit has overwritten since.
        wouldFailValidation = wrote && x->minOutCommit != std::numeric_limits<std::uint64_t>::max();
        structure = check(x);
        if (structure) {
            forget(x, released);
        } else {
            x->state = Txn::State::Committed;
            for (auto& [reader, key] : x->in) {
                if (commitTs < reader->minOutCommit) {
                    reader->minOutCommit = commitTs;
                    reader->minOutTx = x->id;
                    reader->minOutKey = key;
                }
            }
            committed_.emplace_back(commitTs, x);
            std::push_heap(committed_.begin(), committed_.end(), laterCommit);
        }
        releaseUnneeded(oldestBegin, released);
    }
    recycleReleased(released); // unlocked
    return structure;
}

void SsiTracker::abort(Txn* x)
{
    if (!x->enrolled) {
        recycle(std::unique_ptr<Txn>(x));
        return;
    }
    Released& released = threadReleased();
    {
        std::lock_guard lock(mutex_);
        forget(x, released);
    }
    recycleReleased(released);
}

void SsiTracker::retract(std::uint64_t txId)
{
    Released& released = threadReleased();
    {
        std::lock_guard lock(mutex_);
        Txn* x = find(txId);
        if (!x) return; // released already
        for (auto& entry : committed_)
            if (entry.second == x) entry.second = nullptr; // popped later, by its timestamp
        forget(x, released);
    }
    recycleReleased(released);
}

void SsiTracker::forget(Txn* x, Released& released)
{
    for (auto& [reader, key] : x->in)
        reader->out.erase(x);
    for (auto& [writer, key] : x->out)
        writer->in.erase(x);
    for (std::uint32_t table : x->rangeTables) {
        auto it = ranges_.find(table);
        if (it == ranges_.end()) continue;
        const std::size_t removed = std::erase_if(it->second, [x](const Range& r) { return r.txn == x; });
        rangesHeld_.fetch_sub(removed, std::memory_order_release);
        if (it->second.empty()) ranges_.erase(it);
    }
    Shard& shard = shardOf(x->id);
    std::lock_guard lock(shard.mutex);
    released.push_back(shard.txns.erase(x->id));
}

// A committed transaction matters only to transactions that began before it committed.
void SsiTracker::releaseUnneeded(std::uint64_t oldestBegin, Released& released)
{
    while (!committed_.empty() && committed_.front().first < oldestBegin) {
        Txn* x = committed_.front().second;
        std::pop_heap(committed_.begin(), committed_.end(), laterCommit);
        committed_.pop_back();
        if (x) forget(x, released);
    }
    firstCommitted_.store(committed_.empty() ? std::numeric_limits<std::uint64_t>::max()
                                             : committed_.front().first,
                          std::memory_order_release);
}

std::size_t SsiTracker::trackedCount() const
{
    std::size_t n = 0;
    for (const Shard& shard : shards_) {
        std::lock_guard lock(shard.mutex);
        n += shard.txns.size();
    }
    return n;
}

std::size_t SsiTracker::rangeCount() const
{
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& [table, list] : ranges_)
        n += list.size();
    return n;
}

} // namespace txs::mvcc
