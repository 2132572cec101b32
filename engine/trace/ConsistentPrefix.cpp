#include "engine/trace/ConsistentPrefix.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <queue>
#include <utility>

namespace txs {

namespace {

// Calls reserve(n) once with the number of events that may follow, then take(run, k) for each
// (the k-th slot of a run of one buffer's chunk).
template <typename Reserve, typename Take>
std::uint64_t mergeConsistentPrefix(std::span<const ThreadEventBuffer* const> buffers, std::uint64_t from,
                                    std::uint64_t maxEvents, Reserve reserve, Take take)
{
    struct Cursor
    {
        const ThreadEventBuffer* buffer;
        std::size_t next;
        std::size_t count;
    };
    std::vector<Cursor> cursors;
    std::size_t available = 0;
    for (const ThreadEventBuffer* buffer : buffers) {
        // One load per buffer: slots below it stay valid however far the writer gets meanwhile.
        const std::size_t count = buffer->publishedCount();
        const std::size_t next = buffer->lowerBound(from, count);
        if (next == count) continue;
        cursors.push_back({buffer, next, count});
        available += count - next;
    }
    reserve(static_cast<std::size_t>(std::min<std::uint64_t>(available, maxEvents)));

    // The prefix ends at the first seq missing from every buffer: its thread has taken the number
    // but not yet published the event (or registered its buffer after the caller listed them).
    // Later events must wait for it, or a reader would see a hole that fills in afterwards.
    using Head = std::pair<std::uint64_t, std::size_t>; // (seq, cursor index)
    std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
    for (std::size_t i = 0; i < cursors.size(); ++i)
        heads.emplace(cursors[i].buffer->seqAt(cursors[i].next), i);

    std::uint64_t end = from;
    const std::uint64_t last = maxEvents >= UINT64_MAX - from ? UINT64_MAX : from + maxEvents;
    while (end < last && !heads.empty() && heads.top().first == end) {
        const std::size_t i = heads.top().second;
        heads.pop();
        Cursor& cursor = cursors[i];
        // A thread's events often follow each other in seq (a statement's begin, locks, end):
        // take its whole run at once, with one heap operation for the run, not one per event,
        // walking the slots along their chunk (a run that reaches its chunk's end goes on in the
        // next chunk if its seqs do).
        bool more = true;
        while (more) {
            const ThreadEventBuffer::Run run = cursor.buffer->runFrom(cursor.next, cursor.count);
            std::size_t k = 0;
            do {
                take(run, k);
                ++end;
            } while (++k < run.size && end < last && run.events[k].seq == end);
            cursor.next += k;
            more = k == run.size && cursor.next < cursor.count && end < last &&
                   cursor.buffer->seqAt(cursor.next) == end;
        }
        if (cursor.next < cursor.count) heads.emplace(cursor.buffer->seqAt(cursor.next), i);
    }
    return end;
}

} // namespace

std::uint64_t readConsistentPrefix(std::span<const ThreadEventBuffer* const> buffers, std::uint64_t from,
                                   std::vector<Event>& out, std::uint64_t maxEvents)
{
    return mergeConsistentPrefix(
        buffers, from, maxEvents, [&](std::size_t available) { out.reserve(out.size() + available); },
        [&](const ThreadEventBuffer::Run& run, std::size_t k) { run.readInto(k, out.emplace_back()); });
}

std::uint64_t visitConsistentPrefix(std::span<const ThreadEventBuffer* const> buffers, std::uint64_t from,
                                    const std::function<void(const Event&)>& visit)
{
    // One Event for all: its text's storage is reused, so visiting allocates little.
    Event scratch;
    return mergeConsistentPrefix(
        buffers, from, UINT64_MAX, [](std::size_t) {},
        [&](const ThreadEventBuffer::Run& run, std::size_t k) {
            run.readInto(k, scratch);
            visit(scratch);
        });
}

std::uint64_t visitConsistentPrefixFields(std::span<const ThreadEventBuffer* const> buffers,
                                          std::uint64_t from, EventFieldsVisitor visit, EventKindSet kinds)
{
    Event fields; // its text stays empty: the text goes alongside, as a view
    return mergeConsistentPrefix(
        buffers, from, UINT64_MAX, [](std::size_t) {},
        [&](const ThreadEventBuffer::Run& run, std::size_t k) {
            // An event of another kind is passed over before it is decoded.
            if (kinds.contains(run.events[k].kind)) visit(fields, run.readFieldsInto(k, fields));
        });
}

} // namespace txs
