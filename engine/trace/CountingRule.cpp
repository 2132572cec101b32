#include "engine/trace/CountingRule.h"

#include "engine/api/Error.h"
#include "engine/trace/CountingRuleApply.h"

#include <algorithm>

namespace txs {

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
        // The commit lock's acquire is a DDL-only autocommit transaction's first event (nothing
        // written before it). A commit that folds the hold into TxCommit (CommitHold.h) holds
        // no exclusive slot, so it is an explicit transaction (no autocommit write runs without
        // the slot): its TxBegin proved it first, and the counts are the same.
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
    applyCountingWith(c, e, [&out](const Tally& t) { out.add(t); });
    return out;
}

void CountingRule::apply(const Event& e, std::vector<Tally>& out)
{
    if (e.connection == 0 || !countingReads(e.kind)) return;
    const Settled settled = applyCounting(connections_[e.connection], e);
    out.insert(out.end(), settled.items, settled.items + settled.count);
}

} // namespace txs
