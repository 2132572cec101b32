#pragma once
// What an item view says while its model is empty: "nothing here yet" and "nothing can appear
// here" look alike as a blank view, so the view names what the panel is for. Shared by
// HintedTableView and HintedTreeView (Qt's views have no common hook for it).

#include <QString>

class QAbstractItemView;

namespace txs {

// The view's model is empty (at its root) and there is a hint to show.
bool emptyHintShows(const QAbstractItemView& view, const QString& hint);
// Draws `hint` centred on the view's viewport, in the disabled text colour; call after the
// view's own paintEvent.
void paintEmptyHint(QAbstractItemView& view, const QString& hint);
// Draws `note` (what a windowed model leaves out) in a box along the bottom of the viewport, over
// the rows, elided to its width; nothing when empty.
void paintWindowNote(QAbstractItemView& view, const QString& note);

} // namespace txs
