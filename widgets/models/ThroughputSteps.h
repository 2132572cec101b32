#pragma once
// The throughput chart's data: commits per second per bucket of the metrics projection, as a
// left-step series that closes at the instant. Without the closing point a step plot ends at
// the last bucket's start, so a run shorter than one bucket (100 ms) is a single point and the
// chart has nothing to frame (its axis showed -2..2 ms around one spike).
//
// Invariant: the area under the steps is the commits up to the instant: the sum over i of
// values[i] * (keys[i + 1] - keys[i]) / 1000 equals them (keys in ms, values per second), as
// each bucket's rate is taken over exactly the part of it up to the instant.

#include <QVector>
#include <algorithm>
#include <cstdint>

namespace txs {
class MetricsProjection;
}

namespace txs::models {

struct ThroughputSteps
{
    QVector<double> keysMs, perSecond; // one point per bucket start, then the closing point
    // The x range that frames the run: from 0 to the closing point, at least 1 ms (so an empty
    // or sub-millisecond run still has an axis a person can read).
    double endMs() const { return keysMs.isEmpty() ? 1.0 : std::max(keysMs.back(), 1.0); }
};

// Empty before the run has an instant (t < 0).
ThroughputSteps throughputSteps(const MetricsProjection& metrics, std::int64_t t);

} // namespace txs::models
