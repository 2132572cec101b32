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

} // namespace

SsiTracker::Txn* SsiTracker::begin(std::uint64_t txId, std::uint32_t connection)
{
    auto txn = std::make_unique<Txn>();
    txn->id = txId;
    txn->connection = connection;
    Txn* raw = txn.get();
    std::lock_guard lock(mutex_);
    txns_[txId] = std::move(txn);
    activeBegins_.insert(0);
    return raw;
}

void SsiTracker::setBeginTs(Txn* txn, std::uint64_t beginTs)
{
    std::lock_guard lock(mutex_);
    activeBegins_.erase(activeBegins_.find(txn->beginTs));
    txn->beginTs = beginTs;
    activeBegins_.insert(beginTs);
}

void SsiTracker::noteRange(Txn* reader, std::uint32_t tableId, std::int64_t lo, std::int64_t hi)
{
    std::lock_guard lock(mutex_);
    auto& list = ranges_[tableId];
    // A statement run again (a loop, a join's inner table) reads the same range: keep one.
    for (const Range& r : list)
        if (r.txn == reader && r.lo <= lo && hi <= r.hi) return;
    list.push_back({lo, hi, reader});
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
        auto it = txns_.find(id);
        // Untracked (a snapshot-isolation connection's) or released: no edge to record.
        if (it == txns_.end()) continue;
        addEdge(reader, it->second.get(), where, edges);
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

std::optional<SsiStructure> SsiTracker::commit(Txn* x, bool wrote, std::uint64_t commitTs,
                                               bool& wouldFailValidation)
{
    std::lock_guard lock(mutex_);
    x->wrote = wrote;
    x->commitTs = commitTs;
    // Read validation refuses a writer whose reads another commit has overwritten since.
    wouldFailValidation = wrote && x->minOutCommit != std::numeric_limits<std::uint64_t>::max();
    if (auto structure = check(x)) {
        activeBegins_.erase(activeBegins_.find(x->beginTs));
        forget(x);
        releaseUnneeded();
        return structure;
    }
    x->state = Txn::State::Committed;
    for (auto& [reader, key] : x->in) {
        if (commitTs < reader->minOutCommit) {
            reader->minOutCommit = commitTs;
            reader->minOutTx = x->id;
            reader->minOutKey = key;
        }
    }
    activeBegins_.erase(activeBegins_.find(x->beginTs));
    committed_.emplace(commitTs, x);
    releaseUnneeded();
    return std::nullopt;
}

void SsiTracker::abort(Txn* x)
{
    std::lock_guard lock(mutex_);
    activeBegins_.erase(activeBegins_.find(x->beginTs));
    forget(x);
    releaseUnneeded();
}

void SsiTracker::retract(std::uint64_t txId)
{
    std::lock_guard lock(mutex_);
    auto found = txns_.find(txId);
    if (found == txns_.end()) return; // released already
    Txn* x = found->second.get();
    auto [from, to] = committed_.equal_range(x->commitTs);
    for (auto it = from; it != to; ++it)
        if (it->second == x) {
            committed_.erase(it);
            break;
        }
    forget(x);
}

void SsiTracker::forget(Txn* x)
{
    for (auto& [reader, key] : x->in)
        reader->out.erase(x);
    for (auto& [writer, key] : x->out)
        writer->in.erase(x);
    for (std::uint32_t table : x->rangeTables) {
        auto it = ranges_.find(table);
        if (it == ranges_.end()) continue;
        std::erase_if(it->second, [x](const Range& r) { return r.txn == x; });
        if (it->second.empty()) ranges_.erase(it);
    }
    txns_.erase(x->id); // deletes x
}

std::uint64_t SsiTracker::minActiveBegin() const
{
    return activeBegins_.empty() ? std::numeric_limits<std::uint64_t>::max() : *activeBegins_.begin();
}

// A committed transaction matters only to transactions that began before it committed.
void SsiTracker::releaseUnneeded()
{
    const std::uint64_t oldest = minActiveBegin();
    while (!committed_.empty() && committed_.begin()->first < oldest) {
        Txn* x = committed_.begin()->second;
        committed_.erase(committed_.begin());
        forget(x);
    }
}

std::size_t SsiTracker::trackedCount() const
{
    std::lock_guard lock(mutex_);
    return txns_.size();
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
