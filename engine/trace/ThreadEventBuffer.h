#pragma once
// The events one thread appended to one TraceLog: a single-writer, many-reader, append-only
// array whose oldest chunks can be dropped. The writer fills slot n, then publishes count n+1
// with release; a reader that loads the count with acquire may read every live slot below it,
// because a published slot is never written again. Chunks never move, which lets readers index
// without a lock while the writer keeps growing the array.
//
// Dropping (dropChunksBelow) frees chunks the writer has filled; it and every reader are
// serialised by the owning log's reclaim lock (exclusive for dropping, shared for reading), so a
// reader never follows a pointer to a freed chunk. The writer itself never takes that lock on
// its fast path: it only touches the chunk it is filling, which is never dropped.
//
// Events are held as 64-byte StoredEvents whose texts live in their chunk's ChunkTexts, freed
// with the chunk; readers get them back as Events (readInto).

#include "engine/trace/ChunkGeometry.h"
#include "engine/trace/ChunkTexts.h"
#include "engine/trace/Event.h"
#include "engine/trace/RowText.h"
#include "engine/trace/StoredEvent.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <utility>

namespace txs {

class ChunkPool;

// Enough for the default cap of a TraceLog (see TraceLogLimits).
ChunkGeometry defaultChunkGeometry();

class ThreadEventBuffer
{
public:
    // Chunks come from and go back to `pool` when given (it must outlive the buffer), else
    // straight from the system; `reusedChunks` (when given) counts the chunks the pool served.
    explicit ThreadEventBuffer(const ChunkGeometry& geometry = defaultChunkGeometry(),
                               ChunkPool* pool = nullptr, std::atomic<std::size_t>* reusedChunks = nullptr);
    ThreadEventBuffer(const ThreadEventBuffer&) = delete;
    ThreadEventBuffer& operator=(const ThreadEventBuffer&) = delete;
    ~ThreadEventBuffer();

    // Writer only: whether the next event starts a chunk not yet allocated. The log drops old
    // chunks at that moment, so that the ring slot of the new chunk is free (ChunkGeometry).
    bool atChunkBoundary() const { return writeNext_ == writeEnd_; }

    // Writer only: makes room for the next event, so that a caller can take the event's sequence
    // number after any allocation (readers wait at a number taken but not yet published).
    void reserveNext()
    {
        if (writeNext_ == writeEnd_) startChunk();
    }

    // Writer only: stores the next event, with `seq`, `timeNs` and `text` in place of the
    // event's own, and makes it visible to readers. The chunk was allocated before the release
    // store, so a reader that sees the count sees the chunk and the event.
    // `Fields`: Event or EventFields (the same field names).
    template <typename Fields>
    void publish(const Fields& event, std::uint64_t seq, std::int64_t timeNs, std::string_view text)
    {
        reserveNext();
        publishReserved(event, seq, timeNs, text);
    }
    // The same after reserveNext(): the log's append, which reserves before it takes `seq`.
    template <typename Fields>
    void publishReserved(const Fields& event, std::uint64_t seq, std::int64_t timeNs, std::string_view text)
    {
        publishStored(event, seq, timeNs, writeTexts_->store(text));
    }
    // Writer only, after reserveNext(): the texts of the chunk the next event goes to, for a
    // text stored otherwise than as a view (an encoded row) and handed to publishStored().
    ChunkTexts& nextTexts() { return *writeTexts_; }
    // publishReserved() with the text already stored in nextTexts() (`ref`).
    template <typename Fields>
    void publishStored(const Fields& event, std::uint64_t seq, std::int64_t timeNs, std::uint32_t ref)
    {
        ::new (static_cast<void*>(writeSlot_)) StoredEvent{
            seq,         timeNs,     event.txId,   event.rowid, event.a, event.b, event.connection,
            event.table, event.kind, event.detail, ref};
        writeSlot_ += sizeof(StoredEvent);
        // A plain store, not an RMW: only this thread writes the count.
        published_.store(++writeNext_, std::memory_order_release);
    }
    void publish(const Event& event) { publish(event, event.seq, event.timeNs, event.text); }

    // Any thread: slots [firstLive(), publishedCount()) may be read with at(). firstLive() only
    // changes under the log's exclusive reclaim lock, so a reader holding it shared may use both.
    std::size_t publishedCount() const { return published_.load(std::memory_order_acquire); }
    std::size_t firstLive() const { return geometry_.chunkStart(firstLiveChunk_); }

    std::uint64_t seqAt(std::size_t i) const { return stored(geometry_.position(i)).seq; }

    // The event in slot i, into `out` (its text's storage reused: a reader that reads many
    // events into one Event allocates little).
    void readInto(std::size_t i, Event& out) const { setText(out, readFieldsInto(i, out)); }

    // The typed fields of slot i into `out` (out.text is left alone) and a view of its text
    // where it lies, valid while the chunk is (the caller's guard of the log's reclaim lock); a
    // row kept as its record (RowText) is rendered into this thread's buffer, valid until this
    // thread's next read of a text.
    std::string_view readFieldsInto(std::size_t i, Event& out) const
    {
        const ChunkGeometry::Position p = geometry_.position(i);
        return decode(stored(p), textsOf(p.chunk), out);
    }

