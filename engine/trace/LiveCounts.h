#pragma once
// A run's counts kept as its log is written: the counting rule (CountingRule.h) applied to each
// event by the thread appending it, per connection. Reading the totals costs a pass over the
// connections, not over the log, so the end of a run no longer reads millions of events to count
// them, and the counts stay exact however many events the log's window drops.
//
// Thread-safety: apply() is called by TraceLog::append on the appending thread. Each
// connection's state is written by whichever thread appends that connection's events, which is
// one thread at a time (a connection is not used by two threads at once, and handing it over
// orders the threads), so it needs no lock; its settled counts are relaxed atomics, read by
// totals() on any thread. A reading during the run is a momentary sum (a count may land just
// after it); once the writers have stopped it is exact.

#include "engine/trace/CountingRule.h"
#include "engine/trace/EventFields.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace txs {

class LiveCounts
{
public:
    LiveCounts() = default;
    ~LiveCounts();
    LiveCounts(const LiveCounts&) = delete;
    LiveCounts& operator=(const LiveCounts&) = delete;

    // Inline, defined in LiveCountsApply.h (included by the log's append, its one caller).
    inline void apply(const EventFields& e);
    MetricsAt totals() const;

private:
    // Cache-line aligned: workers' connections have consecutive ids, so unaligned slots of two
    // connections appended to from two cores would share a line (false sharing on every event).
    struct alignas(64) Slot
    {
        ConnectionCounting rule; // written only by the thread appending this connection's events
        std::array<std::atomic<std::uint64_t>, kCountedKinds> settled{};
        std::atomic<std::int8_t> pending{-1}; // the Counted of rule.pending while hasPending, else -1
    };
    inline void applyCounted(Slot& slot, const EventFields& e); // `slot`: e's connection's
    Slot& slotOf(std::uint32_t connection)
    {
        const std::uint32_t p = connection >> kPageBits;
        if (p < kPages)
            if (Slot* page = pages_[p].load(std::memory_order_acquire))
                return page[connection & (kPageSize - 1)];
        return newSlot(connection);
    }
    Slot& newSlot(std::uint32_t connection); // its page is not made yet, or it is an overflow id

    // Connections 1 .. kPages * kPageSize - 1 (ids are handed out from 1 by each database) live in
    // pages made on first use, found without a lock; larger ids (a recording's) in `overflow_`.
    static constexpr std::uint32_t kPageBits = 8, kPageSize = 1u << kPageBits, kPages = 4096;
    std::array<std::atomic<Slot*>, kPages> pages_{};
    std::atomic<std::uint32_t> pagesUsed_{0}; // one past the highest page made
    mutable std::mutex overflowMutex_;
    std::unordered_map<std::uint32_t, std::unique_ptr<Slot>> overflow_;
};

} // namespace txs
