#pragma once
// How much of a run the trace log keeps in memory.
//
// A run may last any time, so the log keeps a window: at least the `maxEvents` most recent
// events, and drops older ones a chunk at a time, counting them (TraceLog::droppedCount). What a
// run counts (commits, errors, retries) is counted as each event is appended (LiveCounts,
// TraceLog::totals), latency by the runner, events recorded by the
// log: exact whatever was dropped; only the per-event detail of old events goes.
// Memory is then about maxEvents * sizeof(StoredEvent) (64 bytes) plus their texts, plus one partly filled
// chunk per writing thread (ChunkGeometry: at most maxEvents / 8 events each). Chunks a log drops or leaves
// when it dies wait for reuse in the process's ChunkPool (at most 128 MiB for all logs).

#include <cstddef>

namespace txs {

struct TraceLogLimits
{
    // 1,000,000 events: about 100 MB with short texts, minutes of a traced run at full speed.
    std::size_t maxEvents = 1'000'000;
};

} // namespace txs
