#pragma once
// How wide the side docks and how tall the bottom docks start, for a window of a given size
// (device-independent pixels): plain arithmetic, tested without a screen.
//
// The timeline in the middle gets what is left, so the side docks take a share of the width
// (a quarter; a fifth in presentation mode, where the timeline comes first). Their caps grow with
// the window: a fixed 420 px script dock on a 3840 px window left the script unreadably narrow
// beside a timeline three thousand pixels wide. Invariant: script + locks never exceed half the
// width, and the bottom docks leave the timeline at least half the height.

#include <QSize>

struct DockSizes
{
    int script = 0; // the script (and result) dock's width, on the left
    int side = 0;   // the locks / version chains / database dock's width, on the right
    int bottom = 0; // the transactions / explanations docks' height

    static DockSizes forWindow(QSize window, bool presentation);
};
