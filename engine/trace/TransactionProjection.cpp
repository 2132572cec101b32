#include "engine/trace/TransactionProjection.h"

#include "engine/trace/CountingRule.h"

#include <algorithm>

namespace txs {

namespace {

bool isBusyCode(std::int64_t code)
{
    return (code & 0xff) == 5; // SQLITE_BUSY and its extended codes
}

} // namespace

const char* txPhaseName(TxPhase phase)
{
    switch (phase) {
    case TxPhase::NotBegun:
        return "not begun";
    case TxPhase::Active:
        return "active";
    case TxPhase::Doomed:
        return "doomed";
    case TxPhase::Committed:
        return "committed";
    case TxPhase::RolledBack:
        return "rolled back";
    }
    return "?";
}

TxPhase TransactionRecord::phaseAt(std::int64_t t) const
{
    if (t < beginNs) return TxPhase::NotBegun;
    if (endNs <= t) return endPhase;
    if (doomedNs <= t) return TxPhase::Doomed;
    return TxPhase::Active;
}

std::int64_t TransactionRecord::rowsWrittenAt(std::int64_t t) const
{
    if (!versionTimes.empty())
        return std::upper_bound(versionTimes.begin(), versionTimes.end(), t) - versionTimes.begin();
    return endPhase == TxPhase::Committed && endNs <= t ? commitRows : 0;
}

const TransactionRecord* TransactionProjection::find(std::uint64_t txId) const
{
    const auto it = index_.find(txId);
    return it == index_.end() ? nullptr : &txs_[it->second];
}

std::size_t TransactionProjection::indexOf(std::uint64_t txId) const
{
    const auto it = index_.find(txId);
    return it == index_.end() ? txs_.size() : it->second;
}

std::size_t TransactionProjection::ensure(const Event& e)
{
    const auto [it, inserted] = index_.try_emplace(e.txId, txs_.size());
    if (!inserted) return it->second;
    ConnectionState& c = connections_[e.connection];
    TransactionRecord r;
    r.id = e.txId;
    r.connection = e.connection;
    r.firstSeq = e.seq;
    // An implicit transaction is its statement: it starts when the statement does.
    r.beginNs =
        (e.kind != EventKind::TxBegin && c.inStatement) ? std::min(c.statementBeginNs, e.timeNs) : e.timeNs;
    r.initialSeesUpTo = newestCommitTs_;
    r.retries = c.pendingAttempt;
    c.pendingAttempt = 0;
    c.current = txs_.size();
    byTime_.add(r.beginNs);
    txs_.push_back(std::move(r));
    return it->second;
}

void TransactionProjection::end(std::size_t index, TxPhase phase, std::int64_t timeNs)
{
    TransactionRecord& r = txs_[index];
    if (r.endNs != kNever) return;
    r.endNs = timeNs;
    r.endPhase = phase;
    endOrder_.push_back(index);
    ConnectionState& c = connections_[r.connection];
    if (c.current == index) c.current = SIZE_MAX;
    c.lastEnded = index;
}

void TransactionProjection::onExclusiveAcquired(const Event& e, std::size_t index)
{
    TransactionRecord& r = txs_[index];
    if (r.snapshotMovedNs != kNever || r.endNs != kNever) return;
    const ConnectionState& c = connections_[e.connection];
    // Mirrors MvccStore::acquireExclusive's freshSnapshot: nothing read yet.
    if (r.implicit || c.statementsRun <= 0) {
        r.snapshotMovedNs = e.timeNs;
        r.movedSeesUpTo = newestCommitTs_;
    }
}

void TransactionProjection::onStatementEnd(const Event& e, ConnectionState& c)
{
    c.inStatement = false;
    if (c.current == SIZE_MAX) return;
    const std::size_t index = c.current;
    TransactionRecord& r = txs_[index];
    if (!r.implicit) {
        // The engine counts statements that got past taking the exclusive slot; one refused
        // with BUSY there did not run, so the next may still start a fresh snapshot.
        if (e.a == 0 || !isBusyCode(e.a)) ++c.statementsRun;
        return;
    }
    // An implicit transaction still open when its statement ends was ended without an event.
    if (r.doomedNs != kNever) {
        r.rollbackReason = RollbackReason::Conflict;
        end(index, TxPhase::RolledBack, e.timeNs);
    } else if (e.a != 0) {
        r.rollbackReason = isBusyCode(e.a) ? RollbackReason::Busy : RollbackReason::StatementError;
        end(index, TxPhase::RolledBack, e.timeNs);
    } else {
        end(index, TxPhase::Committed, e.timeNs);
    }
    touched_.touch(index);
}

void TransactionProjection::apply(const Event& e)
{
    if (e.connection != 0) {
        ConnectionState& c = connections_[e.connection];
        switch (e.kind) {
        case EventKind::StatementBegin:
            c.inStatement = true;
            c.statementBeginNs = e.timeNs;
            break;
        case EventKind::StatementEnd:
            onStatementEnd(e, c);
            break;
        case EventKind::TxRetry:
            c.pendingAttempt = static_cast<int>(e.a);
            if (c.lastEnded != SIZE_MAX && txs_[c.lastEnded].retriedNs == kNever) {
                txs_[c.lastEnded].retriedNs = e.timeNs;
                touched_.touch(c.lastEnded);
            }
            break;
        case EventKind::ConnectionClose:
            if (c.current != SIZE_MAX) {
                const std::size_t index = c.current;
                TransactionRecord& r = txs_[index];
                r.rollbackReason = r.doomedNs != kNever ? RollbackReason::Conflict : RollbackReason::Close;
                end(index, TxPhase::RolledBack, e.timeNs);
                touched_.touch(index);
            }
            break;
        default:
            break;
        }
    }
    if (e.txId == 0) return;
    std::size_t index;
    if (provesTransaction(e)) {
        index = ensure(e);
    } else {
        const auto it = index_.find(e.txId);
        if (it == index_.end()) return;
        index = it->second;
    }
    TransactionRecord& r = txs_[index];
    switch (e.kind) {
    case EventKind::TxBegin: {
        r.implicit = false;
        r.mode = static_cast<TxMode>(e.a);
        r.beginTs = static_cast<std::uint64_t>(e.b);
        r.initialSeesUpTo = r.beginTs > 0 ? r.beginTs - 1 : newestCommitTs_;
        ConnectionState& c = connections_[e.connection];
        // BEGIN's own statement ends after TxBegin and must not count as one that ran.
        c.statementsRun = c.inStatement ? -1 : 0;
        break;
    }
    case EventKind::TxCommit:
        if (r.endNs != kNever) return;
        r.commitTs = static_cast<std::uint64_t>(e.a);
        r.commitRows = e.b;
        newestCommitTs_ = std::max(newestCommitTs_, r.commitTs);
        end(index, TxPhase::Committed, e.timeNs);
        break;
    case EventKind::TxRollback:
        if (r.endNs != kNever) return;
        r.rollbackReason = static_cast<RollbackReason>(e.a);
        end(index, TxPhase::RolledBack, e.timeNs);
        break;
    case EventKind::TxDoomed:
        if (r.doomedNs == kNever && r.endNs == kNever) r.doomedNs = e.timeNs;
        r.doomCode = static_cast<int>(e.a);
        r.doomMessage = e.text;
        break;
    case EventKind::Conflict:
        r.conflictWith = static_cast<std::uint64_t>(e.a);
        break;
    case EventKind::VersionCreated:
        r.versionTimes.push_back(e.timeNs);
        break;
    case EventKind::LockAcquire:
        if (e.a == static_cast<std::int64_t>(LockResource::MvccExclusive)) onExclusiveAcquired(e, index);
        return;
    default:
        return;
    }
    touched_.touch(index);
}

TxSnapshot TransactionProjection::snapshotAt(std::uint64_t txId, std::int64_t t) const
{
    TxSnapshot s;
    s.txId = txId;
    const TransactionRecord* r = find(txId);
    if (!r || t < r->beginNs) return s;
    s.valid = true;
    s.seesUpTo = r->snapshotMovedNs <= t ? r->movedSeesUpTo : r->initialSeesUpTo;
    return s;
}

} // namespace txs
