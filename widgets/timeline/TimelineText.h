#pragma once
// The words of the timeline: tooltips for spans and markers, durations, times. Plain C++ so
// the tests can read exactly what a user will read.

#include "widgets/timeline/TimelineModel.h"

#include <cstdint>
#include <string>

namespace txs::timeline {

// "850 ns", "12.3 µs", "1.234 ms", "2.50 s".
std::string formatDuration(std::int64_t ns);
// A point on the run's clock: "12.345 ms".
std::string formatTime(std::int64_t ns);
// "SQLITE_BUSY_SNAPSHOT (517)".
std::string resultCodeText(std::int64_t extendedCode);

// A tooltip for a span or marker: what it is, on which connection, when and for how long,
// its outcome, and for errors the message and explanation. Several lines.
std::string describe(const TimelineModel& model, const ItemRef& ref, std::int64_t nowNs);

// Short legend/menu name of a state or marker kind: "committed", "doomed by conflict", "BUSY".
const char* stateName(SpanState state);
const char* markerName(MarkerKind kind);

} // namespace txs::timeline
