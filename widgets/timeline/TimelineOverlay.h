#pragma once
// The time cursor and the selection outline. Lives alone on a buffered layer, so dragging the
// cursor or selecting repaints only this layer and never redraws the spans underneath.

#include "widgets/timeline/TimelineScene.h"

#include <qcustomplot.h>

namespace txs::timeline {

class TimelineOverlay : public QCPLayerable
{
public:
    TimelineOverlay(QCPAxisRect* axisRect, const TimelineScene& scene, const QString& layer);

    // The rectangle drawn around a selected span, or the ring around a marker, in pixels.
    std::optional<QRectF> selectionRect() const;
    double cursorX() const;

protected:
    void applyDefaultAntialiasingHint(QCPPainter* painter) const override;
    void draw(QCPPainter* painter) override;
    QRect clipRect() const override;

private:
    QCPAxisRect* axisRect_;
    const TimelineScene& scene_;
};

} // namespace txs::timeline
