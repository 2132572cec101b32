#pragma once
// Chunks of the trace log's largest size that its window dropped, kept for the next chunk a
// writer starts. Memory fresh from the kernel is zeroed on first touch (clear_page_erms was the
// largest single cost of a traced run: docs/performance.md), so once a long run's window is
// full, reusing what it dropped spares that for every later chunk.
//
// Bounded: at most `capacity` chunks wait here; more are freed. Thread-safe: writers take from
// it while the log, under its reclaim lock, gives back. A chunk given back is no longer read by
// anyone (the log dropped it under its exclusive reclaim lock), and the pool's mutex orders the
// dropper's last use before the next writer's first.

#include <cstddef>
#include <mutex>
#include <vector>

namespace txs {

class ChunkPool
{
public:
    ChunkPool(std::size_t chunkBytes, std::size_t capacity);
    ~ChunkPool();
    ChunkPool(const ChunkPool&) = delete;
    ChunkPool& operator=(const ChunkPool&) = delete;

    // Raw storage of `bytes`: a kept chunk when it has the pooled size, else fresh memory.
    void* take(std::size_t bytes);
    // Keeps `chunk` when it has the pooled size and there is room, else frees it.
    void give(void* chunk, std::size_t bytes);

    // Chunks served from the pool so far (for tests and the bench).
    std::size_t reused() const;

private:
    const std::size_t chunkBytes_;
    const std::size_t capacity_;
    mutable std::mutex mutex_; // guards everything below
    std::vector<void*> free_;
    std::size_t reused_ = 0;
};

} // namespace txs
