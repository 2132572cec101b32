#pragma once
// Lays legend groups out left to right, wrapping to a new row when the next group would not
// fit: a group (its title and swatches) does not split while it fits on a row, so
// "Locks: SHARED … EXCLUSIVE" reads as one phrase; one wider than the row (large presentation
// fonts on a narrow timeline) is split between its swatches rather than clipped (the caller
// passes its pieces). Plain math, tested without a screen.

#include <vector>

namespace txs::timeline {

struct FlowPlacement
{
    int row = 0;
    int x = 0;
};

struct Flow
{
    std::vector<FlowPlacement> placements; // one per item
    int rows = 0;
};

// `widths` of the items in order; `available` width; `spacing` between items on a row.
// An item wider than the space gets a row of its own.
Flow flowLayout(const std::vector<int>& widths, int available, int spacing);
// The same with a gap of its own before each item (`gaps[i]` when item i follows another on
// its row; ignored at the start of a row): pieces of one phrase sit closer than two phrases.
Flow flowLayout(const std::vector<int>& widths, int available, const std::vector<int>& gaps);

} // namespace txs::timeline