    // Slots [i, i + size) of one chunk, read from a reader's `count` of publishedCount(): their
    // stored events lie one after another, so a reader walks them without each slot's chunk
    // arithmetic (the merge of the log's buffers takes a thread's run of events this way).
    struct Run
    {
        const StoredEvent* events;
        std::size_t size;
        const ChunkTexts* texts;

        // readFieldsInto() of the run's k-th slot.
        std::string_view readFieldsInto(std::size_t k, Event& out) const
        {
            return decode(events[k], *texts, out);
        }
        void readInto(std::size_t k, Event& out) const { setText(out, readFieldsInto(k, out)); }
    };
    // The run from slot i (i < count <= publishedCount()) to the end of its chunk or count.
    Run runFrom(std::size_t i, std::size_t count) const
    {
        const ChunkGeometry::Position p = geometry_.position(i);
        const std::size_t inChunk = geometry_.chunkSize(p.chunk) - p.offset;
        return {&stored(p), std::min(inChunk, count - i), &textsOf(p.chunk)};
    }

    Event at(std::size_t i) const
    {
        Event e;
        readInto(i, e);
        return e;
    }

    // First slot in [firstLive(), count) whose seq is >= seq (count if none); seqs grow along the
    // buffer because one thread takes them in order.
    std::size_t lowerBound(std::uint64_t seq, std::size_t count) const;

    // Under the log's exclusive reclaim lock: frees the filled chunks whose every event has a seq
    // below `floor`. Returns the number of events freed.
    std::size_t dropChunksBelow(std::uint64_t floor);

    // Writer only: whether the ring slot the next chunk needs is still taken by an old chunk.
    bool nextChunkSlotTaken() const
    {
        return ring_[geometry_.position(nextSlot()).chunk % geometry_.ringSize].load(
                   std::memory_order_acquire) != nullptr;
    }

private:
    std::size_t nextSlot() const { return published_.load(std::memory_order_relaxed); }
    std::size_t chunkBytes(std::size_t chunk) const
    {
        return geometry_.chunkSize(chunk) * sizeof(StoredEvent);
    }
    std::byte* slotAt(ChunkGeometry::Position p) const
    {
        std::byte* chunk = ring_[p.chunk % geometry_.ringSize].load(std::memory_order_relaxed);
        return chunk + p.offset * sizeof(StoredEvent);
    }
    const StoredEvent& stored(ChunkGeometry::Position p) const
    {
        return *std::launder(reinterpret_cast<const StoredEvent*>(slotAt(p)));
    }
    static void setText(Event& out, std::string_view text)
    {
        if (text.empty())
            out.text.clear(); // keeps its storage
        else
            out.text.assign(text);
    }
    // The typed fields of `s` into `out`, and a view of its text (in `texts`, its chunk's).
    static std::string_view decode(const StoredEvent& s, const ChunkTexts& texts, Event& out)
    {
        out.seq = s.seq;
        out.timeNs = s.timeNs;
        out.connection = s.connection;
        out.table = s.table;
        out.txId = s.txId;
        out.rowid = s.rowid;
        out.a = s.a;
        out.b = s.b;
        out.kind = s.kind;
        out.detail = s.detail;
        if (s.text == ChunkTexts::kNone) return {};
        const ChunkTexts::Stored text = texts.read(s.text);
        // An encoded row is rendered here, into this thread's buffer: the view is valid until
        // this thread decodes again, and every reader takes one event's text before the next.
        return text.encoded ? RowText::renderRecord(text.bytes) : text.bytes;
    }
    // The chunk's texts; set with the chunk (reserveNext) and freed with it (destroyChunk).
    ChunkTexts& textsOf(std::size_t chunk) const { return *texts_[chunk % geometry_.ringSize]; }
    void destroyChunk(std::size_t chunk);
    void startChunk(); // writer only: allocates the chunk of slot writeNext_

    const ChunkGeometry geometry_;
    ChunkPool* const pool_;
    std::atomic<std::size_t>* const reusedChunks_;
    std::atomic<std::size_t> published_{0};
    std::size_t allocated_ = 0; // writer only: chunks 0..allocated_-1 have been allocated
    // Writer only, the append's fast path (no ChunkGeometry arithmetic per event): the next slot
    // (published_'s value), the end of the allocated slots, and while writeNext_ < writeEnd_ the
    // address of slot writeNext_ and its chunk's texts.
    std::size_t writeNext_ = 0;
    std::size_t writeEnd_ = 0;
    std::byte* writeSlot_ = nullptr;
    ChunkTexts* writeTexts_ = nullptr;
    std::size_t firstLiveChunk_ = 0; // guarded by the log's reclaim lock: older chunks are freed
    std::unique_ptr<std::atomic<std::byte*>[]> ring_;
    // Beside ring_, slot for slot. Written by the writer before it publishes an event of the
    // chunk, and cleared under the exclusive reclaim lock, like ring_'s chunk pointers.
    std::unique_ptr<std::unique_ptr<ChunkTexts>[]> texts_;
};

} // namespace txs
