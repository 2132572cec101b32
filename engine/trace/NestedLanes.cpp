#include "engine/trace/NestedLanes.h"

#include <algorithm>
#include <numeric>

namespace txs {

bool spanPrecedes(const LaneSpan& x, const LaneSpan& y)
{
    if (x.begin != y.begin) return x.begin < y.begin;
    if (x.end != y.end) return x.end > y.end;
    return x.order < y.order;
}

std::vector<int> assignNestedLanes(const std::vector<LaneSpan>& spans)
{
    std::vector<std::size_t> byStart(spans.size());
    std::iota(byStart.begin(), byStart.end(), std::size_t{0});
    std::stable_sort(byStart.begin(), byStart.end(),
                     [&](std::size_t x, std::size_t y) { return spanPrecedes(spans[x], spans[y]); });

    // Per lane, the ends of the spans still open at the current start, innermost last.
    std::vector<std::vector<std::int64_t>> openEnds;
    std::vector<int> lanes(spans.size(), 0);
    for (std::size_t index : byStart) {
        const LaneSpan& span = spans[index];
        std::size_t lane = 0;
        for (; lane < openEnds.size(); ++lane) {
            auto& open = openEnds[lane];
            // Spans that ended by now are closed for every later span too (they start no earlier).
            while (!open.empty() && open.back() <= span.begin)
                open.pop_back();
            if (open.empty() || open.back() >= span.end) break;
        }
        if (lane == openEnds.size()) openEnds.emplace_back();
        openEnds[lane].push_back(span.end);
        lanes[index] = static_cast<int>(lane);
    }
    return lanes;
}

} // namespace txs
