#pragma once
// Append-only event log written by many threads at once and read by views.
//
// Writers must not serialize the workload: each thread appends into its own buffer, and the
// only shared write is one atomic sequence number. Readers take consistent prefixes: every
// event with a smaller sequence number than one they see is also seen.

#include "engine/trace/Event.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace txs {

class ThreadEventBuffer;

class TraceLog
{
public:
    TraceLog();
    ~TraceLog();
    TraceLog(const TraceLog&) = delete;
    TraceLog& operator=(const TraceLog&) = delete;

    // Thread-safe. Fills in seq and, when timeNs is 0, the time.
    void append(Event event);

    // Nanoseconds since the log was created (steady clock).
    std::int64_t now() const;

    // Appends to `out` the events with seq in [from, end) where end is the longest consistent
    // prefix published so far, in seq order; returns end. Call again with the returned value to
    // read incrementally (`from` is 0 or an end returned before). Thread-safe against writers and
    // other readers; costs O(buffers * log(events)) plus the events returned.
    std::uint64_t readSince(std::uint64_t from, std::vector<Event>& out) const;

    // All events of the longest consistent prefix.
    std::vector<Event> snapshot() const;

    // Number of events appended so far (published or not).
    std::uint64_t appendedCount() const { return nextSeq_.load(std::memory_order_relaxed); }

private:
    ThreadEventBuffer& bufferForThisThread();
    ThreadEventBuffer& registerThisThread();

    const std::chrono::steady_clock::time_point start_;
    std::atomic<std::uint64_t> nextSeq_{0};
    const std::uint64_t id_; // unique in the process: a thread's cache never mistakes another log for us
    // Expires with the log, so threads can drop their cache entries for logs that are gone.
    const std::shared_ptr<const bool> alive_;
    mutable std::mutex buffersMutex_; // guards buffers_ (the list, not their contents)
    std::vector<std::unique_ptr<ThreadEventBuffer>> buffers_;
};

} // namespace txs
