#include "widgets/timeline/MarkerPlottable.h"

#include "widgets/timeline/HitTest.h"
#include "widgets/timeline/MarkerGlyphs.h"
#include "widgets/timeline/PlotViewport.h"

#include <array>
#include <cmath>

namespace txs::timeline {

MarkerPlottable::MarkerPlottable(QCPAxis* keyAxis, QCPAxis* valueAxis, const TimelineScene& scene)
    : QCPAbstractPlottable(keyAxis, valueAxis), scene_(scene)
{
    setSelectable(QCP::stNone);
    setAntialiased(true);
}

double MarkerPlottable::glyphSize(double rowPixels)
{
    return std::clamp(rowPixels * 0.8, 7.0, 12.0);
}

double MarkerPlottable::selectTest(const QPointF& pos, bool onlySelectable, QVariant*) const
{
    if ((onlySelectable && !selectable()) || !mKeyAxis || !mValueAxis) return -1;
    const auto view = viewportOf(mKeyAxis.data(), mValueAxis.data(), scene_.nowNs());
    const auto hit = hitTest(scene_.model, scene_.geometry, view, pos.x(), pos.y());
    return hit && hit->kind == ItemRef::Kind::Marker ? 0 : -1;
}

QCPRange MarkerPlottable::getKeyRange(bool& foundRange, QCP::SignDomain) const
{
    foundRange = false; // the span plottable covers the whole run already
    return {};
}

QCPRange MarkerPlottable::getValueRange(bool& foundRange, QCP::SignDomain, const QCPRange&) const
{
    foundRange = false;
    return {};
}

void MarkerPlottable::draw(QCPPainter* painter)
{
    if (!mKeyAxis || !mValueAxis) return;
    const QRect clip = clipRect();
    const auto view = viewportOf(mKeyAxis.data(), mValueAxis.data(), scene_.nowNs());
    const LaneGeometry& g = scene_.geometry;
    const auto& lanes = scene_.model.lanes();
    const double vA = view.value.toValue(clip.top()), vB = view.value.toValue(clip.bottom());
    const double vTop = std::min(vA, vB), vBottom = std::max(vA, vB);
    const double pxPerUnit = std::abs(view.value.pixelsPerUnit());
    const double txSize = glyphSize(LaneGeometry::kTxHeight * pxPerUnit);
    const double stmtSize = glyphSize(LaneGeometry::kStatementHeight * pxPerUnit * 1.6);
    const double margin = view.time.unitsFor(txSize);
    const std::int64_t tLo =
        static_cast<std::int64_t>(std::max(view.time.toValue(clip.left()) - margin, -9e18));
    const std::int64_t tHi =
        static_cast<std::int64_t>(std::min(view.time.toValue(clip.right()) + margin, 9e18));
    painter->setAntialiasing(true);

    for (std::size_t lane = 0; lane < lanes.size() && lane < g.laneCount(); ++lane) {
        const Band band = g.lane(lane);
        if (band.bottom < vTop || band.top > vBottom) continue;
        const Lane& data = lanes[lane];
        const double txY = view.value.toPixel(g.band(lane, Track::Transaction)->centre());

        // Links first, under the markers they join. Sorted by their end; a link ending in view
        // starts at most one retry backoff earlier, so start the scan a little before.
        const double rise = std::abs(view.value.toPixel(g.band(lane, Track::Transaction)->top) - txY) * 1.2;
        auto link = std::lower_bound(data.links.begin(), data.links.end(), tLo,
                                     [](const Link& l, std::int64_t t) { return l.toNs < t; });
        for (; link != data.links.end(); ++link) {
            const double x0 = view.time.toPixel(static_cast<double>(link->fromNs));
            const double x1 = view.time.toPixel(static_cast<double>(link->toNs));
            if (x0 > clip.right()) break;
            if (x1 - x0 < 6) continue; // too short to read at this zoom
            drawRetryLink(painter, {x0, txY}, {x1, txY}, rise, scene_.colors);
        }

        const auto [first, last] = markersBetween(data, tLo, tHi);
        std::array<int, kMarkerKindCount> lastColumn;
        lastColumn.fill(std::numeric_limits<int>::min());
        for (std::size_t i = first; i < last; ++i) {
            const Marker& m = data.markers[i];
            const double x = view.time.toPixel(static_cast<double>(m.timeNs));
            const int column = static_cast<int>(std::floor(x));
            int& seen = lastColumn[static_cast<int>(m.kind)];
            if (column == seen) continue; // same kind on the same pixel: once is enough
            seen = column;
            const bool onTx = markerRow(m.kind) == Track::Transaction;
            const double y = view.value.toPixel(markerCentre(g, lane, m.kind));
            drawMarkerGlyph(painter, m.kind, {x, y}, onTx ? txSize : stmtSize, scene_.colors);
        }
    }
}

void MarkerPlottable::drawLegendIcon(QCPPainter* painter, const QRectF& rect) const
{
    drawMarkerGlyph(painter, MarkerKind::Busy, rect.center(), rect.height(), scene_.colors);
}

} // namespace txs::timeline
