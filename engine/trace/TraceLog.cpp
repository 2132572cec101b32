#include "engine/trace/TraceLog.h"

#include "engine/trace/ConsistentPrefix.h"
#include "engine/trace/ThreadEventBuffer.h"

namespace txs {

namespace {

std::atomic<std::uint64_t> nextLogId{1};

struct CachedBuffer
{
    std::uint64_t logId;
    ThreadEventBuffer* buffer;
    std::weak_ptr<const bool> alive;
};

// This thread's buffers, one per log it appended to. Keyed by log id, never by address: a log
// destroyed and another created at the same address must not inherit the old buffer.
thread_local std::vector<CachedBuffer> threadBuffers;

} // namespace

TraceLog::TraceLog()
    : start_(std::chrono::steady_clock::now()), id_(nextLogId.fetch_add(1, std::memory_order_relaxed)),
      alive_(std::make_shared<const bool>(true))
{}

// Appending while the log is destroyed is the caller's bug, as with any object.
TraceLog::~TraceLog() = default;

std::int64_t TraceLog::now() const
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_)
        .count();
}

ThreadEventBuffer& TraceLog::bufferForThisThread()
{
    for (const CachedBuffer& cached : threadBuffers)
        if (cached.logId == id_) return *cached.buffer;
    return registerThisThread();
}

ThreadEventBuffer& TraceLog::registerThisThread()
{
    ThreadEventBuffer* buffer = nullptr;
    {
        std::lock_guard lock(buffersMutex_);
        buffers_.push_back(std::make_unique<ThreadEventBuffer>());
        buffer = buffers_.back().get();
    }
    // A thread that outlives many logs (a GUI thread, a test runner) would otherwise keep one
    // dead entry per log forever.
    std::erase_if(threadBuffers, [](const CachedBuffer& cached) { return cached.alive.expired(); });
    threadBuffers.push_back({id_, buffer, alive_});
    return *buffer;
}

void TraceLog::append(Event event)
{
    ThreadEventBuffer& buffer = bufferForThisThread();
    buffer.reserveNext();
    if (event.timeNs == 0) event.timeNs = now();
    // Relaxed is enough: one thread's increments are ordered, so its buffer stays sorted by seq,
    // and readers learn what is visible from the buffers' published counts, not from this counter.
    event.seq = nextSeq_.fetch_add(1, std::memory_order_relaxed);
    buffer.publish(std::move(event));
}

std::uint64_t TraceLog::readSince(std::uint64_t from, std::vector<Event>& out) const
{
    std::vector<const ThreadEventBuffer*> buffers;
    {
        std::lock_guard lock(buffersMutex_);
        buffers.reserve(buffers_.size());
        for (const auto& buffer : buffers_)
            buffers.push_back(buffer.get());
    }

    return readConsistentPrefix(buffers, from, out);
}

std::vector<Event> TraceLog::snapshot() const
{
    std::vector<Event> out;
    readSince(0, out);
    return out;
}

} // namespace txs
