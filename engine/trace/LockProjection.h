#pragma once
// Lock state at any instant, for time travel: LockState (which projects forward only) plus
// checkpoints.
//
// It keeps the events LockState looks at, in compact form, and a copy of the LockState every
// kCheckpointEvery of them. The state at t starts from the last checkpoint that holds only
// events at or before t and applies the following events at or before t. That gives exactly
// lockStateAt(log, t) (which filters by time, not seq) at the cost of one checkpoint copy and
// at most a few blocks of events, instead of a replay from the start.

#include "engine/trace/ChunkedVector.h"
#include "engine/trace/Event.h"
#include "engine/trace/LockState.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace txs {

class LockProjection
{
public:
    static constexpr std::size_t kCheckpointEvery = 2048;

    void apply(const Event& event);

    // Lock state after every event at or before t.
    LockState stateAt(std::int64_t t) const;
    // After everything applied (live).
    const LockState& current() const { return current_; }
    std::size_t eventCount() const { return events_.size(); }

private:
    struct LockEvent
    {
        std::int64_t timeNs;
        std::uint64_t seq;
        std::int64_t a, b;
        std::uint32_t connection;
        EventKind kind;
    };
    struct Checkpoint
    {
        LockState state;    // after the events before it
        std::int64_t maxNs; // latest time among those events
    };
    struct Block
    {
        std::int64_t minNs; // earliest time among events_[i * kCheckpointEvery, (i + 1) * ...)
    };

    static Event expand(const LockEvent& e);

    LockState current_;
    ChunkedVector<LockEvent> events_;
    std::vector<Checkpoint> checkpoints_; // checkpoints_[i] is after i * kCheckpointEvery events
    std::vector<Block> blocks_;
    std::int64_t maxNs_ = std::numeric_limits<std::int64_t>::min(); // latest time applied
};

} // namespace txs
