#pragma once
// How a ThreadEventBuffer's slot numbers map onto chunks. Chunks double in size from `first`
// events (a thread that logs a handful of events costs a few KiB) up to `largest`, and every
// later chunk holds `largest` events. Fixed-size chunks are what lets the trace log drop its
// oldest events a chunk at a time and stay within its cap however long a run lasts.
//
// Chunk numbers grow without bound in a long run, but only a few chunks are alive at once, so
// a buffer keeps them in a ring of `ringSize` slots: chunk k lives in slot k % ringSize.

#include <bit>
#include <cstddef>

namespace txs {

struct ChunkGeometry
{
    // Geometry for a log that keeps at least `maxEvents` of its most recent events.
    static ChunkGeometry forCap(std::size_t maxEvents);

    // first and largest are powers of two: largest == first << doublings.
    std::size_t first = 0;     // events in chunk 0
    std::size_t largest = 0;   // events in every chunk from `doublings` on
    std::size_t doublings = 0; // chunks 0..doublings-1 hold first << k events (all < largest)
    std::size_t ringSize = 0;  // more chunks than one buffer ever holds at once (see forCap)
    unsigned firstShift = 0;   // first == 1 << firstShift
    unsigned largestShift = 0; // largest == 1 << largestShift

    struct Position
    {
        std::size_t chunk;
        std::size_t offset;
    };
    // Inline: it runs on every append and every read of an event.
    Position position(std::size_t slot) const
    {
        // Chunks 0..k-1 hold first * (2^k - 1) slots, so the small ones hold largest - first.
        const std::size_t small = largest - first;
        if (slot < small) {
            const std::size_t chunk = std::bit_width((slot >> firstShift) + 1) - 1;
            return {chunk, slot - ((first << chunk) - first)};
        }
        const std::size_t rest = slot - small;
        return {doublings + (rest >> largestShift), rest & (largest - 1)};
    }
    std::size_t chunkStart(std::size_t chunk) const; // first slot of `chunk`
    std::size_t chunkSize(std::size_t chunk) const;  // events in `chunk`
};

} // namespace txs
