#pragma once
// How often the live recorder may rebuild a recording. A rebuild merges everything read so far
// (LiveRecording::build(): a late record can change events already shown), so it costs O(events)
// on the window's thread. Rebuilding on every 100 ms tick would, for a long recording, leave the
// window no time of its own; instead, after a rebuild that took D, the next one waits 4 × D
// (never less than the poll interval), so rebuilding takes at most a fifth of the thread however
// long the recording grows, while a short recording still updates at every tick. Records keep
// being read at every tick; only the merge is paced.

#include <algorithm>
#include <cstdint>

namespace txs::record_view {

struct RebuildPacer
{
    static constexpr std::int64_t kShareDivisor = 4; // wait 4 × the last rebuild: ≤ 1/5 of the time

    std::int64_t nextDueMs = 0; // no rebuild before this instant (ms on a monotonic clock)

    bool due(std::int64_t nowMs) const { return nowMs >= nextDueMs; }
    // A rebuild ran from `startMs` to `endMs`.
    void rebuilt(std::int64_t startMs, std::int64_t endMs)
    {
        nextDueMs = endMs + kShareDivisor * std::max<std::int64_t>(endMs - startMs, 0);
    }
    void reset() { nextDueMs = 0; }
};

} // namespace txs::record_view
