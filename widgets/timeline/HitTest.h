#pragma once
// Which span or marker is under a pixel, for tooltips and click-to-select. Uses the same
// geometry as drawing, so what a user points at is what gets picked.

#include "widgets/timeline/LaneGeometry.h"
#include "widgets/timeline/LinearMap.h"
#include "widgets/timeline/TimelineModel.h"

#include <optional>

namespace txs::timeline {

// The row a marker kind is drawn on: errors and retries on the transaction row, the busy
// handler's calls and lock waits on the statement row where the waits are.
Track markerRow(MarkerKind kind);
// Where a marker's glyph is centred, in lane units. On the transaction row an error and the
// retry that follows it happen microseconds apart: errors sit in the upper part of the row and
// retries in the lower part, so neither hides the other at any zoom.
double markerCentre(const LaneGeometry& geometry, std::size_t lane, MarkerKind kind);

struct HitTolerance
{
    double markerRadiusPx = 6; // markers are glyphs about 10 px wide
    double spanPx = 3;         // a span narrower than this is still hit within this many pixels
};

struct Viewport
{
    LinearMap time;         // ns -> x pixels
    LinearMap value;        // lane units -> y pixels
    std::int64_t nowNs = 0; // where unfinished spans end
};

// The marker nearest to (x, y) within the marker radius, else the span of the row under y
// containing x (or nearest within the span tolerance). Markers win: they sit on top.
std::optional<ItemRef> hitTest(const TimelineModel& model, const LaneGeometry& geometry, const Viewport& view,
                               double x, double y, HitTolerance tolerance = {});

// Markers of `lane` with time in [fromNs, toNs]: [first, last) indices (markers sorted by time).
std::pair<std::size_t, std::size_t> markersBetween(const Lane& lane, std::int64_t fromNs, std::int64_t toNs);

} // namespace txs::timeline
