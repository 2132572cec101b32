#include "engine/trace/ChunkGeometry.h"

#include "engine/trace/StoredEvent.h"

#include <algorithm>
#include <bit>

namespace txs {

namespace {
// A chunk of 4 MiB fills two transparent huge pages (see ChunkMemory.h) and no more.
constexpr std::size_t kLargestBytes = std::size_t{4} << 20;
constexpr std::size_t kFirst = 64;
} // namespace

ChunkGeometry ChunkGeometry::forCap(std::size_t maxEvents)
{
    ChunkGeometry g;
    maxEvents = std::max<std::size_t>(maxEvents, 16);
    // At most an eighth of the cap per chunk, so dropping whole chunks keeps the memory near the cap.
    // Powers of two, so that position() shifts and masks instead of dividing (it runs on every
    // append and every read).
    g.largest = std::bit_floor(std::clamp<std::size_t>(maxEvents / 8, 2, kLargestBytes / sizeof(StoredEvent)));
    g.first = std::min(kFirst, g.largest);
    g.firstShift = static_cast<unsigned>(std::countr_zero(g.first));
    g.largestShift = static_cast<unsigned>(std::countr_zero(g.largest));
    g.doublings = g.largestShift - g.firstShift;
    // Why the ring is big enough: when a writer starts chunk c, the log first drops every event
    // older than the newest maxEvents. Chunks c-ring+1 .. c-1 are ring-1 chunks of which at most
    // `doublings` are small, so they hold at least (ring-1-doublings) * largest >= maxEvents +
    // 2 * largest newer events: chunk c-ring is entirely dropped and its slot free again.
    g.ringSize = g.doublings + (maxEvents + g.largest - 1) / g.largest + 4;
    return g;
}

std::size_t ChunkGeometry::chunkStart(std::size_t chunk) const
{
    if (chunk <= doublings) return first * ((std::size_t{1} << chunk) - 1);
    return first * ((std::size_t{1} << doublings) - 1) + (chunk - doublings) * largest;
}

std::size_t ChunkGeometry::chunkSize(std::size_t chunk) const
{
    return chunk < doublings ? first << chunk : largest;
}

} // namespace txs
