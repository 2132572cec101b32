#include "engine/trace/CountingRule.h"

#include "engine/api/Error.h"

#include <algorithm>

namespace txs {

namespace {

Counted errorCount(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Conflict:
    case ErrorKind::Schema:
        return Counted::Conflict;
    case ErrorKind::Busy:
        return Counted::Busy;
    case ErrorKind::BusySnapshot:
        return Counted::BusySnapshot;
    default:
        return Counted::OtherError;
    }
}


void endTransaction(ConnectionCounting& c, bool committed, std::int64_t timeNs, Settled& out)
{
    out.add({committed ? Counted::Commit : Counted::Rollback, timeNs, c.beginNs});
    c.current = 0;
    c.transactionEnded = true;
}

void onStatementEnd(ConnectionCounting& c, const Event& e, Settled& out)
{
    c.inStatement = false;
    // An implicit transaction still open when its statement ends was ended without an event.
    if (c.current != 0 && c.implicit) endTransaction(c, !c.doomed && e.a == 0, e.timeNs, out);
    if (e.a != 0) {
        c.pending = Tally{errorCount(errorKindOfDetail(e.detail)), e.timeNs, c.statementBeginNs};
        c.hasPending = true;
    } else if (e.txId == 0 && e.b > 0 && !c.transactionEnded) {
        // SQLite's autocommit write: a change outside any transaction of the log.
        out.add({Counted::Commit, e.timeNs, c.statementBeginNs});
    }
}

} // namespace

bool provesTransaction(const Event& e)
{
    switch (e.kind) {
    case EventKind::TxBegin:
    case EventKind::TxCommit:
    case EventKind::TxRollback:
    case EventKind::TxDoomed:
    case EventKind::VersionCreated:
    case EventKind::VersionEnded:
    case EventKind::Conflict:
        return true;
    case EventKind::LockWait:
    case EventKind::LockAcquire:
        return e.a == static_cast<std::int64_t>(LockResource::MvccExclusive) ||
               e.a == static_cast<std::int64_t>(LockResource::MvccCommit);
    default:
        return false;
    }
}

void addTo(MetricsAt& m, Counted what, std::uint64_t n)
{
    switch (what) {
    case Counted::Commit:
        m.commits += n;
        return;
    case Counted::Rollback:
        m.rollbacks += n;
        return;
    case Counted::Retry:
        m.retries += n;
        return;
    case Counted::Conflict:
        m.conflicts += n;
        return;
    case Counted::Busy:
        m.busy += n;
        return;
    case Counted::BusySnapshot:
        m.busySnapshot += n;
        return;
    case Counted::OtherError:
        m.otherErrors += n;
        return;
    }
}

Settled applyCounting(ConnectionCounting& c, const Event& e)
{
    Settled out;
    if (c.hasPending) {
        // A try that ended blocked is a wait: StatementBlocked is its connection's next event.
        if (e.kind != EventKind::StatementBlocked) out.add(c.pending);
        c.hasPending = false;
    }
    switch (e.kind) {
    case EventKind::StatementBegin:
        c.inStatement = true;
        c.statementBeginNs = e.timeNs;
        c.transactionEnded = false;
        break;
    case EventKind::StatementEnd:
        onStatementEnd(c, e, out);
        break;
    case EventKind::TxRetry:
        out.add({Counted::Retry, e.timeNs, 0});
        break;
    case EventKind::ConnectionClose:
        if (c.current != 0) endTransaction(c, false, e.timeNs, out);
        break;
    default:
        break;
    }
    if (e.txId == 0 || !provesTransaction(e)) return out;
    if (e.txId != c.current) {
        // A transaction the connection had not shown yet (one still open is abandoned uncounted,
        // as a connection cannot hold two).
        c.current = e.txId;
        c.implicit = true;
        c.doomed = false;
        // An implicit transaction is its statement: it starts when the statement does.
        c.beginNs = (e.kind != EventKind::TxBegin && c.inStatement) ? std::min(c.statementBeginNs, e.timeNs)
                                                                    : e.timeNs;
    }
    switch (e.kind) {
    case EventKind::TxBegin:
        c.implicit = false;
        break;
    case EventKind::TxCommit:
        endTransaction(c, true, e.timeNs, out);
        break;
    case EventKind::TxRollback:
        endTransaction(c, false, e.timeNs, out);
        break;
    case EventKind::TxDoomed:
        c.doomed = true;
        break;
    default:
        break;
    }
    return out;
}

void CountingRule::apply(const Event& e, std::vector<Tally>& out)
{
    if (e.connection == 0 || !countingReads(e.kind)) return;
    const Settled settled = applyCounting(connections_[e.connection], e);
    out.insert(out.end(), settled.items, settled.items + settled.count);
}

} // namespace txs
