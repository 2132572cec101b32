#include "widgets/timeline/SpanBlocks.h"

#include <algorithm>

namespace txs::timeline {

namespace {

std::uint8_t groupOf(std::uint8_t state)
{
    return static_cast<std::uint8_t>(state / 4 * 4);
}

// `into` takes `k` in (the spans of k follow those of into).
void combine(SpanBlock& into, const SpanBlock& k, bool first)
{
    if (first) {
        into = k;
        return;
    }
    into.minEndNs = std::min(into.minEndNs, k.minEndNs);
    into.maxStartNs = std::max(into.maxStartNs, k.maxStartNs);
    into.maxEndNs = std::max(into.maxEndNs, k.maxEndNs);
    into.maxDurNs = std::max(into.maxDurNs, k.maxDurNs);
    into.count += k.count;
    into.strongest = std::max(into.strongest, k.strongest);
    if (!k.usable || k.base != into.base) into.usable = false;
    if (!into.usable) return;
    for (std::size_t i = 0; i < 4; ++i)
        into.weight[i] += k.weight[i];
    into.seen |= k.seen;
}

} // namespace

void SpanBlocks::update(const SpanList& spans)
{
    auto& leaves = levels_[0];
    const std::size_t n = size(0);
    while ((leaves.size() + 1) * n <= spans.size()) {
        const std::size_t from = leaves.size() * n;
        SpanBlock k;
        bool closed = true;
        for (std::size_t i = from; i < from + n; ++i) {
            const Span& s = spans[i];
            if (s.open()) {
                closed = false;
                break;
            }
            const auto state = static_cast<std::uint8_t>(s.state);
            const std::int64_t dur = s.endNs - s.startNs;
            if (i == from) {
                k.minEndNs = k.maxEndNs = s.endNs;
                k.maxStartNs = s.startNs;
                k.maxDurNs = dur;
                k.base = groupOf(state);
            }
            k.minEndNs = std::min(k.minEndNs, s.endNs);
            k.maxStartNs = std::max(k.maxStartNs, s.startNs);
            k.maxEndNs = std::max(k.maxEndNs, s.endNs);
            k.maxDurNs = std::max(k.maxDurNs, dur);
            k.strongest = std::max(k.strongest, state);
            ++k.count;
            if (groupOf(state) != k.base) k.usable = false;
            if (!k.usable) continue;
            k.weight[state - k.base] += dur;
            k.seen |= static_cast<std::uint8_t>(1u << (state - k.base));
        }
        if (!closed) break; // an open span: wait until it closes
        leaves.push_back(k);
    }
    for (std::size_t level = 1; level < levels_.size(); ++level) {
        const auto& below = levels_[level - 1];
        auto& above = levels_[level];
        while ((above.size() + 1) * 8 <= below.size()) {
            SpanBlock k;
            for (std::size_t i = 0; i < 8; ++i)
                combine(k, below[above.size() * 8 + i], i == 0);
            above.push_back(k);
        }
    }
}

} // namespace txs::timeline
