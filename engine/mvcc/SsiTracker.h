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
// the chain (noteNewerWriters). Readers register their range before reading a chain and writers
// install their version before looking at ranges, both through this tracker's mutex, so one of
// the two always sees the other.
//
// Memory: a committed transaction's SIREADs and edges are kept while any tracked transaction
// that began before it committed is still running (only those can form an edge with it); then
// they are released, leaving each reader of it the earliest commit of its out-neighbours as a
// number (minOutCommit) — all the rule needs.
//
// Thread-safe; the mutex is never held while a chain lock or the store's clock is taken.

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

    // Registers a transaction before it takes its snapshot; setBeginTs follows as soon as it has
    // one (until then it keeps every committed transaction alive: it may be concurrent with them).
    Txn* begin(std::uint64_t txId, std::uint32_t connection);
    void setBeginTs(Txn* txn, std::uint64_t beginTs);

    // A read of keys [lo, hi] of a table, before its chains are read.
    void noteRange(Txn* reader, std::uint32_t tableId, std::int64_t lo, std::int64_t hi);
    // `reader` read key `key` and saw newer versions, invisible to it, by these transactions.
    void noteNewerWriters(Txn* reader, const SsiKey& where, const std::vector<std::uint64_t>& writers,
                          std::vector<SsiEdge>& edges);
    // `writer` wrote key `key` (its version is in the chain already).
    void noteWrite(Txn* writer, const SsiKey& where, std::vector<SsiEdge>& edges);

    // COMMIT of `txn`: refuses (returns the structure; the caller aborts) or marks it committed.
    // `commitTs` is the commit timestamp of a writer, the clock at commit of a reader.
    // `wouldFailValidation` is set when commit-time read validation would have refused it.
    std::optional<SsiStructure> commit(Txn* txn, bool wrote, std::uint64_t commitTs,
                                       bool& wouldFailValidation);
    // An active transaction rolled back. Deletes `txn`.
    void abort(Txn* txn);
    // A transaction commit() accepted whose commit did not happen after all (its log write
    // failed). By id: once committed, the tracker may release it at any time.
    void retract(std::uint64_t txId);

    // For tests: tracked transactions (active and kept committed ones) and SIREAD ranges held.
    std::size_t trackedCount() const;
    std::size_t rangeCount() const;

private:
    void addEdge(Txn* reader, Txn* writer, const SsiKey& where, std::vector<SsiEdge>& edges);
    void forget(Txn* txn); // removes its edges, ranges and entry; deletes it
    void releaseUnneeded();
    std::optional<SsiStructure> check(Txn* x);
    std::uint64_t minActiveBegin() const;

    struct Range
    {
        std::int64_t lo, hi;
        Txn* txn;
    };

    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, std::unique_ptr<Txn>> txns_; // by transaction id
    std::multiset<std::uint64_t> activeBegins_;                    // 0: not yet known
    std::multimap<std::uint64_t, Txn*> committed_;                 // by commit timestamp
    std::unordered_map<std::uint32_t, std::vector<Range>> ranges_; // SIREADs by table id
};

struct SsiTracker::Txn
{
    enum class State : std::uint8_t { Active, Committed };
    std::uint64_t id = 0;
    std::uint32_t connection = 0;
    std::uint64_t beginTs = 0;
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
