#pragma once
// The legend strip under the timeline: what each colour and shape means, grouped as
// Transactions, Statements, Locks and Markers. A layout element of the plot, so it is part of
// every PNG and PDF export.
//
// Compact on a narrow plot: the full legend (titles, whole phrases) when it fits on kMaxRows
// rows; else short titles and labels ("Tx:", "doomed", "waiting"), then the same in a smaller
// font (never below kSmallestScale of the plot's font: in presentation mode that is still the
// desktop's ordinary size). In presentation mode at 1280 px the full legend took five rows of the
// timeline's height.

#include "widgets/timeline/TimelineColors.h"

#include <qcustomplot.h>

namespace txs::timeline {

class TimelineLegend : public QCPLayoutElement
{
public:
    TimelineLegend(QCustomPlot* plot, const TimelineColors& colors);

    static constexpr int kMaxRows = 2;
    static constexpr double kSmallestScale = 0.7;

    QSize minimumOuterSizeHint() const override;
    QSize maximumOuterSizeHint() const override;
    // Height the legend needs at `width` pixels.
    int heightFor(int width) const;
    // Rows it takes at `width`, and whether it is compact there.
    int rowsFor(int width) const;
    bool compactAt(int width) const { return styleFor(width).compact; }
    // The whole legend in words, for a tooltip over a compact one.
    QString fullText() const;

protected:
    void draw(QCPPainter* painter) override;

private:
    struct Item
    {
        enum class Kind { Span, Marker, Link } kind;
        int code; // SpanState or MarkerKind
        QString label;
        QString shortLabel; // empty: the label is short already
        bool fullOnly = false; // left out of a compact legend (only last items of a group)
        const QString& text(bool compact) const { return compact && !shortLabel.isEmpty() ? shortLabel : label; }
    };
    struct Group
    {
        QString title;
        QString shortTitle;
        std::vector<Item> items;
    };
    struct Style
    {
        bool compact = false;
        double scale = 1.0; // of the plot's font
    };
    // What the flow places: a whole group, or, when the group is wider than the row, its title
    // with its first item and then each further item alone.
    struct Piece
    {
        std::size_t group = 0, first = 0, last = 0; // items [first, last)
        bool title = false;
        int width = 0, gap = 0; // gap: before it, when it follows another piece on its row
    };
    std::vector<Piece> pieces(const Style& style, int available) const;
    int rows(const Style& style, int available) const;
    Style styleFor(int width) const;
    QFont font(const Style& style, bool bold = false) const;
    int titleWidth(const Group& g, const Style& style) const;
    int itemWidth(const Item& item, const Style& style) const;
    int groupWidth(const Group& g, const Style& style) const;
    std::size_t shownItems(const Group& g, const Style& style) const;
    int rowHeight(const QFontMetrics& fm) const;
    int availableWidth() const;

    const TimelineColors& colors_;
    std::vector<Group> groups_;
};

} // namespace txs::timeline
