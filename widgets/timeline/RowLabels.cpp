#include "widgets/timeline/RowLabels.h"

#include "widgets/timeline/LockGroups.h"
#include "widgets/timeline/PlotViewport.h"

namespace txs::timeline {

namespace {

QString rowName(Track row)
{
    return row == Track::Statement ? QStringLiteral("stmt") : QString::fromLatin1(lockTrackName(row));
}

} // namespace

RowLabels::RowLabels(QCPAxisRect* axisRect, const TimelineScene& scene, const QString& layer)
    : QCPLayerable(axisRect->parentPlot(), layer), axisRect_(axisRect), scene_(scene)
{}

void RowLabels::applyDefaultAntialiasingHint(QCPPainter* painter) const
{
    painter->setAntialiasing(true);
}

QFont RowLabels::font() const
{
    QFont f = mParentPlot->font();
    f.setPointSizeF(f.pointSizeF() * 0.8);
    return f;
}

int RowLabels::maximumWidth() const
{
    const QFontMetrics fm(font());
    int w = 0;
    for (Track row : {Track::Statement, Track::LockDb, Track::LockWal, Track::LockRead, Track::LockMvcc})
        w = std::max(w, fm.horizontalAdvance(rowName(row)));
    return w;
}

void RowLabels::draw(QCPPainter* painter)
{
    const auto view =
        viewportOf(axisRect_->axis(QCPAxis::atBottom), axisRect_->axis(QCPAxis::atLeft), scene_.nowNs());
    const QRect area = axisRect_->rect();
    const QFont f = font();
    const QFontMetrics fm(f);
    const double rowPixels = LaneGeometry::kLockHeight * std::abs(view.value.pixelsPerUnit());
    if (rowPixels < fm.ascent() * 0.9) return; // too cramped to read: the lane names are enough
    painter->setFont(f);
    painter->setPen(scene_.colors.mutedText);
    const int right = area.left() - 6;
    for (std::size_t lane = 0; lane < scene_.geometry.laneCount(); ++lane) {
        for (Track row : scene_.geometry.rows()) {
            if (row == Track::Transaction) continue;
            const double y = view.value.toPixel(scene_.geometry.band(lane, row)->centre());
            if (y < area.top() || y > area.bottom()) continue;
            const QString name = rowName(row);
            painter->drawText(QPointF(right - fm.horizontalAdvance(name), y + fm.ascent() / 2.0 - 1), name);
        }
    }
}

} // namespace txs::timeline
