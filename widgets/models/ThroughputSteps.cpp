#include "widgets/models/ThroughputSteps.h"

#include "engine/trace/MetricsProjection.h"

namespace txs::models {

ThroughputSteps throughputSteps(const MetricsProjection& metrics, std::int64_t t)
{
    ThroughputSteps s;
    const std::vector<ThroughputPoint> points = metrics.throughput(t);
    if (points.empty()) return s;
    s.keysMs.reserve(static_cast<qsizetype>(points.size()) + 1);
    s.perSecond.reserve(static_cast<qsizetype>(points.size()) + 1);
    for (const ThroughputPoint& p : points) {
        s.keysMs << static_cast<double>(p.startNs) / 1e6;
        s.perSecond << p.perSecond;
    }
    // The last bucket's rate is over [start, t], t included: its step ends one nanosecond on.
    s.keysMs << static_cast<double>(t + 1) / 1e6;
    s.perSecond << points.back().perSecond;
    return s;
}

} // namespace txs::models
