#pragma once
// Every transaction of a session and its state at any instant: a projection of the trace log.
//
// Fed events in seq order, it keeps one record per transaction with the times at which its
// state changed, so "the state at t" is a comparison rather than a replay. Where a transaction
// begins and ends is decided in one place, the span projection (SpanProjection.h, "Boundaries"),
// which this projection follows as a SpanObserver; it adds what spans do not carry (snapshots,
// versions, retries, conflicts). A transaction is recorded
// - explicit: when its transaction span opens (TxBegin, both backends), ended when the span
//   learns its outcome (TxCommit, TxRollback, the connection closing), at the engine's instants
//   (txBeginNs / txEndNs);
// - implicit: an MVCC transaction the engine opened for one autocommit statement (it emits no
//   TxBegin), from the first event that proves it (CountingRule.h, provesTransaction) but
//   starting with its statement span; it ends with its TxCommit/TxRollback, or else when its
//   statement span ends (a read-only write statement commits nothing; a doomed one is rolled
//   back without a TxRollback event), or with its connection's close.
// SQLite's autocommit statements have no transaction id in the log and are not recorded here
// (the statement log shows them).

#include "engine/api/Connection.h"
#include "engine/trace/ChunkedVector.h"
#include "engine/trace/DenseIdIndex.h"
#include "engine/trace/Event.h"
#include "engine/trace/ProjectionTimes.h"
#include "engine/trace/SpanProjection.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace txs {

enum class TxPhase : std::uint8_t { NotBegun, Active, Doomed, Committed, RolledBack };
const char* txPhaseName(TxPhase phase); // "not begun", "active", "doomed", "committed", "rolled back"

struct TransactionRecord
{
    std::uint64_t id = 0;
    std::uint32_t connection = 0;
    TxMode mode = TxMode::None;
    bool implicit = true; // no TxBegin: one autocommit statement
    std::uint64_t firstSeq = 0;

    std::int64_t beginNs = 0;
    std::int64_t doomedNs = kNever; // a conflict doomed it; it only accepts ROLLBACK from then on
    std::int64_t endNs = kNever;
    TxPhase endPhase = TxPhase::Active; // Committed or RolledBack once it ended
    RollbackReason rollbackReason = RollbackReason::User;

    std::uint64_t beginTs = 0;   // MVCC: TxBegin's begin timestamp; 0 when unknown (SQLite, implicit)
    std::uint64_t commitTs = 0;  // MVCC writers: the commit timestamp; 0 otherwise
    std::int64_t commitRows = 0; // TxCommit's rows written (SQLite: rows changed)

    // The MVCC engine restarts the snapshot of a transaction that becomes the exclusive writer
    // before reading anything (BEGIN IMMEDIATE/EXCLUSIVE, a deferred transaction's first
    // statement writing, an autocommit write), without an event of its own: from then on it
    // sees every commit the log showed before it took the exclusive slot.
    std::int64_t snapshotMovedNs = kNever;
    std::uint64_t movedSeesUpTo = 0;
    std::uint64_t initialSeesUpTo = 0; // the newest commit timestamp it sees from its begin

    std::vector<std::int64_t> versionTimes; // VersionCreated, in order

    int retries = 0;                 // its connection's retry attempt when it began (TxRetry)
    std::int64_t retriedNs = kNever; // the retry loop restarted after it failed

    int doomCode = 0; // TxDoomed's extended result code
    std::string doomMessage;
    std::uint64_t conflictWith = 0; // the other transaction of its Conflict

    TxPhase phaseAt(std::int64_t t) const;
    // Rows written by t: VersionCreated events (MVCC), or TxCommit's count once committed (SQLite).
    std::int64_t rowsWrittenAt(std::int64_t t) const;
    bool mvcc() const { return beginTs != 0 || implicit; }
};

// What an MVCC transaction sees: every commit with a timestamp <= seesUpTo, and its own writes.
struct TxSnapshot
{
    std::uint64_t txId = 0; // 0: no transaction (sees nothing of its own)
    bool valid = false;     // false when the transaction had not begun at the instant asked
    std::uint64_t seesUpTo = 0;
    bool sees(std::uint64_t commitTs) const { return valid && commitTs <= seesUpTo; }
};

class TransactionProjection : private SpanObserver
{
public:
    void apply(const Event& event);

    // In order of first appearance (TxBegin or first event).
    const ChunkedVector<TransactionRecord>& all() const { return txs_; }
    // Transactions that had begun by t: a prefix of all().
    std::size_t countAt(std::int64_t t) const { return byTime_.countAt(t); }
    const TransactionRecord* find(std::uint64_t txId) const;
    std::size_t indexOf(std::uint64_t txId) const; // all().size() when unknown

    // The snapshot of `txId` at t (invalid when unknown or not begun by then).
    TxSnapshot snapshotAt(std::uint64_t txId, std::int64_t t) const;

    // Records changed by events, for consumers that refresh incrementally (see TouchLog).
    const TouchLog& touched() const { return touched_; }
    // Indices of transactions in the order they ended, for consumers that count ends.
    const ChunkedVector<std::size_t>& endOrder() const { return endOrder_; }
    std::uint64_t newestCommitTs() const { return newestCommitTs_; }

private:
    struct ConnectionState
    {
        std::size_t current = SIZE_MAX;   // its open transaction
        std::size_t lastEnded = SIZE_MAX; // its most recently ended transaction
        int statementsRun = 0;            // statements of the open transaction that got to run (see .cpp)
        int pendingAttempt = 0;
    };

    // SpanObserver: the span projection's decisions about where transactions begin and end.
    void opened(const SpanRecord& span) override;
    void changed(const SpanRecord& span) override;
    void closed(const SpanRecord& span) override;
    void endExplicit(const SpanRecord& span);
    void endWithStatement(const SpanRecord& statement);

    std::size_t create(std::uint64_t txId, std::uint32_t connection, std::uint64_t seq, std::int64_t beginNs);
    void end(std::size_t index, TxPhase phase, std::int64_t timeNs);
    void onExclusiveAcquired(const Event& event, std::size_t index);

    SpanProjection spans_{false}; // streaming: only the open spans are kept
    ChunkedVector<TransactionRecord> txs_;
    DenseIdIndex index_; // transaction id -> position in txs_ (ids are handed out in order)
    std::unordered_map<std::uint32_t, ConnectionState> connections_;
    PrefixByTime byTime_;
    TouchLog touched_;
    ChunkedVector<std::size_t> endOrder_;
    std::uint64_t newestCommitTs_ = 0;
};

} // namespace txs
