#include "widgets/timeline/SpanRuns.h"

#include <algorithm>

namespace txs::timeline {

std::size_t firstEndingAtOrAfter(const SpanList& spans, std::int64_t timeNs)
{
    // Spans of a track do not overlap, so their ends are sorted as their starts are.
    auto it = std::lower_bound(spans.begin(), spans.end(), timeNs,
                               [](const Span& s, std::int64_t t) { return s.endNs < t; });
    return static_cast<std::size_t>(it - spans.begin());
}

std::vector<PixelRun> visibleRuns(const SpanList& spans, const LinearMap& time, int pxLo, int pxHi,
                                  std::int64_t nowNs, MergePolicy policy, const SpanBlocks* blocks)
{
    std::vector<PixelRun> out;
    forEachRun(
        spans, time, pxLo, pxHi, nowNs, policy, [&](const PixelRun& r) { out.push_back(r); }, blocks);
    return out;
}

} // namespace txs::timeline
