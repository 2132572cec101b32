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
//   (a StatementBlocked event follows it) is a wait, not an error: the statement counts once,
//   with the outcome of its last try, as an application with a busy handler sees it.
//   Errors the runner makes up without running a statement (a stuck step scheduler) are not
//   statements of the log and are not counted here; the run's verdict reports them.
//
// Memory is bounded: the rule keeps state for open transactions and connections only.

#include "engine/trace/Event.h"

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace txs {

// Whether the event shows a transaction exists even without TxBegin (an MVCC autocommit
// statement's own transaction). SQLite's file-lock events carry the id too but do not make
// one: a BEGIN IMMEDIATE that fails with BUSY never became a transaction. One rule for the
// counts and the transaction projection.
bool provesTransaction(const Event& e);

struct MetricsAt
{
    std::uint64_t commits = 0, rollbacks = 0, retries = 0;
    std::uint64_t conflicts = 0, busy = 0, busySnapshot = 0, otherErrors = 0;
    std::uint64_t errors() const { return conflicts + busy + busySnapshot + otherErrors; }
    bool operator==(const MetricsAt&) const = default;
};

enum class Counted : std::uint8_t { Commit, Rollback, Retry, Conflict, Busy, BusySnapshot, OtherError };

// One count the rule settled: what, when, and for a commit the transaction's begin (latency).
struct Tally
{
    Counted what = Counted::Commit;
    std::int64_t timeNs = 0;
    std::int64_t beginNs = 0;
};

void addTo(MetricsAt& metrics, Counted what);

class CountingRule
{
public:
    // Applies the next event of the log (seq order); appends to `out` the counts it settles.
    void apply(const Event& event, std::vector<Tally>& out);
    // The latest statement error, not settled yet: it counts unless the next event is the
    // StatementBlocked of its connection. Counted by readers as if settled (it usually is).
    const std::optional<Tally>& pending() const { return pending_; }

private:
    struct Open
    {
        std::uint32_t connection = 0;
        bool implicit = true;
        bool doomed = false;
        std::int64_t beginNs = 0;
    };
    struct ConnectionState
    {
        std::uint64_t current = 0; // its open transaction's id, 0 none
        bool inStatement = false;
        std::int64_t statementBeginNs = 0;
        bool transactionEnded = false; // a transaction of the connection ended during the statement
    };

    void end(std::uint64_t txId, bool committed, std::int64_t timeNs, std::vector<Tally>& out);
    void onStatementEnd(const Event& event, ConnectionState& c, std::vector<Tally>& out);

    std::unordered_map<std::uint64_t, Open> open_;
    std::unordered_map<std::uint32_t, ConnectionState> connections_;
    std::optional<Tally> pending_;
    std::uint32_t pendingConnection_ = 0;
};

} // namespace txs
