#include "engine/trace/LockProjection.h"

#include "engine/trace/CommitHold.h"

#include <algorithm>

namespace txs {

namespace {

// The kinds LockState::apply acts on; everything else leaves it unchanged.
bool concernsLocks(EventKind kind)
{
    switch (kind) {
    case EventKind::LockAcquire:
    case EventKind::LockRelease:
    case EventKind::LockWait:
    case EventKind::StatementEnd:
    case EventKind::ConnectionClose:
        return true;
    default:
        return false;
    }
}

} // namespace

Event LockProjection::expand(const LockEvent& e)
{
    Event out;
    out.seq = e.seq;
    out.timeNs = e.timeNs;
    out.connection = e.connection;
    out.a = e.a;
    out.b = e.b;
    out.kind = e.kind;
    return out;
}

void LockProjection::apply(const Event& event)
{
    if (carriesCommitHold(event)) {
        // Kept as its LockAcquire and LockRelease, each at its own time, so that the state at
        // any t inside the hold shows it (stateAt filters by time, not seq).
        forEachCommitHoldEvent(event, [this](const Event& lock) { apply(lock); });
        return;
    }
    if (!concernsLocks(event.kind)) return;
    if (events_.empty()) checkpoints_.push_back({LockState{}, maxNs_});
    events_.push_back({event.timeNs, event.seq, event.a, event.b, event.connection, event.kind});
    current_.apply(event);
    maxNs_ = std::max(maxNs_, event.timeNs);
    const std::size_t block = (events_.size() - 1) / kCheckpointEvery;
    if (block == blocks_.size())
        blocks_.push_back({event.timeNs});
    else
        blocks_[block].minNs = std::min(blocks_[block].minNs, event.timeNs);
    if (events_.size() % kCheckpointEvery == 0) checkpoints_.push_back({current_, maxNs_});
}

LockState LockProjection::stateAt(std::int64_t t) const
{
    if (events_.empty()) return {};
    if (maxNs_ <= t) return current_;
    // The last checkpoint whose events are all at or before t (maxNs only grows).
    const auto it = std::upper_bound(checkpoints_.begin(), checkpoints_.end(), t,
                                     [](std::int64_t time, const Checkpoint& c) { return time < c.maxNs; });
    const std::size_t cp =
        static_cast<std::size_t>(it - checkpoints_.begin()) - 1; // checkpoint 0 has maxNs = min
    LockState state = checkpoints_[cp].state;
    // Events after it that are at or before t, stopping after the last block that has any.
    std::size_t lastBlock = cp;
    for (std::size_t b = blocks_.size(); b-- > cp;) {
        if (blocks_[b].minNs <= t) {
            lastBlock = b;
            break;
        }
    }
    const std::size_t end = std::min(events_.size(), (lastBlock + 1) * kCheckpointEvery);
    for (std::size_t i = cp * kCheckpointEvery; i < end; ++i)
        if (events_[i].timeNs <= t) state.apply(expand(events_[i]));
    return state;
}

} // namespace txs
