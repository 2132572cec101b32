#pragma once
// Serializable Snapshot Isolation (Cahill, Röhm, Fekete 2008; Ports & Grittner 2012, as in
// PostgreSQL) for the transactions of connections with `PRAGMA isolation = 'serializable'`.
//
// Snapshot isolation already prevents every anomaly but those whose dependency cycle holds two
// consecutive read-write anti-dependencies T_in -rw-> pivot -rw-> T_out between concurrent
// transactions, with T_out the first of the three to commit (Fekete et al. 2005). This tracker
// records what each tracked transaction read (SIREAD: key ranges, a point read is [k, k]) and
// the rw edges between tracked transactions, and refuses the COMMIT that would complete such a
// dangerous structure: whichever of the three commits last is aborted (so a retry, with a
// snapshot that includes the other two, cannot meet the same structure again).
//
// Why SSI and not commit-time read validation (re-check at COMMIT that nothing read has been
// overwritten since the snapshot): validation aborts every writer with a single rw edge to a
// transaction that committed first — T1 reads x, T2 writes x and commits, T1 writes y — which
// is serializable (T1 before T2). SSI needs two consecutive edges, so it aborts a subset of what
// validation aborts. StoreStats::ssiValidationWouldAbort counts the commits validation would
// have refused, so the difference is measured on every run (docs/performance.md).
//
// An rw edge R -> W (R read a version, W wrote the next one) is found by whichever comes second:
// W's write sees R's SIREAD range (noteWrite), or R's read sees W's newer, invisible version in
// the chain (noteNewerWriters). Readers register their range (noteRange, under the mutex) before
// they read a chain; writers become findable by id (beforeWrite) before they put a version into
// a chain and look at the ranges after they unlocked it. The chain's lock (or, for a chain a
// scan does not find yet, the table's key map lock) orders the two, so one always sees the other.
// A writer skips the mutex when no SIREAD range exists at all (rangesHeld_, read after the chain
// was unlocked: a range registered before the reader locked that chain is counted in it).
//
// What costs a lock (the seed workload's 16 writers on 2 cores made every acquisition count):
// a transaction costs the tracker nothing until it first reads or writes ("enrolls"): nobody can
// refer to it before that. Its snapshot is known to the store, which passes the oldest running
// snapshot to commit() (release needs no registry of begins here). A writer enrolls in one of
// kShards small id tables, not under the tracker's mutex; the mutex is taken by reads
// (noteRange, noteNewerWriters with newer writers), writes that meet SIREAD ranges, and the
// COMMIT of an enrolled transaction. Lock order: mutex_, then a shard's lock; never the other way.
//
// Memory: a committed transaction's SIREADs and edges are kept while any transaction that began
// before it committed is still running (only those can form an edge with it; the store's
// snapshots count those of snapshot isolation too, which is only conservative); then
// they are released, leaving each reader of it the earliest commit of its out-neighbours as a
// number (minOutCommit) — all the rule needs.
//
// Thread-safe; neither the mutex nor a shard's lock is held while a chain lock or the store's
// clock is taken.

#include "engine/mvcc/IdTable.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace txs::mvcc {

// Where an rw edge was found: the first key seen for that pair of transactions.
struct SsiKey
{
    std::uint32_t tableId = 0;
    std::string table;
    std::int64_t key = 0;
};

// One rw anti-dependency: `reader` read a version that `writer` replaced (or a range into which
// it wrote), and neither saw the other.
struct SsiEdge
{
    std::uint64_t reader = 0, writer = 0;
    std::uint32_t readerConnection = 0;
    SsiKey where;
};

// The dangerous structure a refused COMMIT would have completed. `in` == `out` for write skew.
struct SsiStructure
{
    enum class Role : std::uint8_t { In, Pivot, Out }; // of the refused transaction
    Role role = Role::Pivot;
    std::uint64_t in = 0, pivot = 0, out = 0;
    SsiKey inToPivot;  // in read it, pivot wrote it
    SsiKey pivotToOut; // pivot read it, out wrote it
};

class SsiTracker
{
public:
    struct Txn;

    SsiTracker() = default;
    SsiTracker(const SsiTracker&) = delete;
    SsiTracker& operator=(const SsiTracker&) = delete;
    ~SsiTracker(); // deletes the enrolled transactions

    // A transaction whose snapshot is `beginTs`: no lock (it is not shared until it enrolls).
    Txn* begin(std::uint64_t txId, std::uint32_t connection, std::uint64_t beginTs);
    // Its snapshot moved forward before it read anything (MvccStore::acquireExclusive).
    void setBeginTs(Txn* txn, std::uint64_t beginTs);

