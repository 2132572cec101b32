#pragma once
// The spans of one track that fall in a pixel range, merged so that no run is narrower than a
// pixel: what the plottable fills and what a zoomed-out view can honestly show. Finding the
// first visible span is a binary search (spans of a track are sorted and never overlap), so the
// cost is proportional to what is visible, not to the length of the run.

#include "widgets/timeline/LinearMap.h"
#include "widgets/timeline/SpanBlocks.h"
#include "widgets/timeline/TimelineTypes.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace txs::timeline {

enum class MergePolicy {
    Majority,  // the state covering most time wins; an alarm state (doomed, error) is kept aside
    Strongest, // the highest state wins (lock levels: EXCLUSIVE shows even if brief)
};

struct PixelRun
{
    int x0 = 0, x1 = 0; // pixel columns [x0, x1), at least one wide
    SpanState state = SpanState::TxActive;
    bool hasAlarm = false; // a merged doomed/error span that lost the majority
    SpanState alarm = SpanState::TxDoomed;
    std::uint32_t count = 0; // spans merged into this run
    std::size_t first = 0;   // index of the first span of the run
};

// Index of the first span that ends at or after `timeNs` (open spans end at infinity).
std::size_t firstEndingAtOrAfter(const SpanList& spans, std::int64_t timeNs);

// Visits, left to right, the runs of `spans` that touch pixel columns [pxLo, pxHi) under
// `time` (ns -> px, increasing). Spans still open end at `nowNs`. A span narrower than a pixel
// merges into the current run of such spans when it starts in a column the run covers; runs
// never overlap, and are clipped to a couple of pixels outside the range so huge zoom factors
// cannot overflow.
//
// With `blocks` (the track's summaries, updated): while a run of sub-pixel spans is merging, a
// whole block of spans that would all merge into it without widening it is added at once (all
// its spans closed and under half a pixel, none starting at or after the range's end, none ending
// before its start, the last ending before the run's right edge). The runs visited are the same
// as without (weights are sums of whole nanoseconds, exact in a double), at a cost that follows
// the pixels: per column a few blocks and spans instead of every span in it.
template <class Visit>
void forEachRun(const SpanList& spans, const LinearMap& time, int pxLo, int pxHi, std::int64_t nowNs,
                MergePolicy policy, Visit&& visit, const SpanBlocks* blocks = nullptr);

// Same, collected (for tests and hit testing).
std::vector<PixelRun> visibleRuns(const SpanList& spans, const LinearMap& time, int pxLo, int pxHi,
                                  std::int64_t nowNs, MergePolicy policy, const SpanBlocks* blocks = nullptr);

// ---- implementation -----------------------------------------------------------------------

namespace detail {

// Accumulates the spans of one run: time covered per state, and which states occur at all.
struct RunBuilder
{
    PixelRun run;
    std::array<double, kSpanStateCount> weight{};
    std::array<bool, kSpanStateCount> seen{};
    bool active = false;
    bool mergeable = false; // the run is made of sub-pixel spans

    void start(const PixelRun& r, double w)
    {
        run = r;
        weight.fill(0);
        seen.fill(false);
        weight[static_cast<int>(r.state)] = w;
        seen[static_cast<int>(r.state)] = true;
        active = true;
    }
    void add(int x1, SpanState s, double w, MergePolicy policy)
    {
        run.x1 = x1 > run.x1 ? x1 : run.x1;
        ++run.count;
        weight[static_cast<int>(s)] += w;
        seen[static_cast<int>(s)] = true;
        if (policy == MergePolicy::Strongest && s > run.state) run.state = s;
    }
    // The spans of `k`, none widening the run (x1 stays).
    void addBlock(const SpanBlock& k, MergePolicy policy)
    {
        run.count += k.count;
        for (int i = 0; i < 4; ++i) {
            if (!(k.seen & (1u << i))) continue;
            weight[k.base + i] += static_cast<double>(k.weight[static_cast<std::size_t>(i)]);
            seen[k.base + i] = true;
        }
        const auto strongest = static_cast<SpanState>(k.strongest);
        if (policy == MergePolicy::Strongest && strongest > run.state) run.state = strongest;
    }
    PixelRun finish(MergePolicy policy)
    {
        active = false;
        if (policy == MergePolicy::Strongest || run.count == 1) return run;
        int best = static_cast<int>(run.state); // all zero-length: the first span's state
        for (int i = 0; i < kSpanStateCount; ++i)
            if (weight[i] > weight[best]) best = i;
        run.state = static_cast<SpanState>(best);
        for (int i = 0; i < kSpanStateCount; ++i) {
            if (i == best || !seen[i] || !isAlarm(static_cast<SpanState>(i))) continue;
            run.hasAlarm = true;
            run.alarm = static_cast<SpanState>(i);
        }
        return run;
    }
};

} // namespace detail

