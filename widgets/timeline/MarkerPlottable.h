#pragma once
// The light layer over the spans: point markers (BUSY, conflict, busy handler, lock wait,
// retry) and links from aborted attempts to their retries, for the visible time range only.
// Markers of one kind closer than a third of a glyph are drawn once; where glyphs would cover
// most of a lane, markers become thin ticks instead.

#include "widgets/timeline/HitTest.h"
#include "widgets/timeline/TimelineScene.h"

#include <array>
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
    void drawTicks(QCPPainter* painter, const Lane& lane, std::size_t laneIndex, std::size_t first,
                   std::size_t last, const Viewport& view);

    // Pre-rendered glyphs for one size and resolution; rebuilt when either or the colours change.
    struct GlyphCache
    {
        double size = 0;
        qreal devicePixelRatio = 0;
        QRgb fingerprint = 0; // of the colours they were drawn in
        std::array<QPixmap, kMarkerKindCount> pixmaps;
        const QPixmap& get(MarkerKind kind, double size, qreal dpr, const TimelineColors& colors);
    };

    const TimelineScene& scene_;
    GlyphCache txGlyphs_, statementGlyphs_;
};

} // namespace txs::timeline
