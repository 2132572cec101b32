#include "widgets/timeline/SpanPlottable.h"

#include "widgets/timeline/PlotViewport.h"
#include "widgets/timeline/RectBatcher.h"
#include "widgets/timeline/SpanRuns.h"

#include <cmath>

namespace txs::timeline {

SpanPlottable::SpanPlottable(QCPAxis* keyAxis, QCPAxis* valueAxis, const TimelineScene& scene)
    : QCPAbstractPlottable(keyAxis, valueAxis), scene_(scene)
{
    setSelectable(QCP::stNone); // TimelineWidget does its own hit testing and selection
    setAntialiased(false);
}

double SpanPlottable::selectTest(const QPointF& pos, bool onlySelectable, QVariant*) const
{
    if ((onlySelectable && !selectable()) || !mKeyAxis || !mValueAxis) return -1;
    const auto view = viewportOf(mKeyAxis.data(), mValueAxis.data(), scene_.nowNs());
    return hitTest(scene_.model, scene_.geometry, view, pos.x(), pos.y()) ? 0 : -1;
}

QCPRange SpanPlottable::getKeyRange(bool& foundRange, QCP::SignDomain) const
{
    foundRange = !scene_.model.empty();
    return {scene_.model.startNs() / kNsPerMs, scene_.model.endNs() / kNsPerMs};
}

QCPRange SpanPlottable::getValueRange(bool& foundRange, QCP::SignDomain, const QCPRange&) const
{
    foundRange = scene_.geometry.laneCount() > 0;
    return {0, scene_.geometry.totalHeight()};
}

void SpanPlottable::draw(QCPPainter* painter)
{
    if (!mKeyAxis || !mValueAxis) return;
    const QRect clip = clipRect();
    const auto view = viewportOf(mKeyAxis.data(), mValueAxis.data(), scene_.nowNs());
    const TimelineColors& colors = scene_.colors;
    const LaneGeometry& g = scene_.geometry;
    painter->setAntialiasing(false);
    painter->setPen(Qt::NoPen);

    // Lanes whose band meets the visible value range.
    const double vTop = std::min(view.value.toValue(clip.top()), view.value.toValue(clip.bottom()));
    const double vBottom = std::max(view.value.toValue(clip.top()), view.value.toValue(clip.bottom()));
    const auto firstLane =
        static_cast<std::size_t>(std::max(0.0, std::floor(vTop / std::max(g.laneHeight(), 1e-9))));
    const int pxLo = clip.left(), pxHi = clip.right() + 1;
    const auto y = [&](double v) { return static_cast<int>(std::lround(view.value.toPixel(v))); };

    // Top to bottom by position on screen (LaneGeometry may order lanes other than by index).
    for (std::size_t slot = firstLane; slot < g.laneCount() && slot < scene_.model.lanes().size(); ++slot) {
        const std::size_t lane = g.laneAtSlot(slot);
        const Band band = g.lane(lane);
        if (band.top > vBottom) break;
        if (slot % 2 == 1)
            painter->fillRect(QRect(pxLo, y(band.top), pxHi - pxLo, y(band.bottom) - y(band.top)),
                              colors.zebra);
        if (slot > 0) painter->fillRect(QRect(pxLo, y(band.top), pxHi - pxLo, 1), colors.separator);
        const Lane& data = scene_.model.lanes()[lane];
        for (Track row : g.rows()) {
            const Band b = *g.band(lane, row);
            const int y0 = y(b.top), y1 = std::max(y(b.bottom), y0 + 1);
            drawTrack(painter, data.track(row), data.blocks[static_cast<int>(row)], row, y0, y1, pxLo, pxHi,
                      view);
            if (row == Track::Statement)
                drawTrack(painter, data.track(Track::Wait), data.blocks[static_cast<int>(Track::Wait)],
                          Track::Wait, y0, y1, pxLo, pxHi, view);
        }
    }
}

void SpanPlottable::drawTrack(QCPPainter* painter, const SpanList& spans, SpanBlocks& blocks, Track track,
                              int y0, int y1, int pxLo, int pxHi, const Viewport& view)
{
    blocks.update(spans); // the spans closed since the last draw
    const auto policy = isLockTrack(track) ? MergePolicy::Strongest : MergePolicy::Majority;
    const TimelineColors& colors = scene_.colors;
    const int height = y1 - y0;
    const int alarmHeight = std::max(2, height / 3);
    alarms_.clear();
    RectBatcher fill(painter, y0, height);
    RectBatcher alarm(painter, y1 - alarmHeight, alarmHeight, &alarms_);
    forEachRun(
        spans, view.time, pxLo, pxHi, scene_.nowNs(), policy,
        [&](const PixelRun& r) {
            // Wide neighbours of the same colour would fuse into one bar: a 1 px gap keeps each
            // transaction countable when zoomed in.
            const bool narrow = r.x1 - r.x0 < 4;
            const int x1 = narrow ? r.x1 : r.x1 - 1;
            fill.add(r.x0, x1, &colors.of(r.state), narrow);
            if (r.hasAlarm) alarm.add(r.x0, x1, &colors.of(r.alarm), narrow);
        },
        &blocks);
    fill.flush();
    alarm.flush();
    for (const auto& [rect, colour] : alarms_)
        painter->fillRect(rect, *colour); // on top of the fills
}

void SpanPlottable::drawLegendIcon(QCPPainter* painter, const QRectF& rect) const
{
    painter->fillRect(rect, scene_.colors.of(SpanState::TxCommitted));
}

} // namespace txs::timeline
