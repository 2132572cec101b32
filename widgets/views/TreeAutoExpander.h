#pragma once
// Opens a tree's upper levels as rows appear, while they are small: the Versions panel shows a
// classroom's few rows with their version chains at once, instead of one collapsed "accounts"
// that takes two clicks per key, and a run that writes a million keys stays a collapsed table.
//
// The rule, for a row at depth 1..maxDepth (depth 1: a top-level row) when it is inserted:
// - it is expanded if it has at most maxChildren children and its parent is open with at most
//   maxChildren children (the invisible root counts as open), by this rule or by the user;
// - a row this rule expanded is collapsed again once its children pass maxChildren, since
//   QTreeView lays out every shown row on each insert under an expanded parent (a table of a
//   million keys would cost each refresh a pass over them);
// - a row the user expands or collapses is the user's from then on: this rule never collapses it.
// Rows that are removed and come back (moving the instant back and forth) are new rows to it.
// The work per insert is bounded by the rows it opens, at most maxChildren at each of maxDepth
// levels (32 + 32 * 32 with the defaults), whatever the tree's size.

#include <QObject>
#include <QPersistentModelIndex>
#include <QSet>

class QTreeView;

namespace txs {

class TreeAutoExpander : public QObject
{
    Q_OBJECT

public:
    // Follows `view`'s model (set before this is made; a later setModel is not followed).
    explicit TreeAutoExpander(QTreeView* view, int maxDepth = 2, int maxChildren = 32);

private:
    void rowsInserted(const QModelIndex& parent, int first, int last);
    void modelReset();
    void userToggled(const QModelIndex& index);
    int depthOf(const QModelIndex& index) const; // 0 for the invisible root
    void setExpanded(const QModelIndex& index, bool expanded);
    // Expands `index` (at `depth`) and, below maxDepth, its small children in turn.
    void consider(const QModelIndex& index, int depth);

    QTreeView* const view_;
    const int maxDepth_;
    const int maxChildren_;
    bool acting_ = false; // the view's expanded/collapsed signals are this rule's own
    // Expanded by this rule and not touched by the user since. Removed rows leave invalid
    // entries, dropped when the set has grown (rowsInserted).
    QSet<QPersistentModelIndex> auto_;
    qsizetype sizeAfterLastSweep_ = 0;
};

} // namespace txs
