#pragma once
// The legend strip under the timeline: what each colour and shape means, grouped as
// Transactions, Statements, Locks and Markers. A layout element of the plot, so it is part of
// every PNG and PDF export.

#include "widgets/timeline/TimelineColors.h"

#include <qcustomplot.h>

namespace txs::timeline {

class TimelineLegend : public QCPLayoutElement
{
public:
    TimelineLegend(QCustomPlot* plot, const TimelineColors& colors);

    QSize minimumOuterSizeHint() const override;
    QSize maximumOuterSizeHint() const override;
    // Height the legend needs at `width` pixels.
    int heightFor(int width) const;

protected:
    void draw(QCPPainter* painter) override;

private:
    struct Item
    {
        enum class Kind { Span, Marker, Link } kind;
        int code; // SpanState or MarkerKind
        QString label;
    };
    struct Group
    {
        QString title;
        std::vector<Item> items;
    };
    int groupWidth(const Group& g, const QFontMetrics& fm) const;
    int rowHeight(const QFontMetrics& fm) const;
    int availableWidth() const;

    const TimelineColors& colors_;
    std::vector<Group> groups_;
};

} // namespace txs::timeline
