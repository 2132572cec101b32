#pragma once
// How the trace log holds an Event: 64 bytes, no heap object. The text lives in the text area
// of the event's own chunk (ChunkTexts) and is named by a 32-bit reference, so it is freed with
// the chunk and lives exactly as long as the events that refer to it. Readers get an Event back
// (ThreadEventBuffer::readInto), so no consumer sees this layout.
//
// Why: a traced run writes about 11 events per transaction into memory it has never touched;
// 96-byte events with a std::string each cost a third more memory and a heap object per long
// text (see docs/performance.md, bench_runner_overhead).

#include "engine/trace/Event.h"

#include <cstdint>

namespace txs {

struct StoredEvent
{
    std::uint64_t seq;
    std::int64_t timeNs;
    std::uint64_t txId;
    std::int64_t rowid;
    std::int64_t a;
    std::int64_t b;
    std::uint32_t connection;
    std::uint32_t table;
    EventKind kind;
    std::uint16_t detail;
    std::uint32_t text; // ChunkTexts reference (ChunkTexts::kNone: empty)
};

static_assert(sizeof(StoredEvent) == 64, "one event is one cache line");

} // namespace txs