template <class Visit>
void forEachRun(const SpanList& spans, const LinearMap& time, int pxLo, int pxHi, std::int64_t nowNs,
                MergePolicy policy, Visit&& visit, const SpanBlocks* blocks)
{
    if (spans.empty() || pxHi <= pxLo) return;
    const double tLo = time.toValue(pxLo);
    const double tHi = time.toValue(pxHi);
    const double clipLo = pxLo - 2.0, clipHi = pxHi + 2.0;
    // One multiply-add per end instead of LinearMap's division; floor/ceil by integer conversion
    // (the values are clipped to a small range), since this loop runs once per visible span.
    const double scale = time.pixelsPerUnit(), offset = time.pxLo - time.lo * scale;
    const auto floorInt = [](double v) {
        const int i = static_cast<int>(v);
        return i - (v < i);
    };
    const auto ceilInt = [](double v) {
        const int i = static_cast<int>(v);
        return i + (v > i);
    };
    detail::RunBuilder b;
    const double tFirst = tLo < -9e18 ? -9e18 : (tLo > 9e18 ? 9e18 : tLo);
    const auto clip = [&](double p) { return p < clipLo ? clipLo : (p > clipHi ? clipHi : p); };
    // Whether every span of `k` merges into the run without widening it (see above). Half a pixel
    // leaves room for the rounding of `p1 - p0` below, as long as the pixel positions before
    // clipping stay small enough for a double to hold them to far better than that (< 1e12).
    const bool exactEnough = offset > -1e12 && offset < 1e12;
    const auto mergesWhole = [&](const SpanBlock& k) {
        return exactEnough && k.usable && static_cast<double>(k.maxDurNs) * scale < 0.5 &&
               static_cast<double>(k.maxEndNs) * scale < 1e12 && static_cast<double>(k.maxStartNs) < tHi &&
               static_cast<double>(k.minEndNs) >= tLo &&
               clip(static_cast<double>(k.maxEndNs) * scale + offset) < b.run.x1;
    };
    for (std::size_t i = firstEndingAtOrAfter(spans, static_cast<std::int64_t>(tFirst)); i < spans.size();
         ++i) {
        if (blocks && exactEnough && b.active && b.mergeable && b.run.x1 - b.run.x0 <= 2 &&
            i % SpanBlocks::size(0) == 0) {
            bool merged = false;
            for (int level = SpanBlocks::kLevels - 1; level >= 0 && !merged; --level) {
                if (i % SpanBlocks::size(level) != 0) continue;
                const SpanBlock* k = blocks->at(level, i);
                if (!k || !mergesWhole(*k)) continue;
                b.addBlock(*k, policy);
                i += SpanBlocks::size(level) - 1; // the loop's ++i steps past the block
                merged = true;
            }
            if (merged) continue;
        }
        const Span& s = spans[i];
        if (static_cast<double>(s.startNs) >= tHi) break; // starts in column pxHi or later
        const std::int64_t end = s.endOr(nowNs);
        if (static_cast<double>(end) < tLo) continue; // an open span that started after now
        double p0 = static_cast<double>(s.startNs) * scale + offset;
        double p1 = static_cast<double>(end) * scale + offset;
        p0 = p0 < clipLo ? clipLo : (p0 > clipHi ? clipHi : p0);
        p1 = p1 < clipLo ? clipLo : (p1 > clipHi ? clipHi : p1);
        const bool tiny = p1 - p0 < 1.0;
        int x0 = floorInt(p0);
        int x1 = ceilInt(p1);
        const double w = static_cast<double>(end - s.startNs);
        if (b.active) {
            // Only sub-pixel spans merge, and only into a run of sub-pixel spans at most a couple
            // of columns wide: a long span keeps its own colour, and an error stays where it happened.
            if (tiny && b.mergeable && x0 < b.run.x1 && b.run.x1 - b.run.x0 <= 2) {
                b.add(std::max(x1, x0 + 1), s.state, w, policy);
                continue;
            }
            const int previousEnd = b.run.x1;
            visit(b.finish(policy));
            x0 = std::max(x0, previousEnd); // a shared boundary column goes to the earlier run
        }
        x1 = std::max(x1, x0 + 1);
        b.start(PixelRun{x0, x1, s.state, false, SpanState::TxDoomed, 1, i}, w);
        b.mergeable = tiny;
    }
    if (b.active) visit(b.finish(policy));
}

} // namespace txs::timeline
