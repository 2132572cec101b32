#include "engine/trace/LockState.h"

#include "engine/trace/CommitHold.h"

namespace txs {

namespace {

int shmIndex(LockResource resource)
{
    const auto i = static_cast<std::int64_t>(resource) - static_cast<std::int64_t>(LockResource::ShmWrite);
    return (i >= 0 && i < ConnectionLocks::kShmSlots) ? static_cast<int>(i) : -1;
}

bool isLockResource(std::int64_t value)
{
    return value >= static_cast<std::int64_t>(LockResource::DbFile) &&
           value <= static_cast<std::int64_t>(LockResource::MvccCommit);
}

} // namespace

LockLevel ConnectionLocks::level(LockResource resource) const
{
    if (resource == LockResource::DbFile) return dbFile;
    if (resource == LockResource::MvccExclusive) return mvccExclusive;
    if (resource == LockResource::MvccCommit) return mvccCommit;
    const int i = shmIndex(resource);
    return i >= 0 ? shm[static_cast<std::size_t>(i)] : LockLevel::None;
}

void ConnectionLocks::setLevel(LockResource resource, LockLevel value)
{
    if (resource == LockResource::DbFile)
        dbFile = value;
    else if (resource == LockResource::MvccExclusive)
        mvccExclusive = value;
    else if (resource == LockResource::MvccCommit)
        mvccCommit = value;
    else if (const int i = shmIndex(resource); i >= 0)
        shm[static_cast<std::size_t>(i)] = value;
}

bool ConnectionLocks::holdsAny() const
{
    if (dbFile != LockLevel::None || mvccExclusive != LockLevel::None || mvccCommit != LockLevel::None)
        return true;
    for (LockLevel l : shm)
        if (l != LockLevel::None) return true;
    return false;
}

bool locksConflict(LockResource resource, LockLevel held, LockLevel wanted)
{
    if (held == LockLevel::None || wanted == LockLevel::None) return false;
    if (resource == LockResource::DbFile) {
        switch (wanted) {
        case LockLevel::Shared:
            return held >= LockLevel::Pending;
        case LockLevel::Reserved:
            return held >= LockLevel::Reserved;
        default:
            return true; // PENDING, EXCLUSIVE: any other lock is in the way
        }
    }
    return wanted >= LockLevel::Exclusive || held >= LockLevel::Exclusive;
}

void LockState::apply(const Event& event)
{
    timeNs_ = event.timeNs;
    nextSeq_ = event.seq + 1;
    const std::uint32_t id = event.connection;
    switch (event.kind) {
    case EventKind::LockAcquire:
    case EventKind::LockRelease: {
        if (!isLockResource(event.a)) return;
        const auto resource = static_cast<LockResource>(event.a);
        ConnectionLocks& c = connections_[id];
        c.setLevel(resource, static_cast<LockLevel>(event.b));
        // Getting anything ends a wait (see the header); a release does not.
        if (event.kind == EventKind::LockAcquire && c.waiting) c.waiting.reset();
        prune(id);
        return;
    }
    case EventKind::TxCommit:
        // A folded commit hold (CommitHold.h): its acquire and release, both at or before now.
        if (carriesCommitHold(event)) {
            forEachCommitHoldEvent(event, [this](const Event& lock) { apply(lock); });
            timeNs_ = event.timeNs; // the acquire's apply set its own, earlier time
        }
        return;
    case EventKind::LockWait: {
        if (!isLockResource(event.a)) return;
        ConnectionLocks& c = connections_[id];
        const LockWaitState wait{static_cast<LockResource>(event.a), static_cast<LockLevel>(event.b),
                                 event.timeNs};
        // The same request refused again (a busy-handler retry) is the same wait, still from its start.
        if (!c.waiting || c.waiting->resource != wait.resource || c.waiting->wanted != wait.wanted)
            c.waiting = wait;
        return;
    }
    case EventKind::StatementEnd: {
        const auto it = connections_.find(id);
        if (it == connections_.end()) return;
        it->second.waiting.reset();
        prune(id);
        return;
    }
    case EventKind::ConnectionClose:
        connections_.erase(id);
        return;
    default:
        return;
    }
}

void LockState::prune(std::uint32_t id)
{
    const auto it = connections_.find(id);
    if (it != connections_.end() && !it->second.holdsAny() && !it->second.waiting) connections_.erase(it);
}

ConnectionLocks LockState::connection(std::uint32_t id) const
{
    const auto it = connections_.find(id);
    return it == connections_.end() ? ConnectionLocks{} : it->second;
}

std::vector<std::pair<std::uint32_t, LockLevel>> LockState::holders(LockResource resource) const
{
    std::vector<std::pair<std::uint32_t, LockLevel>> out;
    for (const auto& [id, c] : connections_)
        if (const LockLevel l = c.level(resource); l != LockLevel::None) out.emplace_back(id, l);
    return out;
}

std::vector<WaitEdge> LockState::blockersOf(std::uint32_t waiter) const
{
    std::vector<WaitEdge> out;
    const auto it = connections_.find(waiter);
    if (it == connections_.end() || !it->second.waiting) return out;
    const LockWaitState& w = *it->second.waiting;
    for (const auto& [id, c] : connections_) {
        if (id == waiter) continue;
        const LockLevel held = c.level(w.resource);
        if (locksConflict(w.resource, held, w.wanted))
            out.push_back({waiter, id, w.resource, w.wanted, held});
    }
    return out;
}

std::vector<WaitEdge> LockState::waitsFor() const
{
    std::vector<WaitEdge> out;
    for (const auto& [id, c] : connections_) {
        if (!c.waiting) continue;
        const auto edges = blockersOf(id);
        out.insert(out.end(), edges.begin(), edges.end());
    }
    return out;
}

LockState lockStateAt(const std::vector<Event>& events, std::int64_t timeNs)
{
    LockState state;
    for (const Event& e : events) {
        if (carriesCommitHold(e)) {
            // Its acquire and release each at its own time: the hold covers [start, commit).
            forEachCommitHoldEvent(e, [&](const Event& lock) {
                if (lock.timeNs <= timeNs) state.apply(lock);
            });
        } else if (e.timeNs <= timeNs) {
            state.apply(e);
        }
    }
    return state;
}

} // namespace txs