    // A read of keys [lo, hi] of a table, before its chains are read.
    void noteRange(Txn* reader, std::uint32_t tableId, std::int64_t lo, std::int64_t hi);
    // `reader` read key `key` and saw newer versions, invisible to it, by these transactions.
    void noteNewerWriters(Txn* reader, const SsiKey& where, const std::vector<std::uint64_t>& writers,
                          std::vector<SsiEdge>& edges);
    // Before `writer` puts a version into a chain: readers of that chain must find it by id.
    void beforeWrite(Txn* writer);
    // False when no SIREAD range is held: a write then has no reader to find (noteWrite would
    // find nothing). Asked after the written chain was unlocked.
    bool anyRanges() const { return rangesHeld_.load(std::memory_order_acquire) != 0; }
    // `writer` wrote key `key` (its version is in the chain already).
    void noteWrite(Txn* writer, const SsiKey& where, std::vector<SsiEdge>& edges);

    // COMMIT of `txn`: refuses (returns the structure; the caller aborts) or marks it committed.
    // `commitTs` is the commit timestamp of a writer, the clock at commit of a reader.
    // `wouldFailValidation` is set when commit-time read validation would have refused it.
    // `oldestBegin`: no transaction but `txn` that is running, or will begin, has a snapshot
    // older than this (the store reads it under its clock, with commitTs): what committed
    // before it is released. Deletes (or keeps for reuse) `txn` unless it stays committed.
    std::optional<SsiStructure> commit(Txn* txn, bool wrote, std::uint64_t commitTs,
                                       std::uint64_t oldestBegin, bool& wouldFailValidation);
    // An active transaction rolled back. Deletes (or keeps for reuse) `txn`.
    void abort(Txn* txn);
    // A transaction commit() accepted whose commit did not happen after all (its log write
    // failed). By id: once committed, the tracker may release it at any time.
    void retract(std::uint64_t txId);

    // For tests: tracked transactions (active and kept committed ones) and SIREAD ranges held.
    std::size_t trackedCount() const;
    std::size_t rangeCount() const;

private:
    void addEdge(Txn* reader, Txn* writer, const SsiKey& where, std::vector<SsiEdge>& edges);
    // What forget() took out of its shard; recycled once mutex_ is unlocked (freeing memory
    // under it made the other threads wait for the allocator's locks as well).
    using Released = std::vector<Txn*>;

    void enroll(Txn* txn); // into its shard; under mutex_ or by its own thread
    // Removes its edges, ranges and entry; `released` gets the entry (and so the Txn).
    void forget(Txn* txn, Released& released);
    void releaseUnneeded(std::uint64_t oldestBegin, Released& released);
    // This thread's Released, empty between calls: kept so that collecting what a commit
    // releases allocates nothing under the mutex once it has grown.
    static Released& threadReleased();
    // Empties `released` once mutex_ is unlocked, keeping some Txns for reuse.
    static void recycleReleased(Released& released);
    std::optional<SsiStructure> check(Txn* x);

    struct Range
    {
        std::int64_t lo, hi;
        Txn* txn;
    };

    // Enrolled transactions by id, owned here. A writer enrolls under its shard's lock only.
    struct Shard
    {
        mutable std::mutex mutex;
        IdTable<Txn> txns;
    };
    static constexpr std::size_t kShards = 16;
    Shard& shardOf(std::uint64_t txId) { return shards_[txId % kShards]; }
    Txn* find(std::uint64_t txId); // under mutex_ (so what it returns is not released meanwhile)

    mutable std::mutex mutex_;
    std::array<Shard, kShards> shards_;
    // Committed transactions kept, a min-heap by commit timestamp (no allocation per commit);
    // a retracted one stays as a null Txn until it reaches the top.
    std::vector<std::pair<std::uint64_t, Txn*>> committed_;        // guarded by mutex_
    std::unordered_map<std::uint32_t, std::vector<Range>> ranges_; // guarded by mutex_; SIREADs by table id
    // The number of ranges in ranges_ (written under mutex_) and the smallest key of committed_
    // (max when empty): read without the lock, to skip it when there is nothing to do.
    std::atomic<std::size_t> rangesHeld_{0};
    std::atomic<std::uint64_t> firstCommitted_{std::numeric_limits<std::uint64_t>::max()};
};

struct SsiTracker::Txn
{
    enum class State : std::uint8_t { Active, Committed };
    std::uint64_t id = 0;
    std::uint32_t connection = 0;
    std::uint64_t beginTs = 0;
    // In its shard (so it may be referred to). Written by the transaction's own thread only,
    // read by it; a committed transaction kept in committed_ is always enrolled.
    bool enrolled = false;
    State state = State::Active;
    bool wrote = false;
    std::uint64_t commitTs = 0;
    std::map<Txn*, SsiKey> in;  // readers of what it wrote: reader -rw-> this
    std::map<Txn*, SsiKey> out; // writers of what it read: this -rw-> writer
    // The earliest commit among its out-neighbours, also of those already released.
    std::uint64_t minOutCommit = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t minOutTx = 0;
    SsiKey minOutKey;
    std::set<std::uint32_t> rangeTables; // tables where it holds SIREAD ranges
};

} // namespace txs::mvcc
