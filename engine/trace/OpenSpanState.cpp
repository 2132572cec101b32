#include "engine/trace/OpenSpanState.h"

#include "engine/trace/CommitHold.h"

#include <algorithm>

namespace txs {

OpenSpanState::Conn& OpenSpanState::connectionState(std::uint32_t id)
{
    if (Conn* last = last_.find(id)) return *last;
    Conn& c = connections_[id];
    last_.remember(id, c);
    return c;
}

const OpenSpanState::Conn* OpenSpanState::find(std::uint32_t id) const
{
    if (const Conn* last = last_.find(id)) return last;
    const auto it = connections_.find(id);
    return it == connections_.end() ? nullptr : &it->second;
}

// SpanProjection::endTransaction, on the open state only.
void OpenSpanState::endTransaction(Conn& c, const Event& e)
{
    if (!c.txOpen || c.tx.outcome != TxOutcome::Open) return;
    if (e.txId != 0 && c.tx.txId != 0 && e.txId != c.tx.txId) return;
    c.tx.outcome = e.kind == EventKind::TxCommit ? TxOutcome::Committed : TxOutcome::RolledBack;
    if (c.statementOpen && c.txBeganInStatement) {
        c.txBeganInStatement = false; // begun and ended inside one statement: closes now
        c.txOpen = false;
    } else if (c.statementOpen) {
        c.txEndsWithStatement = true; // COMMIT / ROLLBACK: closes with its statement
    } else {
        c.txOpen = false;
    }
}

// SpanProjection::applyLock: the event carries the level now held on its resource (None: released).
void OpenSpanState::applyLock(Conn& c, const Event& e)
{
    const auto resource = static_cast<LockResource>(e.a);
    const auto level = static_cast<LockLevel>(e.b);
    if (e.a >= 0 && static_cast<std::uint64_t>(e.a) < kResources) {
        c.levels[static_cast<std::size_t>(e.a)] = level;
        return;
    }
    auto it = std::find_if(c.otherHolds.begin(), c.otherHolds.end(),
                           [&](const Hold& h) { return h.resource == resource; });
    if (it != c.otherHolds.end()) {
        if (level == LockLevel::None)
            c.otherHolds.erase(it);
        else
            it->level = level;
    } else if (level != LockLevel::None) {
        c.otherHolds.push_back(Hold{resource, level});
    }
}

LockLevel OpenSpanState::levelOf(const Conn& c, LockResource resource)
{
    const auto r = static_cast<std::int64_t>(resource);
    if (r >= 0 && static_cast<std::uint64_t>(r) < kResources) return c.levels[static_cast<std::size_t>(r)];
    for (const Hold& hold : c.otherHolds)
        if (hold.resource == resource) return hold.level;
    return LockLevel::None;
}

void OpenSpanState::apply(const Event& e)
{
    switch (e.kind) {
    case EventKind::ConnectionClose:
        // Everything it had open closes with it; the projection forgets the connection.
        last_.forget();
        connections_.erase(e.connection);
        return;
    case EventKind::StatementBegin: {
        Conn& c = connectionState(e.connection);
        if (c.statementOpen) {
            // Its end is not in the log: cut, and a transaction that ended in it closes too.
            if (c.txEndsWithStatement) c.txOpen = false;
            c.txEndsWithStatement = c.txBeganInStatement = false;
        }
        c.waitOpen = false;
        c.statementOpen = true;
        return;
    }
    case EventKind::StatementEnd: {
        Conn& c = connectionState(e.connection);
        c.waitOpen = false;
        if (!c.statementOpen) return; // its begin is not in this log
        c.statementOpen = false;
        if (c.txEndsWithStatement) c.txOpen = false;
        c.txEndsWithStatement = c.txBeganInStatement = false;
        return;
    }
    case EventKind::TxBegin: {
        Conn& c = connectionState(e.connection);
        // An open transaction closes here (its end at the engine's instant, or cut).
        c.txOpen = true;
        c.tx = Transaction{e.txId, static_cast<TxMode>(e.a), TxOutcome::Open};
        c.txBeganInStatement = c.statementOpen;
        c.txEndsWithStatement = false;
        return;
    }
    case EventKind::TxCommit: {
        Conn& c = connectionState(e.connection);
        if (carriesCommitHold(e)) {
            // The folded commit hold: LockAcquire then LockRelease, before the commit.
            c.waitOpen = false;
            forEachCommitHoldEvent(e, [&](const Event& lock) { applyLock(c, lock); });
        }
        endTransaction(c, e);
        return;
    }
    case EventKind::TxRollback:
        endTransaction(connectionState(e.connection), e);
        return;
    case EventKind::LockWait: {
        // The busy handler retrying the same request goes on with the same wait; another
        // request replaces it. Either way the wait open is this event's.
        Conn& c = connectionState(e.connection);
        c.waitOpen = true;
        c.wait = LockWaitOpen{static_cast<LockResource>(e.a), static_cast<LockLevel>(e.b)};
        return;
    }
    case EventKind::LockAcquire: {
        Conn& c = connectionState(e.connection);
        c.waitOpen = false;
        applyLock(c, e);
        return;
    }
    case EventKind::LockRelease:
        applyLock(connectionState(e.connection), e);
        return;
    default:
        return; // sleeps, blocked waits, doom, texts: not part of the open state kept here
    }
}

void OpenSpanState::gap(std::uint64_t dropped)
{
    if (dropped == 0) return;
    finish();
}

void OpenSpanState::finish()
{
    last_.forget();
    connections_.clear();
}

const OpenSpanState::Transaction* OpenSpanState::openTransaction(std::uint32_t connection) const
{
    const Conn* c = find(connection);
    return c && c->txOpen ? &c->tx : nullptr;
}

const OpenSpanState::LockWaitOpen* OpenSpanState::openLockWait(std::uint32_t connection) const
{
    const Conn* c = find(connection);
    return c && c->waitOpen ? &c->wait : nullptr;
}

bool OpenSpanState::statementOpen(std::uint32_t connection) const
{
    const Conn* c = find(connection);
    return c && c->statementOpen;
}

LockLevel OpenSpanState::levelNow(std::uint32_t connection, LockResource resource) const
{
    const Conn* c = find(connection);
    return c ? levelOf(*c, resource) : LockLevel::None;
}

void OpenSpanState::openHoldersOf(LockResource resource, std::vector<SpanProjection::HeldBy>& out) const
{
    out.clear();
    for (const auto& [id, c] : connections_)
        if (const LockLevel level = levelOf(c, resource); level != LockLevel::None)
            out.push_back({id, level});
    std::sort(out.begin(), out.end(), [](const SpanProjection::HeldBy& x, const SpanProjection::HeldBy& y) {
        return x.connection < y.connection;
    });
}

} // namespace txs
