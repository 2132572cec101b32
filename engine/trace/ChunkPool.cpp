#include "engine/trace/ChunkPool.h"

#include "engine/trace/ChunkMemory.h"

namespace txs {

ChunkPool::ChunkPool(std::size_t capacityBytes) : capacity_(capacityBytes) {}

ChunkPool::~ChunkPool()
{
    release();
}

ChunkPool& ChunkPool::process()
{
    static ChunkPool* const pool = new ChunkPool(kProcessCapacityBytes); // never destroyed: see the header
    return *pool;
}

void* ChunkPool::take(std::size_t bytes, bool* reused)
{
    if (reused) *reused = false;
    {
        std::lock_guard lock(mutex_);
        const auto it = free_.find(bytes);
        if (it != free_.end() && !it->second.empty()) {
            void* chunk = it->second.back();
            it->second.pop_back();
            held_ -= bytes;
            ++reused_;
            if (reused) *reused = true;
            return chunk;
        }
    }
    return allocateChunk(bytes);
}

void ChunkPool::give(void* chunk, std::size_t bytes)
{
    if (!chunk) return;
    {
        std::lock_guard lock(mutex_);
        if (held_ + bytes <= capacity_) {
            free_[bytes].push_back(chunk);
            held_ += bytes;
            return;
        }
    }
    freeChunk(chunk, bytes);
}

void ChunkPool::release()
{
    std::map<std::size_t, std::vector<void*>> chunks;
    {
        std::lock_guard lock(mutex_);
        chunks.swap(free_);
        held_ = 0;
    }
    for (const auto& [bytes, list] : chunks)
        for (void* chunk : list)
            freeChunk(chunk, bytes);
}

std::size_t ChunkPool::reused() const
{
    std::lock_guard lock(mutex_);
    return reused_;
}

std::size_t ChunkPool::heldBytes() const
{
    std::lock_guard lock(mutex_);
    return held_;
}

} // namespace txs
