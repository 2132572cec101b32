#pragma once
// The timeline's colours, derived from the widget's palette so it reads on a light desktop, a
// dark one, and a projector. Outcome hues stay fixed in meaning (green committed, red doomed);
// their lightness follows the background so they keep contrast in both themes.

#include "widgets/timeline/TimelineTypes.h"

#include <QColor>
#include <QPalette>
#include <array>

namespace txs::timeline {

struct TimelineColors
{
    bool dark = false;
    QColor background; // plot area
    QColor zebra;      // every other lane, to tell lanes apart
    QColor separator;  // line between lanes
    QColor text;       // labels
    QColor mutedText;  // row labels, legend group titles
    QColor grid;       // time grid lines
    QColor cursor;     // the time cursor
    QColor selection;  // outline of the selected span or marker
    QColor link;       // aborted attempt -> retry
    QColor halo;       // background-coloured edge around the selection outline
    QColor markerOutline;
    std::array<QColor, kSpanStateCount> state;
    std::array<QColor, kMarkerKindCount> marker;

    const QColor& of(SpanState s) const { return state[static_cast<int>(s)]; }
    const QColor& of(MarkerKind k) const { return marker[static_cast<int>(k)]; }

    static TimelineColors fromPalette(const QPalette& palette);
};

} // namespace txs::timeline
