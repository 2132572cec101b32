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
    // What the flow places: a whole group, or, when the group is wider than the row, its title
    // with its first item and then each further item alone.
    struct Piece
    {
        std::size_t group = 0, first = 0, last = 0; // items [first, last)
        bool title = false;
        int width = 0, gap = 0; // gap: before it, when it follows another piece on its row
    };
    std::vector<Piece> pieces(const QFontMetrics& fm, int available) const;
    int titleWidth(const Group& g) const;
    int itemWidth(const Item& item, const QFontMetrics& fm) const;
    int groupWidth(const Group& g, const QFontMetrics& fm) const;
    int rowHeight(const QFontMetrics& fm) const;
    int availableWidth() const;

    const TimelineColors& colors_;
    std::vector<Group> groups_;
};

} // namespace txs::timeline
