#pragma once
// The timeline's axes as plain linear maps: the key axis counts milliseconds, the model counts
// nanoseconds; the value axis counts lane units (LaneGeometry), reversed so lane 0 is on top.

#include "widgets/timeline/HitTest.h"

class QCPAxis;

namespace txs::timeline {

inline constexpr double kNsPerMs = 1e6;

Viewport viewportOf(const QCPAxis* keyAxis, const QCPAxis* valueAxis, std::int64_t nowNs);

} // namespace txs::timeline
