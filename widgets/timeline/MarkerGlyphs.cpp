#include "widgets/timeline/MarkerGlyphs.h"

#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>
#include <cmath>

namespace txs::timeline {

namespace {

QPolygonF diamond(QPointF c, double r)
{
    return QPolygonF({{c.x(), c.y() - r}, {c.x() + r, c.y()}, {c.x(), c.y() + r}, {c.x() - r, c.y()}});
}

QPolygonF triangleDown(QPointF c, double r)
{
    return QPolygonF({{c.x() - r, c.y() - r * 0.8}, {c.x() + r, c.y() - r * 0.8}, {c.x(), c.y() + r}});
}

QPolygonF triangleRight(QPointF c, double r)
{
    return QPolygonF({{c.x() - r * 0.8, c.y() - r}, {c.x() + r, c.y()}, {c.x() - r * 0.8, c.y() + r}});
}

} // namespace

void drawMarkerGlyph(QPainter* painter, MarkerKind kind, QPointF centre, double size,
                     const TimelineColors& colors)
{
    const double r = size / 2;
    const QColor& fill = colors.of(kind);
    // A thin outline in the text colour reads on every span colour (an orange conflict on a red
    // doomed transaction) and on the empty background alike.
    QPen outline(colors.markerOutline, 1.2);
    outline.setJoinStyle(Qt::MiterJoin);
    painter->setBrush(fill);
    painter->setPen(outline);
    switch (kind) {
    case MarkerKind::Busy:
        painter->drawPolygon(diamond(centre, r));
        break;
    case MarkerKind::Conflict:
        painter->drawPolygon(triangleDown(centre, r));
        break;
    case MarkerKind::Retry:
        painter->drawPolygon(triangleRight(centre, r));
        break;
    case MarkerKind::BusyHandler:
        painter->setBrush(Qt::NoBrush);
        painter->setPen(QPen(colors.halo, 3.5));
        painter->drawEllipse(centre, r * 0.7, r * 0.7);
        painter->setPen(QPen(fill, 1.8));
        painter->drawEllipse(centre, r * 0.7, r * 0.7);
        break;
    case MarkerKind::LockWait:
        painter->setPen(QPen(colors.halo, 4, Qt::SolidLine, Qt::FlatCap));
        painter->drawLine(QPointF(centre.x(), centre.y() - r), QPointF(centre.x(), centre.y() + r));
        painter->setPen(QPen(fill, 2, Qt::SolidLine, Qt::FlatCap));
        painter->drawLine(QPointF(centre.x(), centre.y() - r), QPointF(centre.x(), centre.y() + r));
        break;
    }
}

QPixmap renderMarkerGlyph(MarkerKind kind, double size, qreal devicePixelRatio, const TimelineColors& colors)
{
    const double side = size + 2 * glyphMargin();
    const int pixels = static_cast<int>(std::ceil(side * devicePixelRatio));
    QPixmap pixmap(pixels, pixels);
    pixmap.setDevicePixelRatio(devicePixelRatio);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const double logical = pixels / devicePixelRatio;
    drawMarkerGlyph(&painter, kind, QPointF(logical / 2, logical / 2), size, colors);
    return pixmap;
}

void drawRetryLink(QPainter* painter, QPointF from, QPointF to, double rise, const TimelineColors& colors)
{
    QPainterPath path(from);
    const QPointF control((from.x() + to.x()) / 2, std::min(from.y(), to.y()) - rise);
    path.quadTo(control, to);
    QPen pen(colors.link, 1.5, Qt::DashLine);
    painter->setBrush(Qt::NoBrush);
    painter->setPen(pen);
    painter->drawPath(path);
    // Arrow head along the curve's last tangent.
    const QPointF dir = to - control;
    const double len = std::hypot(dir.x(), dir.y());
    if (len < 1e-6) return;
    const QPointF u = dir / len, n(-u.y(), u.x());
    const double head = 5;
    painter->setPen(Qt::NoPen);
    painter->setBrush(colors.link);
    painter->drawPolygon(QPolygonF({to, to - u * head + n * head * 0.55, to - u * head - n * head * 0.55}));
}

} // namespace txs::timeline
