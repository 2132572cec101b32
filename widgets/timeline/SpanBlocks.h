#pragma once
// Summaries of a track's spans in aligned blocks (8, 64 and 512 spans), so that a zoomed-out
// replot costs what is on the screen, not the spans behind it.
//
// Why: drawing the whole run visited every span (forEachRun, about 15 ns each); at 16 × 50,000
// transactions that is millions of spans per replot and replots of 30-50 ms on the window's
// thread, growing with the run. When a run of sub-pixel spans is being merged and a whole block
// lies inside the columns the run already covers, forEachRun adds the block's summary instead of
// its spans: the same pixels, since every span of such a block would have merged into the run
// without widening it (SpanRuns.h says why; tst_timeline_layout compares both ways).
//
// Invariants: a block is summarized only when all its spans are closed; a closed span's start,
// end and state never change afterwards (TimelineModel changes only open spans), so a summary
// stays true until the track is cleared. Blocks of level L cover spans [b * size(L), (b + 1) *
// size(L)). Memory: 64 bytes per 8 spans (a span is 80), plus an eighth of that per level above.

#include "widgets/timeline/TimelineTypes.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace txs::timeline {

struct SpanBlock
{
    std::int64_t minEndNs = 0, maxStartNs = 0, maxEndNs = 0;
    std::int64_t maxDurNs = 0;
    std::array<std::int64_t, 4> weight{}; // time in state base + i
    std::uint32_t count = 0;
    std::uint8_t base = 0;      // the states of the block are base .. base + 3
    std::uint8_t seen = 0;      // bit i: a span in state base + i
    std::uint8_t strongest = 0; // the highest state
    bool usable = true;         // false: states of more than one group of four (never merged whole)
};

class SpanBlocks
{
public:
    static constexpr int kLevels = 3;
    static constexpr std::size_t size(int level) { return std::size_t{8} << (3 * level); }

    // Summarizes the blocks of `spans` now complete and closed (nothing already summarized is read
    // again).
    void update(const SpanList& spans);
    // The block of `level` starting at span `first` (a multiple of size(level)), or null.
    const SpanBlock* at(int level, std::size_t first) const
    {
        const auto& v = levels_[static_cast<std::size_t>(level)];
        const std::size_t b = first / size(level);
        return b < v.size() ? &v[b] : nullptr;
    }
    void clear() { levels_ = {}; }

private:
    std::array<std::vector<SpanBlock>, kLevels> levels_;
};

} // namespace txs::timeline
