#pragma once
// The counting rule's step (CountingRule.h, applyCounting), with each settled count handed to
// `out(const Tally&)` as it is settled rather than gathered into a Settled and copied out: the
// trace log applies it to every counted event it appends (LiveCounts), where the copy was a
// third of the cost. Included by CountingRule.cpp and LiveCounts.cpp only; applyCounting() is
// this with a sink that gathers, so both apply one rule.

#include "engine/api/Error.h"
#include "engine/trace/CountingRule.h"
#include "engine/trace/StatementFold.h"

#include <algorithm>

namespace txs {

namespace counting {

inline Counted errorCount(ErrorKind kind)
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

// A transaction the connection had not shown yet becomes its open one (one still open is
// abandoned uncounted, as a connection cannot hold two), shown by an event of `kind` at `timeNs`.
inline void showTransaction(ConnectionCounting& c, std::uint64_t txId, EventKind kind, std::int64_t timeNs)
{
    c.current = txId;
    c.implicit = true;
    c.doomed = false;
    // An implicit transaction is its statement: it starts when the statement does.
    c.beginNs = (kind != EventKind::TxBegin && c.inStatement) ? std::min(c.statementBeginNs, timeNs) : timeNs;
}

template <typename Add>
void endTransaction(ConnectionCounting& c, bool committed, std::int64_t timeNs, Add& out)
{
    out({committed ? Counted::Commit : Counted::Rollback, timeNs, c.beginNs});
    c.current = 0;
    c.transactionEnded = true;
}

// The fields onStatementEnd reads of a StatementEnd folded into a StatementBegin: a success.
struct FoldedEnd
{
    std::int64_t a;
    std::int64_t b;
    std::uint64_t txId;
    std::int64_t timeNs;
    std::uint16_t detail;
};

template <typename E, typename Add> void onStatementEnd(ConnectionCounting& c, const E& e, Add& out)
{
    c.inStatement = false;
    // An implicit transaction still open when its statement ends was ended without an event.
    if (c.current != 0 && c.implicit) endTransaction(c, !c.doomed && e.a == 0, e.timeNs, out);
    if (e.a != 0) {
        c.pending = Tally{errorCount(errorKindOfDetail(e.detail)), e.timeNs, c.statementBeginNs};
        c.hasPending = true;
    } else if (e.txId == 0 && e.b > 0 && !c.transactionEnded) {
        // SQLite's autocommit write: a change outside any transaction of the log.
        out({Counted::Commit, e.timeNs, c.statementBeginNs});
    }
}

} // namespace counting

// `E`: Event or EventFields (the fields the rule reads have the same names).
template <typename E, typename Add> void applyCountingWith(ConnectionCounting& c, const E& e, Add out)
{
    using namespace counting;
    if (c.hasPending) {
        // A try that ended blocked is a wait: StatementBlocked is its connection's next event.
        if (e.kind != EventKind::StatementBlocked) out(c.pending);
        c.hasPending = false;
    }
    switch (e.kind) {
    case EventKind::StatementBegin:
        // A Begin that carries its connection's previous StatementEnd (StatementFold.h) is the
        // pair: the appending thread's counts (LiveCounts) read it raw, other readers unfolded.
        // The pending error above is settled the same either way (the End is no StatementBlocked),
        // and a StatementEnd proves no transaction, so only its own step is left to take. A
        // TxBegin it carries comes before the end: its own step, with nothing pending any more.
        if (carriesTxBegin(e)) applyCountingWith(c, foldedTxBegin(e), out);
        if (carriesStatementEnd(e))
            onStatementEnd(
                c, FoldedEnd{0, foldedEndRows(e), static_cast<std::uint64_t>(e.a), foldedEndTimeNs(e), 0},
                out);
        c.inStatement = true;
        c.statementBeginNs = e.timeNs;
        c.transactionEnded = false;
        break;
    case EventKind::StatementEnd:
        onStatementEnd(c, e, out);
        break;
    case EventKind::TxRetry:
        out({Counted::Retry, e.timeNs, 0});
        break;
    case EventKind::ConnectionClose:
        if (c.current != 0) endTransaction(c, false, e.timeNs, out);
        break;
    default:
        break;
    }
    if (e.txId == 0 || !provesTransaction(e.kind, e.a)) return;
    if (e.txId != c.current) showTransaction(c, e.txId, e.kind, e.timeNs);
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
}

} // namespace txs
