#include "engine/trace/ChunkPool.h"

#include "engine/trace/ChunkMemory.h"

namespace txs {

ChunkPool::ChunkPool(std::size_t chunkBytes, std::size_t capacity) : chunkBytes_(chunkBytes), capacity_(capacity)
{
    free_.reserve(capacity);
}

ChunkPool::~ChunkPool()
{
    for (void* chunk : free_)
        freeChunk(chunk, chunkBytes_);
}

void* ChunkPool::take(std::size_t bytes)
{
    if (bytes == chunkBytes_) {
        std::lock_guard lock(mutex_);
        if (!free_.empty()) {
            void* chunk = free_.back();
            free_.pop_back();
            ++reused_;
            return chunk;
        }
    }
    return allocateChunk(bytes);
}

void ChunkPool::give(void* chunk, std::size_t bytes)
{
    if (!chunk) return;
    if (bytes == chunkBytes_) {
        std::lock_guard lock(mutex_);
        if (free_.size() < capacity_) {
            free_.push_back(chunk);
            return;
        }
    }
    freeChunk(chunk, bytes);
}

std::size_t ChunkPool::reused() const
{
    std::lock_guard lock(mutex_);
    return reused_;
}

} // namespace txs
