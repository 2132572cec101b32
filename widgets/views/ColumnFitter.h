#pragma once
// Keeps a table's columns as wide as their header label and their cells' text, so that no
// label or value is elided ("SQ…" for SQLITE_BUSY, "wait, t…" for "wait, then ran"): the table
// scrolls sideways instead. QHeaderView::ResizeToContents did not do it: it measured the
// columns while the table was still empty (the header alone) and did not measure again as rows
// came, and it measures only the rows in view.
//
// Widths grow as rows arrive or change, are scrolled into view or the view grows (only the rows in
// view are measured, the latest kMaxRows of them at most, so a live run or a move through time
// costs little; widths never shrink while scrolling) and are measured afresh on a reset and
// when the view's font changes (presentation mode). The `stretch` columns are not
// sized to their text: they share what room is left (QHeaderView::Stretch) and may elide a long
// text, whose whole is in its tooltip or beside the table (neededWidth() says what they need).
//
// A table nobody sees (its dock hidden, or a tab behind another) is not measured: rows that
// arrive meanwhile only mark the widths stale, and they are measured afresh when it is shown.
// A live run feeds every panel's model whether it shows or not, and measuring text is the
// costliest thing a row does to a view.

#include <QList>
#include <QObject>
#include <utility>
#include <vector>

class QTableView;
class QModelIndex;

namespace txs {

class ColumnFitter : public QObject
{
    Q_OBJECT

public:
    static constexpr int kMaxRows = 500;

    // Installs itself on `view` (its parent): the view's model now and any set later is not
    // followed; call it after setModel.
    ColumnFitter(QTableView* view, QList<int> stretch);

    // Measures the header and the rows in view again and applies the widths.
    void refit();
    // The width a column's header and values need (stretch columns are measured too, though
    // not sized); 0 for one out of range.
    int neededWidth(int column) const;

signals:
    // The widths were measured again (rows came, the font changed).
    void fitted();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void measureRows(int first, int last);
    void apply();
    // Rows came or changed (`last < first`: the whole model): measured now if the table
    // shows (those of them in view), else at the next show.
    void rowsChanged(int first, int last);
    // The rows in the viewport, first and last ({0, -1} when none).
    std::pair<int, int> rowsInView() const;
    // Measures the rows in view (after a scroll or a resize).
    void measureInView();

    QTableView* view_;
    QList<int> stretch_;
    std::vector<int> needed_;  // per column
    std::vector<int> padding_; // per column: the delegate's margins around a text, -1 not known yet
    bool refitQueued_ = false;
    bool staleWhileHidden_ = false; // rows changed while hidden: refit at the next show
};

} // namespace txs
