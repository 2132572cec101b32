#include "engine/trace/TraceLog.h"

// First version: one mutex-protected vector. Correct and simple; the per-thread buffers the
// header promises replace it (see the header for the contract).
namespace txs {

struct TraceLog::ThreadBuffer
{
    std::vector<Event> events;
};

TraceLog::TraceLog() : start_(std::chrono::steady_clock::now()), id_(0)
{
    buffers_.push_back(std::make_unique<ThreadBuffer>());
}

TraceLog::~TraceLog() = default;

std::int64_t TraceLog::now() const
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_)
        .count();
}

TraceLog::ThreadBuffer& TraceLog::bufferForThisThread()
{
    return *buffers_.front();
}

void TraceLog::append(Event event)
{
    std::lock_guard lock(buffersMutex_);
    event.seq = nextSeq_.fetch_add(1, std::memory_order_relaxed);
    if (event.timeNs == 0) event.timeNs = now();
    bufferForThisThread().events.push_back(std::move(event));
}

std::uint64_t TraceLog::readSince(std::uint64_t from, std::vector<Event>& out) const
{
    std::lock_guard lock(buffersMutex_);
    const auto& events = buffers_.front()->events;
    for (std::uint64_t i = from; i < events.size(); ++i)
        out.push_back(events[i]);
    return events.size();
}

std::vector<Event> TraceLog::snapshot() const
{
    std::vector<Event> out;
    readSince(0, out);
    return out;
}

} // namespace txs
