#pragma once
// Lays legend groups out left to right, wrapping to a new row when the next group would not
// fit: a group (its title and swatches) never splits, so "Locks: SHARED … EXCLUSIVE" reads
// as one phrase. Plain math, tested without a screen.

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

} // namespace txs::timeline
