#pragma once
// Trace viewers draw a track's spans as a stack, so two spans on one track must either nest or
// not overlap at all; a span that overlaps another partially is dropped or drawn inside the wrong
// parent. Lock holds on different resources can overlap that way, so they are spread over lanes.

#include <cstdint>
#include <vector>

namespace txs {

struct LaneSpan
{
    std::int64_t begin = 0;
    std::int64_t end = 0;    // >= begin
    std::uint64_t order = 0; // tie-break for equal spans: smaller goes first (becomes the parent)
};

// The order viewers and lanes both use: earlier first; at equal begin, longer first (the parent).
bool spanPrecedes(const LaneSpan& x, const LaneSpan& y);

// A lane for each span (0 first, as few extra lanes as the greedy pass needs) such that the spans
// in a lane, ordered by spanPrecedes, nest or are disjoint. Touching ends count as disjoint.
std::vector<int> assignNestedLanes(const std::vector<LaneSpan>& spans);

} // namespace txs
