#include "widgets/timeline/HitTest.h"

#include "widgets/timeline/SpanRuns.h"

#include <algorithm>
#include <cmath>

namespace txs::timeline {

Track markerRow(MarkerKind kind)
{
    switch (kind) {
    case MarkerKind::BusyHandler:
    case MarkerKind::LockWait:
        return Track::Statement;
    default:
        return Track::Transaction;
    }
}

double markerCentre(const LaneGeometry& geometry, std::size_t lane, MarkerKind kind)
{
    const Band band = *geometry.band(lane, markerRow(kind));
    switch (kind) {
    case MarkerKind::Busy:
    case MarkerKind::Conflict:
        return band.top + band.height() * 0.32;
    case MarkerKind::Retry:
        return band.top + band.height() * 0.70;
    default:
        return band.centre();
    }
}

std::pair<std::size_t, std::size_t> markersBetween(const Lane& lane, std::int64_t fromNs, std::int64_t toNs)
{
    const auto& m = lane.markers;
    auto first = std::lower_bound(m.begin(), m.end(), fromNs,
                                  [](const Marker& k, std::int64_t t) { return k.timeNs < t; });
    auto last =
        std::upper_bound(first, m.end(), toNs, [](std::int64_t t, const Marker& k) { return t < k.timeNs; });
    return {static_cast<std::size_t>(first - m.begin()), static_cast<std::size_t>(last - m.begin())};
}

namespace {

std::int64_t toNs(double t)
{
    return static_cast<std::int64_t>(std::clamp(t, -9e18, 9e18));
}

std::optional<ItemRef> hitMarker(const TimelineModel& model, const LaneGeometry& geometry,
                                 const Viewport& view, std::size_t laneIndex, double x, double y,
                                 double radius)
{
    const Lane& lane = model.lanes()[laneIndex];
    const double t = view.time.toValue(x);
    const double r = view.time.unitsFor(radius);
    const auto [first, last] = markersBetween(lane, toNs(t - r), toNs(t + r));
    std::optional<ItemRef> best;
    double bestDistance = radius;
    for (std::size_t i = first; i < last; ++i) {
        const Marker& m = lane.markers[i];
        const double dx = view.time.toPixel(static_cast<double>(m.timeNs)) - x;
        const double dy = view.value.toPixel(markerCentre(geometry, laneIndex, m.kind)) - y;
        const double d = std::hypot(dx, dy);
        if (d <= bestDistance) { // later markers win ties: they are drawn on top
            bestDistance = d;
            best = ItemRef{ItemRef::Kind::Marker, Track::Transaction, static_cast<std::uint32_t>(laneIndex),
                           static_cast<std::uint32_t>(i)};
        }
    }
    return best;
}

std::optional<ItemRef> hitSpan(const TimelineModel& model, const Viewport& view, std::size_t laneIndex,
                               Track track, double x, double tolerance)
{
    const auto& spans = model.lanes()[laneIndex].track(track);
    const double t = view.time.toValue(x);
    const double tol = view.time.unitsFor(tolerance);
    std::optional<ItemRef> best;
    double bestDistance = tolerance + 1e-9;
    for (std::size_t i = firstEndingAtOrAfter(spans, toNs(t - tol)); i < spans.size(); ++i) {
        const Span& s = spans[i];
        if (static_cast<double>(s.startNs) > t + tol) break;
        const double x0 = view.time.toPixel(static_cast<double>(s.startNs));
        const double x1 = view.time.toPixel(static_cast<double>(s.endOr(view.nowNs)));
        const double d = x < x0 ? x0 - x : (x > x1 ? x - x1 : 0.0);
        if (d < bestDistance) {
            bestDistance = d;
            best = ItemRef{ItemRef::Kind::Span, track, static_cast<std::uint32_t>(laneIndex),
                           static_cast<std::uint32_t>(i)};
            if (d == 0) break;
        }
    }
    return best;
}

} // namespace

std::optional<ItemRef> hitTest(const TimelineModel& model, const LaneGeometry& geometry, const Viewport& view,
                               double x, double y, HitTolerance tolerance)
{
    const double v = view.value.toValue(y);
    const auto laneIndex = geometry.laneAt(v);
    if (!laneIndex || *laneIndex >= model.lanes().size()) return std::nullopt;
    if (auto m = hitMarker(model, geometry, view, *laneIndex, x, y, tolerance.markerRadiusPx)) return m;
    const auto row = geometry.rowAt(v);
    if (!row) return std::nullopt;
    if (row->row == Track::Statement)
        if (auto w = hitSpan(model, view, *laneIndex, Track::Wait, x, tolerance.spanPx)) return w;
    return hitSpan(model, view, *laneIndex, row->row, x, tolerance.spanPx);
}

} // namespace txs::timeline
