#pragma once
// Where the main window goes on the screen it opens on: plain arithmetic on rectangles (device-
// independent pixels), so it is tested without a screen.
//
// Invariant of every result: the rectangle lies inside the screen's available area (the desktop
// minus panels and docks), so the bottom panels and the status bar are never off-screen, whatever
// the resolution or scale factor.

#include <QRect>
#include <QSize>

struct WindowGeometry
{
    // The size the workbench is designed for; smaller screens get less, never more.
    static constexpr QSize kPreferred{1600, 1000};
    // Below this the panels stop being usable; a smaller screen still gets at most its own size.
    static constexpr QSize kMinimum{800, 520};
    // Room left around a fitted window on a screen smaller than kPreferred (window frame,
    // title bar), as a fraction of the available size.
    static constexpr double kMargin = 0.04;

    // First start (nothing saved): kPreferred, shrunk to fit `available`, centred on it.
    static QRect initial(const QRect& available, QSize preferred = kPreferred);
    // A saved geometry from another session (maybe another, larger screen or scale): kept where
    // it is when it fits; otherwise shrunk to fit and moved onto `available`.
    static QRect fitted(const QRect& saved, const QRect& available);
};
