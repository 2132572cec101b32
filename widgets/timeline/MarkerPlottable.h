#pragma once
// The light layer over the spans: point markers (BUSY, conflict, busy handler, lock wait,
// retry) and links from aborted attempts to their retries, for the visible time range only.
// Markers of one kind that fall on the same pixel column are drawn once.

#include "widgets/timeline/TimelineScene.h"

#include <qcustomplot.h>

namespace txs::timeline {

class MarkerPlottable : public QCPAbstractPlottable
{
public:
    MarkerPlottable(QCPAxis* keyAxis, QCPAxis* valueAxis, const TimelineScene& scene);

    double selectTest(const QPointF& pos, bool onlySelectable, QVariant* details = nullptr) const override;
    QCPRange getKeyRange(bool& foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth) const override;
    QCPRange getValueRange(bool& foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth,
                           const QCPRange& inKeyRange = QCPRange()) const override;

    // The glyph size for a row this many pixels high.
    static double glyphSize(double rowPixels);

protected:
    void draw(QCPPainter* painter) override;
    void drawLegendIcon(QCPPainter* painter, const QRectF& rect) const override;

private:
    const TimelineScene& scene_;
};

} // namespace txs::timeline
