#include "widgets/timeline/TimelineOverlay.h"

#include "widgets/timeline/HitTest.h"
#include "widgets/timeline/MarkerPlottable.h"
#include "widgets/timeline/PlotViewport.h"
#include "widgets/timeline/TimelineText.h"

namespace txs::timeline {

TimelineOverlay::TimelineOverlay(QCPAxisRect* axisRect, const TimelineScene& scene, const QString& layer)
    : QCPLayerable(axisRect->parentPlot(), layer), axisRect_(axisRect), scene_(scene)
{}

void TimelineOverlay::applyDefaultAntialiasingHint(QCPPainter* painter) const
{
    painter->setAntialiasing(true);
}

QRect TimelineOverlay::clipRect() const
{
    return axisRect_->rect();
}

double TimelineOverlay::cursorX() const
{
    return axisRect_->axis(QCPAxis::atBottom)
        ->coordToPixel(static_cast<double>(scene_.cursorTime()) / kNsPerMs);
}

std::optional<QRectF> TimelineOverlay::selectionRect() const
{
    if (!scene_.selection) return std::nullopt;
    const ItemRef ref = *scene_.selection;
    const auto view =
        viewportOf(axisRect_->axis(QCPAxis::atBottom), axisRect_->axis(QCPAxis::atLeft), scene_.nowNs());
    if (ref.kind == ItemRef::Kind::Marker) {
        const Marker& m = scene_.model.marker(ref);
        const double r =
            MarkerPlottable::glyphSize(LaneGeometry::kTxHeight * std::abs(view.value.pixelsPerUnit())) / 2 +
            4;
        const QPointF c(view.time.toPixel(static_cast<double>(m.timeNs)),
                        view.value.toPixel(markerCentre(scene_.geometry, ref.lane, m.kind)));
        return QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r);
    }
    const Span& s = scene_.model.span(ref);
    const auto band = scene_.geometry.band(ref.lane, ref.track);
    if (!band) return std::nullopt;
    double x0 = view.time.toPixel(static_cast<double>(s.startNs));
    double x1 = view.time.toPixel(static_cast<double>(s.endOr(scene_.nowNs())));
    if (x1 - x0 < 3) { // keep tiny spans findable: at least a few pixels around them
        const double c = (x0 + x1) / 2;
        x0 = c - 1.5;
        x1 = c + 1.5;
    }
    const double y0 = view.value.toPixel(band->top), y1 = view.value.toPixel(band->bottom);
    return QRectF(QPointF(x0, std::min(y0, y1)), QPointF(x1, std::max(y0, y1))).adjusted(-2, -2, 2, 2);
}

void TimelineOverlay::draw(QCPPainter* painter)
{
    const QRect area = axisRect_->rect();
    if (auto r = selectionRect()) {
        painter->setBrush(Qt::NoBrush);
        painter->setPen(QPen(scene_.colors.halo, 4));
        const bool marker = scene_.selection->kind == ItemRef::Kind::Marker;
        marker ? painter->drawEllipse(*r)
               : painter->drawRect(r->intersected(QRectF(area).adjusted(-3, -3, 3, 3)));
        painter->setPen(QPen(scene_.colors.selection, 2));
        marker ? painter->drawEllipse(*r)
               : painter->drawRect(r->intersected(QRectF(area).adjusted(-3, -3, 3, 3)));
    }
    if (scene_.model.empty() || scene_.exporting) return;

    const double x = cursorX();
    if (x < area.left() - 1 || x > area.right() + 1) return;
    painter->setAntialiasing(false);
    painter->setPen(QPen(scene_.colors.cursor, 2));
    painter->drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
    // The instant every other panel shows, written on the cursor's handle.
    const bool now = scene_.cursorFollowsNow || (scene_.viewFollowsNow && scene_.cursorNs >= scene_.nowNs());
    const QString label =
        now ? QStringLiteral("now") : QString::fromStdString(formatTime(scene_.cursorTime()));
    QFont font = painter->font();
    font.setBold(true);
    painter->setFont(font);
    const QFontMetrics fm(font);
    const int w = fm.horizontalAdvance(label) + 10, h = fm.height() + 4;
    QRectF box(x - w / 2.0, area.top(), w, h);
    if (box.left() < area.left()) box.moveLeft(area.left());
    if (box.right() > area.right()) box.moveRight(area.right());
    painter->setAntialiasing(true);
    painter->setPen(Qt::NoPen);
    painter->setBrush(scene_.colors.cursor);
    painter->drawRoundedRect(box, 3, 3);
    painter->setPen(scene_.colors.background);
    painter->drawText(box, Qt::AlignCenter, label);
}

} // namespace txs::timeline
