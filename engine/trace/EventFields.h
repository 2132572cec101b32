#pragma once
// An event's typed fields without its text or seq: what an emitter on the traced hot path hands
// TraceLog::append (MvccStore::emit, every event of an MVCC run). Building an Event there cost a
// std::string constructed and destroyed per event for a text the log copies from a string_view
// anyway (docs/performance.md, bench_runner_overhead). The names are Event's, so code templated on
// the event type (ThreadEventBuffer::publish, the counting rule's step) reads either.

#include "engine/trace/Event.h"

#include <cstdint>

namespace txs {

struct EventFields
{
    std::int64_t timeNs = 0; // 0: the log reads its clock
    std::uint32_t connection = 0;
    std::uint32_t table = 0;
    std::uint64_t txId = 0;
    std::int64_t rowid = 0;
    std::int64_t a = 0;
    std::int64_t b = 0;
    EventKind kind = EventKind::Note;
    std::uint16_t detail = 0;
};

inline EventFields fieldsOf(const Event& e)
{
    return {e.timeNs, e.connection, e.table, e.txId, e.rowid, e.a, e.b, e.kind, e.detail};
}

} // namespace txs
