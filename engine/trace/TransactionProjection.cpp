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
    const std::size_t index = index_.find(txId);
    return index == DenseIdIndex::npos ? nullptr : &txs_[index];
}

std::size_t TransactionProjection::indexOf(std::uint64_t txId) const
{
    const std::size_t index = index_.find(txId);
    return index == DenseIdIndex::npos ? txs_.size() : index;
}

std::size_t TransactionProjection::create(std::uint64_t txId, std::uint32_t connection, std::uint64_t seq,
                                          std::int64_t beginNs)
{
    const auto [held, inserted] = index_.tryEmplace(txId, txs_.size());
    if (!inserted) return held;
    ConnectionState& c = connections_[connection];
    TransactionRecord r;
    r.id = txId;
    r.connection = connection;
    r.firstSeq = seq;
    r.beginNs = beginNs;
    r.initialSeesUpTo = newestCommitTs_;
    r.retries = c.pendingAttempt;
    c.pendingAttempt = 0;
    c.current = txs_.size();
    byTime_.add(r.beginNs);
    txs_.push_back(std::move(r));
    return held;
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
    touched_.touch(index);
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

void TransactionProjection::opened(const SpanRecord& span)
{
    if (span.kind != SpanKind::Transaction || span.txId == 0) return;
    // Recorded at TxBegin's instant (a record an earlier event proved keeps its earlier begin).
    const std::size_t index = create(span.txId, span.connection, span.beginSeq, span.txBeginNs);
    TransactionRecord& r = txs_[index];
    r.implicit = false;
    r.mode = span.mode;
    r.beginTs = span.beginTs;
    r.initialSeesUpTo = r.beginTs > 0 ? r.beginTs - 1 : newestCommitTs_;
    // BEGIN's own statement ends after TxBegin and must not count as one that ran.
    connections_[span.connection].statementsRun = spans_.openStatement(span.connection) ? -1 : 0;
    touched_.touch(index);
}

void TransactionProjection::changed(const SpanRecord& span)
{
    // A COMMIT / ROLLBACK statement still running: the outcome is known, the span ends later.
    if (span.kind == SpanKind::Transaction) endExplicit(span);
}

void TransactionProjection::closed(const SpanRecord& span)
{
    if (span.kind == SpanKind::Transaction)
        endExplicit(span);
    else if (span.kind == SpanKind::Statement && !span.cut)
        endWithStatement(span);
}

void TransactionProjection::endExplicit(const SpanRecord& span)
{
    // An open outcome here is a span cut (its end is not in the log): the transaction stays open.
    if (span.outcome == TxOutcome::Open) return;
    const std::size_t index = index_.find(span.txId);
    if (index == DenseIdIndex::npos) return;
    TransactionRecord& r = txs_[index];
    if (r.endNs != kNever) return;
    if (span.outcome == TxOutcome::Committed) {
        r.commitTs = span.commitTs;
        r.commitRows = span.rowsWritten;
        newestCommitTs_ = std::max(newestCommitTs_, r.commitTs);
        end(index, TxPhase::Committed, span.txEndNs);
    } else {
        r.rollbackReason = span.rollbackReason;
        end(index, TxPhase::RolledBack, span.txEndNs);
    }
}

void TransactionProjection::endWithStatement(const SpanRecord& statement)
{
    ConnectionState& c = connections_[statement.connection];
    if (c.current == SIZE_MAX) return;
    const std::size_t index = c.current;
    TransactionRecord& r = txs_[index];
    if (!r.implicit) {
        // The engine counts statements that got past taking the exclusive slot; one refused
        // with BUSY there did not run, so the next may still start a fresh snapshot.
        if (statement.code == 0 || !isBusyCode(statement.code)) ++c.statementsRun;
        return;
    }
    // An implicit transaction still open when its statement ends was ended without an event.
    if (r.doomedNs != kNever) {
        r.rollbackReason = RollbackReason::Conflict;
        end(index, TxPhase::RolledBack, statement.endNs);
    } else if (statement.code != 0) {
        r.rollbackReason = isBusyCode(statement.code) ? RollbackReason::Busy : RollbackReason::StatementError;
        end(index, TxPhase::RolledBack, statement.endNs);
    } else {
        end(index, TxPhase::Committed, statement.endNs);
    }
}

void TransactionProjection::apply(const Event& e)
{
    spans_.setObserver(this); // here, so that a copied or moved projection observes its own spans
    if (e.connection != 0) {
        ConnectionState& c = connections_[e.connection];
        if (e.kind == EventKind::TxRetry) {
            c.pendingAttempt = static_cast<int>(e.a);
            if (c.lastEnded != SIZE_MAX && txs_[c.lastEnded].retriedNs == kNever) {
                txs_[c.lastEnded].retriedNs = e.timeNs;
                touched_.touch(c.lastEnded);
            }
        } else if (e.kind == EventKind::ConnectionClose && c.current != SIZE_MAX &&
                   txs_[c.current].implicit) {
            // Closing rolls back; an explicit transaction learns it from its span.
            TransactionRecord& r = txs_[c.current];
            r.rollbackReason = r.doomedNs != kNever ? RollbackReason::Conflict : RollbackReason::Close;
            end(c.current, TxPhase::RolledBack, e.timeNs);
        }
    }
    // An implicit transaction is its statement: it starts when the statement span does.
    if (e.txId != 0 && e.kind != EventKind::TxBegin && provesTransaction(e) && !index_.contains(e.txId)) {
        const SpanRecord* statement = spans_.openStatement(e.connection);
        create(e.txId, e.connection, e.seq, statement ? std::min(statement->startNs, e.timeNs) : e.timeNs);
    }
    spans_.apply(e); // begins and ends explicit transactions, ends implicit ones with their statement
    if (e.txId == 0) return;
    const std::size_t index = index_.find(e.txId);
    if (index == DenseIdIndex::npos) return;
    TransactionRecord& r = txs_[index];
    switch (e.kind) {
    case EventKind::TxCommit:
        // An implicit transaction's own end (an explicit one's came through its span).
        if (!r.implicit || r.endNs != kNever) return;
        r.commitTs = static_cast<std::uint64_t>(e.a);
        r.commitRows = e.b;
        newestCommitTs_ = std::max(newestCommitTs_, r.commitTs);
        end(index, TxPhase::Committed, e.timeNs);
        return;
    case EventKind::TxRollback:
        if (!r.implicit || r.endNs != kNever) return;
        r.rollbackReason = static_cast<RollbackReason>(e.a);
        end(index, TxPhase::RolledBack, e.timeNs);
        return;
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
