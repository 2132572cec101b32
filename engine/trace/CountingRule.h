#pragma once
// The one counting rule of a run. The CLI summary, `--json`, the GUI status bar and the Metrics
// panel all count with it, from the trace log, so they agree on every number:
//
// - commit: a transaction that ended committed. A transaction is one of the log's transaction
//   ids (TxBegin, or the first event an MVCC autocommit statement's own transaction emits) and
//   ends with TxCommit, TxRollback, its connection's close (rolled back), or, when implicit, with
//   its statement (committed when the statement succeeds). A SQLite autocommit statement that
//   changed rows outside any transaction of the log counts as one commit. What ends the
//   transaction does not matter: COMMIT, END, RELEASE of the outermost SAVEPOINT all count.
// - rollback: a transaction that ended rolled back, for any reason (ROLLBACK, a failed
//   autocommit statement's implicit transaction, a conflict, the connection closing).
// - retry: a TxRetry event (the retry loop restarts a worker's transaction body).
// - error: a statement that ended with an error (StatementEnd with a != 0), by the ErrorKind in
//   its `detail`: conflict (Conflict, and Schema: Turso's schema conflict), busy (Busy),
//   busy_snapshot (BusySnapshot), other (every other kind). A step-mode try that ended blocked
//   (the connection's next counted event is its StatementBlocked) is a wait, not an error: the
//   statement counts once, with the outcome of its last try, as an application with a busy
//   handler sees it. Until that next event the error is *pending* and readers count it.
//   Errors the runner makes up without running a statement (a stuck step scheduler) are not
//   statements of the log and are not counted here; the run's verdict reports them.
//
// The rule reads each connection's events on their own (events of connection 0, the engine's,
// never count), and only the kinds countingReads() names. So it gives the same counts whatever
// the interleaving of connections: applied in seq order to the whole log (CountingRule, for
// the views and time travel) and applied as each event is appended, by the thread appending it
// (TraceLog's live counts, for the CLI and the run's progress), it cannot disagree. A
// connection's events are appended by one thread at a time (a connection is not used by two
// threads at once), so the live counts need no lock per connection.
//
// Memory is bounded: the rule keeps state per connection only (and per open transaction: one
// per connection).

#include "engine/trace/Event.h"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace txs {

struct MetricsAt
{
    std::uint64_t commits = 0, rollbacks = 0, retries = 0;
    std::uint64_t conflicts = 0, busy = 0, busySnapshot = 0, otherErrors = 0;
    std::uint64_t errors() const { return conflicts + busy + busySnapshot + otherErrors; }
    bool operator==(const MetricsAt&) const = default;
};

enum class Counted : std::uint8_t { Commit, Rollback, Retry, Conflict, Busy, BusySnapshot, OtherError };
constexpr std::size_t kCountedKinds = 7;

// One count the rule settled: what, when, and for a commit the transaction's begin (latency).
struct Tally
{
    Counted what = Counted::Commit;
    std::int64_t timeNs = 0;
    std::int64_t beginNs = 0;
};

void addTo(MetricsAt& metrics, Counted what, std::uint64_t n = 1);

// The kinds the rule reads: its own (statements, retries, closes, blocked tries) and those that
// may prove a transaction; events of other kinds change no count and no state. A mask, because
// the log asks for every event it appends.
constexpr std::uint64_t kindBit(EventKind kind)
{
    return std::uint64_t{1} << static_cast<unsigned>(kind);
}
constexpr std::uint64_t kCountingKinds =
    kindBit(EventKind::StatementBegin) | kindBit(EventKind::StatementEnd) | kindBit(EventKind::TxRetry) |
    kindBit(EventKind::ConnectionClose) | kindBit(EventKind::StatementBlocked) | kindBit(EventKind::TxBegin) |
    kindBit(EventKind::TxCommit) | kindBit(EventKind::TxRollback) | kindBit(EventKind::TxDoomed) |
    kindBit(EventKind::VersionCreated) | kindBit(EventKind::VersionEnded) | kindBit(EventKind::Conflict) |
    kindBit(EventKind::LockWait) | kindBit(EventKind::LockAcquire);
