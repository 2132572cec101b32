#pragma once
// Docks that shrink gracefully on a small screen. A dock's least size is its content's least
// size; a form of word-wrapped labels (the Explanations panel's detail, the Dependencies panel,
// the result pane) asks for the height of all its text at the dock's narrowest, and in
// presentation mode at 1280 x 720 those least heights together made the window taller than the
// screen (status bar off-screen). In a frameless scroll area the content keeps its own least size
// and scrolls when the dock is shorter; the dock asks for little height. Its least width stays
// the content's (text cut at the side reads worse than a narrower timeline).
//
// Invariant: a dock whose content already scrolls (an item view, the editor: a
// QAbstractScrollArea) is left alone, so nothing scrolls twice; applying it again changes nothing.

class QDockWidget;

namespace txs {

void letDockShrink(QDockWidget& dock);

} // namespace txs
