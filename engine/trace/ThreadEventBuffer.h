#pragma once
// The events one thread appended to one TraceLog: a single-writer, many-reader, append-only
// array. The writer fills slot n, then publishes count n+1 with release; a reader that loads the
// count with acquire may read every slot below it, because a published slot is never written
// again. Chunks never move (chunk k holds kFirstChunk << k slots, so a handful of chunks cover
// any run), which lets readers index without a lock while the writer keeps growing the array.

#include "engine/trace/Event.h"

#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdlib>
#include <memory>

namespace txs {

class ThreadEventBuffer
{
public:
    // Writer only: the slot the next append goes to, allocated here so that the caller can take
    // its sequence number after any allocation (readers wait at an unpublished number).
    Event& nextSlot()
    {
        const Position p = position(published_.load(std::memory_order_relaxed));
        // Allocated before the release in publishNext, so readers that see the slot see the chunk.
        if (!chunks_[p.chunk]) chunks_[p.chunk] = std::make_unique<Event[]>(kFirstChunk << p.chunk);
        return chunks_[p.chunk][p.offset];
    }

    // Writer only: makes the slot returned by nextSlot() visible to readers.
    // A plain store, not an RMW: only this thread writes the count.
    void publishNext()
    {
        published_.store(published_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }

    // Any thread: slots [0, publishedCount()) may be read with at().
    std::size_t publishedCount() const { return published_.load(std::memory_order_acquire); }

    const Event& at(std::size_t i) const
    {
        const Position p = position(i);
        return chunks_[p.chunk][p.offset];
    }

    // First slot in [0, count) whose seq is >= seq (count if none); seqs grow along the buffer
    // because one thread takes them in order.
    std::size_t lowerBound(std::uint64_t seq, std::size_t count) const
    {
        std::size_t lo = 0, hi = count;
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (at(mid).seq < seq)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

private:
    static constexpr std::size_t kFirstChunk = 256;
    static constexpr std::size_t kMaxChunks = 48; // 256 * (2^48 - 1) slots: never reached

    struct Position
    {
        std::size_t chunk;
        std::size_t offset;
    };

    static Position position(std::size_t i)
    {
        // Chunks 0..k-1 hold kFirstChunk * (2^k - 1) slots.
        const std::size_t chunk = std::bit_width(i / kFirstChunk + 1) - 1;
        if (chunk >= kMaxChunks) std::abort();
        return {chunk, i - kFirstChunk * ((std::size_t{1} << chunk) - 1)};
    }

    std::atomic<std::size_t> published_{0};
    std::array<std::unique_ptr<Event[]>, kMaxChunks> chunks_;
};

} // namespace txs