static_assert(kEventKindCount <= 64, "kCountingKinds is a 64-bit mask");
inline bool countingReads(EventKind kind)
{
    const auto k = static_cast<unsigned>(kind);
    return k < 64 && (kCountingKinds >> k & 1) != 0;
}

// Whether the event shows a transaction exists even without TxBegin (an MVCC autocommit
// statement's own transaction). SQLite's file-lock events carry the id too but do not make
// one: a BEGIN IMMEDIATE that fails with BUSY never became a transaction. One rule for the
// counts and the transaction projection. Inline masks: the log asks for every event it counts.
constexpr std::uint64_t kProvingKinds = kindBit(EventKind::TxBegin) | kindBit(EventKind::TxCommit) |
                                        kindBit(EventKind::TxRollback) | kindBit(EventKind::TxDoomed) |
                                        kindBit(EventKind::VersionCreated) |
                                        kindBit(EventKind::VersionEnded) | kindBit(EventKind::Conflict);
// These prove one only when they are of the MVCC engine's locks (a: the LockResource). The
// commit lock's acquire is a DDL-only autocommit transaction's first event (nothing written
// before it). A commit that folds the hold into TxCommit (CommitHold.h) holds no exclusive slot,
// so it is an explicit transaction (no autocommit write runs without the slot): its TxBegin
// proved it first, and the counts are the same.
constexpr std::uint64_t kProvingLockKinds = kindBit(EventKind::LockWait) | kindBit(EventKind::LockAcquire);
inline bool provesTransaction(EventKind kind, std::int64_t a)
{
    const auto k = static_cast<unsigned>(kind);
    if (k >= 64) return false;
    if (kProvingKinds >> k & 1) return true;
    return (kProvingLockKinds >> k & 1) != 0 &&
           (a == static_cast<std::int64_t>(LockResource::MvccExclusive) ||
            a == static_cast<std::int64_t>(LockResource::MvccCommit));
}
inline bool provesTransaction(const Event& e)
{
    return provesTransaction(e.kind, e.a);
}

// The rule's state for one connection.
struct ConnectionCounting
{
    std::uint64_t current = 0; // its open transaction's id, 0 none
    bool implicit = true;      // the open transaction has no TxBegin (it is its statement)
    bool doomed = false;
    bool inStatement = false;
    bool transactionEnded = false; // a transaction of the connection ended during the statement
    bool hasPending = false;
    std::int64_t beginNs = 0; // the open transaction's
    std::int64_t statementBeginNs = 0;
    Tally pending; // the latest error, when hasPending: counted unless StatementBlocked follows
};

// What one event settles: at most a pending error, a transaction and an autocommit write.
struct Settled
{
    Tally items[3];
    int count = 0;
    void add(const Tally& t) { items[count++] = t; }
};

// Applies `e`, an event of the connection whose state `c` is (e.connection != 0 and
// countingReads(e.kind)), and returns the counts it settles.
Settled applyCounting(ConnectionCounting& c, const Event& e);

// The rule over a whole log read in seq order (any order that keeps each connection's events
// in order gives the same counts).
class CountingRule
{
public:
    // Applies the next event of the log; appends to `out` the counts it settles.
    void apply(const Event& event, std::vector<Tally>& out);
    // The errors not settled yet, at most one per connection: each counts unless its
    // connection's next counted event is its StatementBlocked. Readers count them as settled
    // (they usually are). Calls visit(const Tally&) for each.
    template <typename Visit> void forEachPending(Visit visit) const
    {
        for (const auto& [id, c] : connections_)
            if (c.hasPending) visit(c.pending);
    }

private:
    std::unordered_map<std::uint32_t, ConnectionCounting> connections_;
};

} // namespace txs
