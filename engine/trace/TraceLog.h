#pragma once
// Append-only event log written by many threads at once and read by views.
//
// Writers must not serialize the workload: each thread appends into its own buffer, and the
// only shared write is one atomic sequence number. Memory is bounded (TraceLogLimits): the
// oldest events are dropped, whole chunks at a time, once more than maxEvents are held.
//
// Invariant for readers (a consistent window of a consistent prefix): what a read returns is
// every event with seq in [max(from, droppedCount()), end), in seq order, without holes: an
// event is seen only once every event with a smaller seq has been published, and an event a
// reader saw is never later replaced by another. Events below droppedCount() are gone for good.

#include "engine/api/Value.h"
#include "engine/trace/ChunkGeometry.h"
#include "engine/trace/ChunkPool.h"
#include "engine/trace/ConsistentPrefix.h"
#include "engine/trace/Event.h"
#include "engine/trace/EventFields.h"
#include "engine/trace/LiveCounts.h"
#include "engine/trace/TraceClock.h"
#include "engine/trace/TraceLogLimits.h"

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <vector>

namespace txs {

class ThreadEventBuffer;
struct ThreadWriter;

class TraceLog
{
public:
    explicit TraceLog(TraceLogLimits limits = {});
    ~TraceLog();
    TraceLog(const TraceLog&) = delete;
    TraceLog& operator=(const TraceLog&) = delete;

    // Thread-safe. Fills in seq and, when timeNs is 0, the time.
    void append(const Event& event) { append(event, event.text); }
    // The same with `text` in place of event.text: the emitters' path, which makes no std::string
    // for a text the log copies into its own storage anyway.
    void append(const Event& event, std::string_view text) { append(fieldsOf(event), text); }
    // The same from the typed fields alone: no Event (and no std::string) built per event.
    void append(const EventFields& event, std::string_view text);
    // The same with `text` named by `textId` (TextIds.h; 0: none), stored without comparing its
    // bytes when the writer's chunk already holds it: a workers block's statements.
    void append(const EventFields& event, std::string_view text, std::uint64_t textId);
    // The same with a row's RowText as the text, the row given as its record (SQLite's record
    // format, as the MVCC store keeps it). A record of up to RowText::kMaxRecordBytes is stored
    // as its bytes and rendered when read (readers see the same text), so the writer renders
    // nothing; a longer one is rendered now, which reads only the values before the cut.
    void appendRow(const EventFields& event, std::string_view record);

    // Nanoseconds since the log was created (TraceClock: the time-stamp counter where the kernel
    // trusts it, else the steady clock).
    std::int64_t now() const { return clock_.now(); }

    // Appends to `out` the events with seq in [max(from, droppedCount()), end) where end is the
    // longest consistent prefix published so far, in seq order; returns end. Call again with the
    // returned value to read incrementally (`from` is 0 or an end returned before). When events
    // the caller asked for were dropped meanwhile, `*skipped` (if given) is set to how many
    // (else 0). Thread-safe against writers and other readers; costs O(buffers * log(events))
    // plus the events returned.
    std::uint64_t readSince(std::uint64_t from, std::vector<Event>& out,
                            std::uint64_t* skipped = nullptr) const;
    // The same, but at most `maxEvents` events (the first ones): for a reader that works a backlog
    // off in slices (the window's drain) and must not copy it all at once. The returned end is
    // where the next read continues.
    std::uint64_t readSince(std::uint64_t from, std::size_t maxEvents, std::vector<Event>& out,
                            std::uint64_t* skipped = nullptr) const;

    // The same as readSince(), but each event is handed to `visit` where it lies, not copied:
    // for a reader that keeps little of what it reads (the explainer). `visit` runs while the
    // log holds back dropping, so it must not append to this log (it would deadlock).
    std::uint64_t visitSince(std::uint64_t from, const std::function<void(const Event&)>& visit,
                             std::uint64_t* skipped = nullptr) const;

