#pragma once
// Event chunks of trace logs, kept when a log's window drops them or a log dies, for the next
// chunk a writer starts, in this log or a later one. Memory fresh from the kernel is zeroed on
// first touch (clear_page_erms was a quarter of a traced run's extra time: docs/performance.md),
// so reusing the chunks of a finished run spares that for the next run in the process (the GUI's
// reruns, a bench's rounds), and a long run's window reuses what it dropped.
//
// One pool for the process (process()), bounded by bytes: at most `capacityBytes` wait here, of
// any chunk size; a chunk given back beyond that is freed at once. Thread-safe: writers of any
// log take from it while logs, under their reclaim locks or in their destructors, give back. A
// chunk given back is no longer read by anyone (its log dropped it under its exclusive reclaim
// lock, or is being destroyed), and the pool's mutex orders the giver's last use before the
// next taker's first.

#include <cstddef>
#include <map>
#include <mutex>
#include <vector>

namespace txs {

class ChunkPool
{
public:
    explicit ChunkPool(std::size_t capacityBytes);
    ~ChunkPool();
    ChunkPool(const ChunkPool&) = delete;
    ChunkPool& operator=(const ChunkPool&) = delete;

    // The process's pool: every TraceLog's chunks. Never destroyed (a log in a static object may
    // give its chunks back during exit).
    static ChunkPool& process();
    static constexpr std::size_t kProcessCapacityBytes = std::size_t{128} << 20;

    // Raw storage of `bytes`: a kept chunk of that size when there is one (`*reused` set), else
    // fresh memory.
    void* take(std::size_t bytes, bool* reused = nullptr);
    // Keeps `chunk` when there is room, else frees it.
    void give(void* chunk, std::size_t bytes);
    // Frees every kept chunk.
    void release();

    std::size_t reused() const;    // chunks served from the pool so far
    std::size_t heldBytes() const; // bytes kept now (at most the capacity)

private:
    const std::size_t capacity_;
    mutable std::mutex mutex_;                       // guards everything below
    std::map<std::size_t, std::vector<void*>> free_; // by chunk size in bytes
    std::size_t held_ = 0;
    std::size_t reused_ = 0;
};

} // namespace txs
