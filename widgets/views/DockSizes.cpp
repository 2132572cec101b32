#include "widgets/views/DockSizes.h"

#include <algorithm>

DockSizes DockSizes::forWindow(QSize window, bool presentation)
{
    const int width = std::max(0, window.width());
    const int height = std::max(0, window.height());
    const int share = presentation ? width / 5 : width / 4;
    // Fixed floors keep a small window's docks usable; caps grow with large windows (a fifth of the
    // width), never below what a 1600 px window gets.
    const int cap = std::max(420, width / 5);
    DockSizes s;
    s.script = std::clamp(share, 220, cap);
    s.side = std::clamp(share, 220, std::max(440, width / 5));
    // Presentation: the explanations larger than usual, not so large that the result pane above
    // them (a tab beside the script) loses its Fix at 720 px.
    const int bottomShare = height * (presentation ? 31 : 26) / 100;
    s.bottom = std::clamp(bottomShare, 160, std::max(460, height * 3 / 10));
    // On a window too small for the floors, the timeline still keeps half of each direction.
    s.script = std::min(s.script, width / 4);
    s.side = std::min(s.side, width / 4);
    s.bottom = std::min(s.bottom, height / 2);
    return s;
}