    // The same again, each event as its typed fields (text empty) with a view of its text where
    // it lies, valid during the call only: nothing copied, no std::function (the explainer's
    // read, which applies every event of a workers run). Only events of a kind in `kinds` are
    // visited, the others passed over undecoded; the returned seq is the same either way.
    std::uint64_t visitFieldsSince(std::uint64_t from, EventFieldsVisitor visit,
                                   std::uint64_t* skipped = nullptr,
                                   EventKindSet kinds = EventKindSet::all()) const;

    // All events of the longest consistent prefix that are still held.
    std::vector<Event> snapshot() const;

    // Number of events appended so far (published or not).
    std::uint64_t appendedCount() const { return nextSeq_.load(std::memory_order_relaxed); }
    // Events dropped to keep within the limits: exactly those with seq below this number.
    std::uint64_t droppedCount() const { return floor_.load(std::memory_order_acquire); }
    // Exact count of the events of `kind` appended so far, dropped ones included (those whose
    // append has returned; a concurrent append may or may not be counted yet).
    std::uint64_t countOf(EventKind kind) const;
    const TraceLogLimits& limits() const { return limits_; }
    // Threads that have appended to this log: each keeps a buffer registered until the log dies,
    // so a program that appends from a new thread per task grows this without bound.
    std::size_t writerCount() const;
    // Chunks of this log that reused memory a log's window had dropped or a dead log left
    // (ChunkPool::process()), for tests and benches.
    std::size_t chunksReused() const { return reusedChunks_.load(std::memory_order_relaxed); }

    // For one reader that must see every event (an export streamed to a file): nothing at or
    // after `seq` is dropped until the pin moves past it. A writer that would have to drop such
    // events waits, at its next chunk boundary, for the reader to catch up: the run slows down
    // instead of losing events, and memory stays bounded. Call pin() again with each end that
    // readSince() returns; unpin() releases the writers for good.
    void pin(std::uint64_t seq);
    void unpin();

    // The run's counts (CountingRule) over every event appended so far, dropped ones included,
    // kept as events are appended (LiveCounts). Thread-safe; exact once the writers have stopped.
    MetricsAt totals() const { return counts_.totals(); }

private:
    ThreadWriter& writerForThisThread();
    ThreadWriter& findOrRegisterThisThread();
    void dropOldEvents(const ThreadEventBuffer& writer);
    // append()'s body; `store(ChunkTexts&)` stores the event's text and returns its reference.
    template <typename Store> void appendWith(const EventFields& event, Store store);
    // The window [max(from, floor), end) of the buffers, read by `read(buffers, start)` under
    // the reclaim lock; returns its end.
    template <typename Read>
    std::uint64_t readWindow(std::uint64_t from, std::uint64_t* skipped, Read read) const;

    const TraceLogLimits limits_;
    const ChunkGeometry geometry_;
    const TraceClock clock_;
    // On a cache line of its own: every append on every core writes it, and the fields each
    // append reads (clock_, id_, the live counts' pages) must not move with it between cores.
    alignas(64) std::atomic<std::uint64_t> nextSeq_{0};
    [[maybe_unused]] char nextSeqLineRest_[64 - sizeof(std::atomic<std::uint64_t>)]; // the rest start a line
    // Every seq below it is dropped. Written under the exclusive reclaim lock only.
    std::atomic<std::uint64_t> floor_{0};
    const std::uint64_t id_; // unique in the process: a thread's cache never mistakes another log for us
    // Expires with the log, so threads can drop their cache entries for logs that are gone.
    const std::shared_ptr<const bool> alive_;
    // Chunks this log's writers took from the process's ChunkPool rather than the system.
    std::atomic<std::size_t> reusedChunks_{0};
    mutable std::mutex writersMutex_; // guards writers_ (the list, not their contents)
    std::vector<std::unique_ptr<ThreadWriter>> writers_;
    // Shared by readers while they touch events; exclusive while chunks are freed.
    mutable std::shared_mutex reclaimMutex_;
    std::mutex pinMutex_; // guards pin_; pinMoved_ wakes writers waiting for the pinned reader
    std::condition_variable pinMoved_;
    static constexpr std::uint64_t kUnpinned = ~std::uint64_t{0};
    std::uint64_t pin_ = kUnpinned;
    std::atomic<bool> pinned_{false}; // pin_ != kUnpinned, for a lock-free check
    LiveCounts counts_;
};

} // namespace txs
