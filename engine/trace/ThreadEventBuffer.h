#pragma once
// The events one thread appended to one TraceLog: a single-writer, many-reader, append-only
// array. The writer fills slot n, then publishes count n+1 with release; a reader that loads the
// count with acquire may read every slot below it, because a published slot is never written
// again. Chunks never move (chunk k holds kFirstChunk << k slots, so a handful of chunks cover
// any run), which lets readers index without a lock while the writer keeps growing the array.

#include "engine/trace/ChunkMemory.h"
#include "engine/trace/Event.h"

#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <utility>

namespace txs {

class ThreadEventBuffer
{
public:
    ThreadEventBuffer() = default;
    ThreadEventBuffer(const ThreadEventBuffer&) = delete;
    ThreadEventBuffer& operator=(const ThreadEventBuffer&) = delete;
    ~ThreadEventBuffer()
    {
        const std::size_t count = published_.load(std::memory_order_relaxed);
        for (std::size_t i = 0; i < count; ++i)
            std::destroy_at(&at(i));
        for (std::size_t chunk = 0; chunk < kMaxChunks; ++chunk)
            freeChunk(chunks_[chunk], chunkBytes(chunk));
    }

    // Writer only: makes room for the next event, so that a caller can take the event's sequence
    // number after any allocation (readers wait at a number taken but not yet published).
    void reserveNext()
    {
        const std::size_t chunk = position(published_.load(std::memory_order_relaxed)).chunk;
        // Raw storage, constructed slot by slot: a large chunk costs no up-front pass over its
        // memory, so the writer never stalls on one.
        if (!chunks_[chunk]) chunks_[chunk] = static_cast<Slot*>(allocateChunk(chunkBytes(chunk)));
    }

    // Writer only: stores the next event and makes it visible to readers. The chunk was allocated
    // before the release store, so a reader that sees the count sees the chunk and the event.
    void publish(Event&& event)
    {
        reserveNext();
        const std::size_t n = published_.load(std::memory_order_relaxed);
        const Position p = position(n);
        ::new (static_cast<void*>(chunks_[p.chunk][p.offset].bytes)) Event(std::move(event));
        // A plain store, not an RMW: only this thread writes the count.
        published_.store(n + 1, std::memory_order_release);
    }

    // Any thread: slots [0, publishedCount()) may be read with at().
    std::size_t publishedCount() const { return published_.load(std::memory_order_acquire); }

    const Event& at(std::size_t i) const
    {
        const Position p = position(i);
        return *std::launder(reinterpret_cast<const Event*>(chunks_[p.chunk][p.offset].bytes));
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

    struct Slot
    {
        alignas(Event) std::byte bytes[sizeof(Event)];
    };

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

    Event& at(std::size_t i) { return const_cast<Event&>(std::as_const(*this).at(i)); }

    std::atomic<std::size_t> published_{0};
    static std::size_t chunkBytes(std::size_t chunk) { return (kFirstChunk << chunk) * sizeof(Slot); }

    std::array<Slot*, kMaxChunks> chunks_{};
};

} // namespace txs
