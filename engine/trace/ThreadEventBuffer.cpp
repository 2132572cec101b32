#include "engine/trace/ThreadEventBuffer.h"

#include "engine/trace/ChunkMemory.h"
#include "engine/trace/ChunkPool.h"
#include "engine/trace/TraceLogLimits.h"

namespace txs {

static_assert(alignof(Event) <= alignof(std::max_align_t), "chunks are max_align_t-aligned");

ChunkGeometry defaultChunkGeometry()
{
    return ChunkGeometry::forCap(TraceLogLimits().maxEvents);
}

ThreadEventBuffer::ThreadEventBuffer(const ChunkGeometry& geometry, ChunkPool* pool)
    : geometry_(geometry), pool_(pool), ring_(std::make_unique<std::atomic<std::byte*>[]>(geometry.ringSize))
{
    for (std::size_t i = 0; i < geometry_.ringSize; ++i)
        ring_[i].store(nullptr, std::memory_order_relaxed);
}

ThreadEventBuffer::~ThreadEventBuffer()
{
    const std::size_t count = published_.load(std::memory_order_acquire);
    for (std::size_t chunk = firstLiveChunk_; chunk < allocated_; ++chunk)
        destroyChunk(chunk, count);
}

void ThreadEventBuffer::reserveNext()
{
    const std::size_t chunk = geometry_.position(nextSlot()).chunk;
    if (chunk < allocated_) return;
    std::atomic<std::byte*>& slot = ring_[chunk % geometry_.ringSize];
    // The log dropped the slot's previous chunk before this call (see ChunkGeometry::forCap);
    // overwriting a live chunk would hand readers another chunk's events.
    if (slot.load(std::memory_order_acquire) != nullptr) std::abort();
    // Raw storage, constructed slot by slot: a large chunk costs no up-front pass over its
    // memory, so the writer never stalls on one.
    const std::size_t bytes = chunkBytes(chunk);
    slot.store(static_cast<std::byte*>(pool_ ? pool_->take(bytes) : allocateChunk(bytes)), std::memory_order_relaxed);
    allocated_ = chunk + 1;
}

std::size_t ThreadEventBuffer::lowerBound(std::uint64_t seq, std::size_t count) const
{
    std::size_t lo = std::min(firstLive(), count), hi = count;
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (at(mid).seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

std::size_t ThreadEventBuffer::dropChunksBelow(std::uint64_t floor)
{
    const std::size_t count = published_.load(std::memory_order_acquire);
    std::size_t dropped = 0;
    while (true) {
        const std::size_t end = geometry_.chunkStart(firstLiveChunk_ + 1);
        // Only a filled chunk: the writer is done with it and will not touch it again.
        if (end > count || at(end - 1).seq >= floor) break;
        destroyChunk(firstLiveChunk_, count);
        dropped += geometry_.chunkSize(firstLiveChunk_);
        ++firstLiveChunk_;
    }
    return dropped;
}

void ThreadEventBuffer::destroyChunk(std::size_t chunk, std::size_t endSlot)
{
    const std::size_t begin = geometry_.chunkStart(chunk);
    const std::size_t end = std::min(begin + geometry_.chunkSize(chunk), endSlot);
    for (std::size_t i = begin; i < end; ++i)
        std::destroy_at(std::launder(reinterpret_cast<Event*>(slotAt(geometry_.position(i)))));
    std::atomic<std::byte*>& slot = ring_[chunk % geometry_.ringSize];
    std::byte* memory = slot.load(std::memory_order_relaxed);
    if (pool_)
        pool_->give(memory, chunkBytes(chunk));
    else
        freeChunk(memory, chunkBytes(chunk));
    slot.store(nullptr, std::memory_order_release);
}

} // namespace txs
