#include "engine/trace/TraceLog.h"

#include "engine/trace/ConsistentPrefix.h"
#include "engine/trace/LiveCountsApply.h"
#include "engine/trace/RowText.h"
#include "engine/trace/StatementFold.h"
#include "engine/trace/ThreadEventBuffer.h"

#include <algorithm>
#include <thread>

namespace txs {

// One thread's part of one log: its events and its exact per-kind counts (written by that
// thread only, read by anyone; relaxed is enough for counters nobody orders other data by).
// Cache-line aligned: every append writes its writer (the buffer's count, the kind counts),
// and two threads' writers sharing a line would make each append on one core miss in the
// other's (false sharing; docs/performance.md, bench_runner_overhead).
struct alignas(64) ThreadWriter
{
    ThreadWriter(const ChunkGeometry& geometry, std::atomic<std::size_t>& reusedChunks)
        : buffer(geometry, &ChunkPool::process(), &reusedChunks)
    {}
    ThreadEventBuffer buffer;
    std::array<std::atomic<std::uint64_t>, kEventKindCount> kinds{};
    // The time of this thread's last event read from the clock: the next reading is kept at or
    // after it, so one thread's events stay in time order even if the unserialised counter read
    // (TraceClock) is executed a few cycles early.
    std::int64_t lastClockNs = 0;
};

namespace {

std::atomic<std::uint64_t> nextLogId{1};

struct CachedWriter
{
    std::uint64_t logId;
    ThreadWriter* writer;
    std::weak_ptr<const bool> alive;
};

// This thread's writers, one per log it appended to. Keyed by log id, never by address: a log
// destroyed and another created at the same address must not inherit the old buffer.
thread_local std::vector<CachedWriter> threadWriters;

// The entry of the log this thread appended to last: a thread that appends to one log (every
// worker of a run) finds its writer with one comparison, no pass over the vector.
struct LastWriter
{
    std::uint64_t logId = 0; // ids start at 1
    ThreadWriter* writer = nullptr;
};
thread_local LastWriter lastWriter;

} // namespace

TraceLog::TraceLog(TraceLogLimits limits)
    : limits_(limits), geometry_(ChunkGeometry::forCap(limits.maxEvents)),
      id_(nextLogId.fetch_add(1, std::memory_order_relaxed)), alive_(std::make_shared<const bool>(true))
{}

// Appending while the log is destroyed is the caller's bug, as with any object.
TraceLog::~TraceLog() = default;

// Inline in append, the one caller: the common case is one comparison.
inline ThreadWriter& TraceLog::writerForThisThread()
{
    if (lastWriter.logId == id_) [[likely]]
        return *lastWriter.writer;
    return findOrRegisterThisThread();
}

ThreadWriter& TraceLog::findOrRegisterThisThread()
{
    for (const CachedWriter& cached : threadWriters)
        if (cached.logId == id_) {
            lastWriter = {id_, cached.writer};
            return *cached.writer;
        }
    ThreadWriter* writer = nullptr;
    {
        std::lock_guard lock(writersMutex_);
        writers_.push_back(std::make_unique<ThreadWriter>(geometry_, reusedChunks_));
        writer = writers_.back().get();
    }
    // A thread that outlives many logs (a GUI thread, a test runner) would otherwise keep one
    // dead entry per log forever.
    std::erase_if(threadWriters, [](const CachedWriter& cached) { return cached.alive.expired(); });
    threadWriters.push_back({id_, writer, alive_});
    lastWriter = {id_, writer};
    return *writer;
}

std::size_t TraceLog::writerCount() const
{
    std::lock_guard lock(writersMutex_);
    return writers_.size();
}

// At a chunk boundary of `writer`: once the log holds more than maxEvents, everything older than
// the newest maxEvents is dropped, in every buffer. Once per chunk of one thread, so the lock is
// rare; it waits for readers in progress, which only copy events.
void TraceLog::dropOldEvents(const ThreadEventBuffer& writer)
{
    const std::uint64_t taken = nextSeq_.load(std::memory_order_relaxed);
    const bool overCap = taken > droppedCount() + limits_.maxEvents;
    if (!overCap && !writer.nextChunkSlotTaken()) return;
    const std::uint64_t wanted = taken > limits_.maxEvents ? taken - limits_.maxEvents : 0;
    if (pinned_.load(std::memory_order_acquire)) {
        // This thread has taken no seq it has not published, so the pinned reader's prefix can
        // reach `wanted` without it: the wait ends.
        std::unique_lock pinLock(pinMutex_);
        pinMoved_.wait(pinLock, [&] { return pin_ >= wanted; });
    }
    std::unique_lock lock(reclaimMutex_);
    const std::uint64_t floor = std::max(floor_.load(std::memory_order_relaxed), wanted);
    floor_.store(floor, std::memory_order_release);
    std::lock_guard listLock(writersMutex_);
    for (const auto& w : writers_)
        w->buffer.dropChunksBelow(floor);
}

void TraceLog::append(const EventFields& event, std::string_view text)
{
    appendWith(event, [text](ChunkTexts& texts) { return texts.store(text); });
}

void TraceLog::append(const EventFields& event, std::string_view text, std::uint64_t textId)
{
    if (textId == 0) return append(event, text);
    appendWith(event, [text, textId](ChunkTexts& texts) { return texts.storeInterned(text, textId); });
}

void TraceLog::appendRow(const EventFields& event, std::string_view record)
{
    // storeEncoded takes no empty bytes (a null RowRecord's are): no values, no text.
    if (record.empty() || record.size() > RowText::kMaxRecordBytes)
        return append(event, RowText(record).view());
    appendWith(event, [record](ChunkTexts& texts) { return texts.storeEncoded(record); });
}

template <typename Store> inline void TraceLog::appendWith(const EventFields& event, Store store)
{
    ThreadWriter& writer = writerForThisThread();
    if (writer.buffer.atChunkBoundary()) dropOldEvents(writer.buffer);
    writer.buffer.reserveNext();
    std::int64_t timeNs = event.timeNs;
    if (timeNs == 0) timeNs = writer.lastClockNs = std::max(writer.lastClockNs, now());
    auto& kindCount = writer.kinds[std::min(static_cast<std::size_t>(event.kind), kEventKindCount - 1)];
    counts_.apply(event); // counts only: the times of its tallies go unused
    // Relaxed is enough: one thread's increments are ordered, so its buffer stays sorted by seq,
    // and readers learn what is visible from the buffers' published counts, not from this counter.
    const std::uint32_t text = store(writer.buffer.nextTexts());
    const std::uint64_t seq = nextSeq_.fetch_add(1, std::memory_order_relaxed);
    writer.buffer.publishStored(event, seq, timeNs, text);
    kindCount.store(kindCount.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

void TraceLog::pin(std::uint64_t seq)
{
    {
        std::lock_guard lock(pinMutex_);
        pin_ = seq;
        pinned_.store(true, std::memory_order_release);
    }
    pinMoved_.notify_all();
}

void TraceLog::unpin()
{
    {
        std::lock_guard lock(pinMutex_);
        pin_ = kUnpinned;
        pinned_.store(false, std::memory_order_release);
    }
    pinMoved_.notify_all();
}

std::uint64_t TraceLog::countOf(EventKind kind) const
{
    const auto index = static_cast<std::size_t>(kind);
    if (index >= kEventKindCount) return 0;
    std::uint64_t total = 0;
    std::lock_guard lock(writersMutex_);
    for (const auto& w : writers_)
        total += w->kinds[index].load(std::memory_order_relaxed);
    return total;
}

template <typename Read>
std::uint64_t TraceLog::readWindow(std::uint64_t from, std::uint64_t* skipped, Read read) const
{
    std::vector<const ThreadEventBuffer*> buffers;
    {
        std::lock_guard lock(writersMutex_);
        buffers.reserve(writers_.size());
        for (const auto& w : writers_)
            buffers.push_back(&w->buffer);
    }
    // Held while events are read: no chunk is freed under the reader, and the floor stays put,
    // so the window read is [start, end) with no hole.
    std::shared_lock lock(reclaimMutex_);
    const std::uint64_t floor = floor_.load(std::memory_order_relaxed);
    const std::uint64_t start = std::max(from, floor);
    if (skipped) *skipped = start - from;
    return read(std::span<const ThreadEventBuffer* const>(buffers), start);
}

// Every read hands a folded StatementBegin on as its pair (StatementFold.h).
std::uint64_t TraceLog::readSince(std::uint64_t from, std::vector<Event>& out, std::uint64_t* skipped) const
{
    const std::size_t first = out.size();
    const std::uint64_t end = readWindow(
        from, skipped, [&](std::span<const ThreadEventBuffer* const> buffers, std::uint64_t start) {
            return readConsistentPrefix(buffers, start, out);
        });
    unfoldStatementEnds(out, first);
    return end;
}

std::uint64_t TraceLog::readSince(std::uint64_t from, std::size_t maxEvents, std::vector<Event>& out,
                                  std::uint64_t* skipped) const
{
    const std::size_t first = out.size();
    const std::uint64_t end = readWindow(
        from, skipped, [&](std::span<const ThreadEventBuffer* const> buffers, std::uint64_t start) {
            return readConsistentPrefix(buffers, start, out, maxEvents);
        });
    unfoldStatementEnds(out, first); // a pair (or three) counts as one of the maxEvents
    return end;
}

std::uint64_t TraceLog::visitSince(std::uint64_t from, const std::function<void(const Event&)>& visit,
                                   std::uint64_t* skipped) const
{
    const std::function<void(const Event&)> unfolding = [&](const Event& e) {
        if (!carriesStatementEnd(e)) return visit(e);
        if (carriesTxBegin(e)) visit(foldedTxBegin(e));
        visit(foldedStatementEnd(e));
        Event begin = e;
        clearFoldedEnd(begin);
        visit(begin);
    };
    return readWindow(from, skipped,
                      [&](std::span<const ThreadEventBuffer* const> buffers, std::uint64_t start) {
                          return visitConsistentPrefix(buffers, start, unfolding);
                      });
}

std::uint64_t TraceLog::visitFieldsSince(std::uint64_t from, EventFieldsVisitor visit, std::uint64_t* skipped,
                                         EventKindSet kinds) const
{
    // A reader of StatementEnd or TxBegin must be shown the Begins that carry one.
    const bool ends = kinds.contains(EventKind::StatementEnd);
    const bool txBegins = kinds.contains(EventKind::TxBegin);
    const bool begins = kinds.contains(EventKind::StatementBegin);
    // Without StatementBegin in `kinds`, every kind is decoded and the others left out here.
    const bool widened = (ends || txBegins) && !begins;
    auto unfolding = [&](const Event& e, std::string_view text) {
        if (e.kind != EventKind::StatementBegin) {
            if (!widened || kinds.contains(e.kind)) visit(e, text);
            return;
        }
        if (carriesStatementEnd(e)) {
            if (txBegins && carriesTxBegin(e)) visit(foldedTxBegin(e), {});
            if (ends) visit(foldedStatementEnd(e), {});
            Event begin = e; // its text is empty: the fields only
            clearFoldedEnd(begin);
            if (begins) visit(begin, text);
        } else if (begins) {
            visit(e, text);
        }
    };
    return readWindow(from, skipped,
                      [&](std::span<const ThreadEventBuffer* const> buffers, std::uint64_t start) {
                          return visitConsistentPrefixFields(buffers, start, unfolding,
                                                             widened ? EventKindSet::all() : kinds);
                      });
}

std::vector<Event> TraceLog::snapshot() const
{
    std::vector<Event> out;
    readSince(0, out);
    return out;
}

} // namespace txs
