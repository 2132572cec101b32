#include "engine/trace/ThreadEventBuffer.h"

#include "engine/trace/ChunkMemory.h"
#include "engine/trace/ChunkPool.h"
#include "engine/trace/TraceLogLimits.h"

#include <type_traits>

namespace txs {

static_assert(alignof(StoredEvent) <= alignof(std::max_align_t), "chunks are max_align_t-aligned");
static_assert(std::is_trivially_destructible_v<StoredEvent>,
              "a chunk is freed without a pass over its events");

ChunkGeometry defaultChunkGeometry()
{
    return ChunkGeometry::forCap(TraceLogLimits().maxEvents);
}

ThreadEventBuffer::ThreadEventBuffer(const ChunkGeometry& geometry, ChunkPool* pool,
                                     std::atomic<std::size_t>* reusedChunks)
    : geometry_(geometry), pool_(pool), reusedChunks_(reusedChunks),
      ring_(std::make_unique<std::atomic<std::byte*>[]>(geometry.ringSize)),
      texts_(std::make_unique<std::unique_ptr<ChunkTexts>[]>(geometry.ringSize))
{
    for (std::size_t i = 0; i < geometry_.ringSize; ++i)
        ring_[i].store(nullptr, std::memory_order_relaxed);
}

ThreadEventBuffer::~ThreadEventBuffer()
{
    for (std::size_t chunk = firstLiveChunk_; chunk < allocated_; ++chunk)
        destroyChunk(chunk);
}

void ThreadEventBuffer::startChunk()
{
    const std::size_t chunk = geometry_.position(writeNext_).chunk;
    std::atomic<std::byte*>& slot = ring_[chunk % geometry_.ringSize];
    // The log dropped the slot's previous chunk before this call (see ChunkGeometry::forCap);
    // overwriting a live chunk would hand readers another chunk's events.
    if (slot.load(std::memory_order_acquire) != nullptr) std::abort();
    // Raw storage, constructed slot by slot: a large chunk costs no up-front pass over its
    // memory, so the writer never stalls on one.
    const std::size_t bytes = chunkBytes(chunk);
    texts_[chunk % geometry_.ringSize] = std::make_unique<ChunkTexts>(geometry_.chunkSize(chunk));
    bool reused = false;
    auto* memory = static_cast<std::byte*>(pool_ ? pool_->take(bytes, &reused) : allocateChunk(bytes));
    if (reused && reusedChunks_) reusedChunks_->fetch_add(1, std::memory_order_relaxed);
    slot.store(memory, std::memory_order_relaxed);
    allocated_ = chunk + 1;
    const std::size_t start = geometry_.chunkStart(chunk);
    writeEnd_ = start + geometry_.chunkSize(chunk);
    writeSlot_ = memory + (writeNext_ - start) * sizeof(StoredEvent);
    writeTexts_ = texts_[chunk % geometry_.ringSize].get();
}

std::size_t ThreadEventBuffer::lowerBound(std::uint64_t seq, std::size_t count) const
{
    std::size_t lo = std::min(firstLive(), count), hi = count;
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (seqAt(mid) < seq)
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
        if (end > count || seqAt(end - 1) >= floor) break;
        destroyChunk(firstLiveChunk_);
        dropped += geometry_.chunkSize(firstLiveChunk_);
        ++firstLiveChunk_;
    }
    return dropped;
}

void ThreadEventBuffer::destroyChunk(std::size_t chunk)
{
    // StoredEvents are trivially destructible: only the chunk's texts and its memory go.
    texts_[chunk % geometry_.ringSize].reset();
    std::atomic<std::byte*>& slot = ring_[chunk % geometry_.ringSize];
    std::byte* memory = slot.load(std::memory_order_relaxed);
    if (pool_)
        pool_->give(memory, chunkBytes(chunk));
    else
        freeChunk(memory, chunkBytes(chunk));
    slot.store(nullptr, std::memory_order_release);
}

} // namespace txs
