#pragma once
// The shapes of the point markers, shared by the plot and its legend so they always match.
// Each kind has its own shape as well as its own colour (colour-blind viewers, grey-scale
// printouts): BUSY a diamond, conflict a downward triangle, busy handler a ring, lock wait a
// tick, retry a forward triangle.

#include "widgets/timeline/TimelineColors.h"

#include <QPixmap>
#include <QPointF>

class QPainter;

namespace txs::timeline {

// Draws `kind` centred on `centre`, `size` pixels across, with a halo in the background colour.
void drawMarkerGlyph(QPainter* painter, MarkerKind kind, QPointF centre, double size,
                     const TimelineColors& colors);

// The same glyph rendered once into a transparent pixmap for `devicePixelRatio`, centred, with a
// margin of glyphMargin() pixels: blitting it is far cheaper than rasterising the antialiased
// shape again for each of thousands of markers.
QPixmap renderMarkerGlyph(MarkerKind kind, double size, qreal devicePixelRatio, const TimelineColors& colors);
inline constexpr double glyphMargin()
{
    return 3.0;
}

// The retry link: a dashed arc from the end of the aborted attempt to its retry, with an arrow.
void drawRetryLink(QPainter* painter, QPointF from, QPointF to, double rise, const TimelineColors& colors);

} // namespace txs::timeline
