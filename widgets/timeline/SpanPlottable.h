#pragma once
// Draws the spans of every lane for the visible time range only: per lane and track a binary
// search to the first visible span, spans narrower than a pixel merged (SpanRuns), each run one
// QPainter::fillRect without antialiasing. 100k spans replot in a few milliseconds, where
// QCPBars or one QCPItemRect per span take 50-165 ms (bench/gui/bench_timeline.cpp).

#include "widgets/timeline/HitTest.h"
#include "widgets/timeline/RectBatcher.h"
#include "widgets/timeline/TimelineScene.h"

#include <qcustomplot.h>

namespace txs::timeline {

class SpanPlottable : public QCPAbstractPlottable
{
public:
    SpanPlottable(QCPAxis* keyAxis, QCPAxis* valueAxis, const TimelineScene& scene);

    double selectTest(const QPointF& pos, bool onlySelectable, QVariant* details = nullptr) const override;
    QCPRange getKeyRange(bool& foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth) const override;
    QCPRange getValueRange(bool& foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth,
                           const QCPRange& inKeyRange = QCPRange()) const override;

protected:
    void draw(QCPPainter* painter) override;
    void drawLegendIcon(QCPPainter* painter, const QRectF& rect) const override;

private:
    void drawTrack(QCPPainter* painter, const SpanList& spans, SpanBlocks& blocks, Track track, int y0,
                   int y1, int pxLo, int pxHi, const Viewport& view);

    const TimelineScene& scene_;
    RectBatcher::Deferred alarms_; // reused between tracks and replots
};

} // namespace txs::timeline
