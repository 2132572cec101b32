#include "engine/trace/CountingRule.h"

#include "engine/api/Error.h"
#include "engine/trace/CountingRuleApply.h"

#include <algorithm>

namespace txs {

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
