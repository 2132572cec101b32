#pragma once
// The MVCC commit lock folded into TxCommit (Event.h, TxCommit): a commit that succeeds without
// anything else of its connection happening between the start of its commit phase and its end
// emits no LockAcquire / LockRelease of LockResource::MvccCommit; its TxCommit carries the hold
// instead (detail bit kTxCommitHeldCommitLock, rowid: the time the hold began, on the log's
// clock). The hold is the same as the pair's: LockResource::MvccCommit at LockLevel::Shared, by
// the TxCommit's connection and transaction, from rowid to the TxCommit's own time.
//
// Every projection of locks reads the hold through this header, so they all see the same
// interval: a projection by seq (SpanProjection, OpenSpanState, LockState::apply) takes it at the
// TxCommit as an acquire at the hold's start followed by a release at its end; a projection by
// time (lockStateAt, LockProjection::stateAt) takes the two events apart, each at its own time.
// Logs written before the fold (explicit pairs) and logs with both read the same way.

#include "engine/trace/Event.h"

#include <algorithm>
#include <cstdint>

namespace txs {

// TxCommit's detail bit: the event carries the commit lock's hold (rowid: when it began).
constexpr std::uint16_t kTxCommitHeldCommitLock = 1;

inline bool carriesCommitHold(const Event& e)
{
    return e.kind == EventKind::TxCommit && (e.detail & kTxCommitHeldCommitLock) != 0;
}

// When the folded hold began: never after the TxCommit itself (a hostile log's rowid is clamped).
inline std::int64_t commitHoldStartNs(const Event& e)
{
    return std::min(e.rowid, e.timeNs);
}

// The LockAcquire (first) and LockRelease the hold of `commit` stands for, each handed to `f`:
// the acquire at the hold's start, the release at the TxCommit's time, both with its seq.
template <typename F> void forEachCommitHoldEvent(const Event& commit, F&& f)
{
    Event lock;
    lock.seq = commit.seq;
    lock.connection = commit.connection;
    lock.txId = commit.txId;
    lock.kind = EventKind::LockAcquire;
    lock.a = static_cast<std::int64_t>(LockResource::MvccCommit);
    lock.b = static_cast<std::int64_t>(LockLevel::Shared);
    lock.timeNs = commitHoldStartNs(commit);
    f(static_cast<const Event&>(lock));
    lock.kind = EventKind::LockRelease;
    lock.b = static_cast<std::int64_t>(LockLevel::None);
    lock.timeNs = commit.timeNs;
    f(static_cast<const Event&>(lock));
}

} // namespace txs
