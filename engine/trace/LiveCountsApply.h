#pragma once
// LiveCounts::apply, inline in the trace log's append (its one caller, for every event it
// appends): out of line, the call and frame of applyCounted cost a good part of the rule's
// instructions (docs/performance.md, bench_runner_overhead).

#include "engine/trace/CountingRuleApply.h"
#include "engine/trace/LiveCounts.h"

namespace txs {

inline void LiveCounts::apply(const EventFields& e)
{
    if (e.connection != 0 && countingReads(e.kind)) applyCounted(e);
}

inline void LiveCounts::applyCounted(const EventFields& e)
{
    Slot& slot = slotOf(e.connection);
    // The pending error moves into the settled counts (or is dropped as a wait) before it is
    // replaced: it is counted settled first, so a reader in between sees it at most twice, never
    // not at all.
    applyCountingWith(slot.rule, e, [&slot](const Tally& t) {
        auto& n = slot.settled[static_cast<std::size_t>(t.what)];
        n.store(n.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    });
    slot.pending.store(slot.rule.hasPending ? static_cast<std::int8_t>(slot.rule.pending.what)
                                            : std::int8_t{-1},
                       std::memory_order_relaxed);
}

} // namespace txs
