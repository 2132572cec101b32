#include "widgets/timeline/MarkerPlottable.h"

#include "widgets/timeline/HitTest.h"
#include "widgets/timeline/MarkerGlyphs.h"
#include "widgets/timeline/PlotViewport.h"
#include "widgets/timeline/RectBatcher.h"

#include <array>
#include <cmath>
#include <optional>

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

const QPixmap& MarkerPlottable::GlyphCache::get(MarkerKind kind, double glyphSize, qreal dpr,
                                                const TimelineColors& colors)
{
    QRgb print = colors.markerOutline.rgba();
    for (const QColor& c : colors.marker)
        print = print * 31 + c.rgba();
    if (glyphSize != size || dpr != devicePixelRatio || print != fingerprint) {
        size = glyphSize;
        devicePixelRatio = dpr;
        fingerprint = print;
        for (auto& p : pixmaps)
            p = QPixmap();
    }
    QPixmap& p = pixmaps[static_cast<int>(kind)];
    if (p.isNull()) p = renderMarkerGlyph(kind, size, dpr, colors);
    return p;
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
    // PDF export gets real shapes; screens and PNGs get the cached pixmaps.
    const bool vector = painter->modes().testFlag(QCPPainter::pmVectorized);
    const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;

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
        // Glyphs that would cover most of the lane hide the spans and each other: then markers
        // become thin ticks, a strip that still shows where errors cluster; zooming in brings
        // the glyphs back.
        if (static_cast<double>(last - first) * txSize * 0.5 > clip.width()) {
            drawTicks(painter, data, lane, first, last, view);
            continue;
        }
        // A glyph within a third of its width of the previous one of its kind would hide under it.
        std::array<double, kMarkerKindCount> lastX;
        lastX.fill(-1e300);
        for (std::size_t i = first; i < last; ++i) {
            const Marker& m = data.markers[i];
            const bool onTx = markerRow(m.kind) == Track::Transaction;
            const double size = onTx ? txSize : stmtSize;
            const double x = view.time.toPixel(static_cast<double>(m.timeNs));
            double& previous = lastX[static_cast<int>(m.kind)];
            if (x - previous < size / 3) continue;
            previous = x;
            const double y = view.value.toPixel(markerCentre(g, lane, m.kind));
            if (vector) {
                drawMarkerGlyph(painter, m.kind, {x, y}, size, scene_.colors);
                continue;
            }
            const QPixmap& glyph =
                (onTx ? txGlyphs_ : statementGlyphs_).get(m.kind, size, dpr, scene_.colors);
            const double half = glyph.width() / glyph.devicePixelRatio() / 2;
            painter->drawPixmap(QPointF(x - half, y - half), glyph);
        }
    }
}

void MarkerPlottable::drawTicks(QCPPainter* painter, const Lane& data, std::size_t lane, std::size_t first,
                                std::size_t last, const Viewport& view)
{
    const double txPixels = LaneGeometry::kTxHeight * std::abs(view.value.pixelsPerUnit());
    const int height = std::max(2, static_cast<int>(txPixels * 0.12)); // thin: the spans stay readable
    painter->setAntialiasing(false);
    std::array<std::optional<RectBatcher>, kMarkerKindCount> strips;
    for (int k = 0; k < kMarkerKindCount; ++k) {
        const auto kind = static_cast<MarkerKind>(k);
        const int y =
            static_cast<int>(std::lround(view.value.toPixel(markerCentre(scene_.geometry, lane, kind)))) -
            height / 2;
        strips[k].emplace(painter, y, height);
    }
    for (std::size_t i = first; i < last; ++i) {
        const Marker& m = data.markers[i];
        // Every retry follows an aborted attempt, which the alarm strip of the spans already shows.
        if (m.kind == MarkerKind::Retry) continue;
        const int x = static_cast<int>(std::floor(view.time.toPixel(static_cast<double>(m.timeNs))));
        strips[static_cast<int>(m.kind)]->add(x, x + 2, &scene_.colors.of(m.kind));
    }
    for (auto& strip : strips)
        strip->flush();
    painter->setAntialiasing(true);
}

void MarkerPlottable::drawLegendIcon(QCPPainter* painter, const QRectF& rect) const
{
    drawMarkerGlyph(painter, MarkerKind::Busy, rect.center(), rect.height(), scene_.colors);
}

} // namespace txs::timeline
