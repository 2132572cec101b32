#include "engine/trace/SpanProjection.h"

#include "engine/trace/CommitHold.h"

#include <algorithm>

namespace txs {

namespace {

constexpr std::size_t kResources = 11; // LockResource::DbFile .. MvccCommit

std::size_t resourceIndex(LockResource r)
{
    const auto i = static_cast<std::size_t>(r);
    return i < kResources ? i : kResources - 1;
}

} // namespace

SpanRecord& SpanProjection::begin(std::optional<SpanRecord>& slot, SpanKind kind, const Event& e,
                                  std::int64_t startNs)
{
    SpanRecord& s = slot.emplace();
    s.id = nextId_++;
    s.kind = kind;
    s.connection = e.connection;
    s.txId = e.txId;
    s.startNs = startNs;
    s.beginSeq = e.seq;
    return s;
}

void SpanProjection::opened(const SpanRecord& span)
{
    if (observer_) observer_->opened(span);
}

SpanRecord SpanProjection::holdRecord(std::uint32_t connection, const OpenHold& hold)
{
    SpanRecord s;
    s.id = hold.id;
    s.kind = SpanKind::LockHold;
    s.connection = connection;
    s.txId = hold.txId;
    s.startNs = hold.startNs;
    s.beginSeq = hold.beginSeq;
    s.resource = hold.resource;
    s.level = hold.level;
    s.folded = hold.folded;
    return s;
}

void SpanProjection::closeHold(std::uint32_t connection, const OpenHold& hold, std::int64_t endNs,
                               std::uint64_t endSeq, bool cut)
{
    if (!observer_ && !retain_) return; // nobody sees a closed hold
    SpanRecord span = holdRecord(connection, hold);
    span.endNs = endNs;
    span.endSeq = endSeq;
    span.cut = cut;
    closeRecord(span);
}

void SpanProjection::changed(const SpanRecord& span)
{
    if (observer_) observer_->changed(span);
}

void SpanProjection::closeRecord(SpanRecord& span)
{
    span.endNs = std::max(span.endNs, span.startNs);
    span.dropped = span.cut && afterGap_;
    if (observer_) observer_->closed(span);
    if (!retain_) return;
    if (span.kind == SpanKind::LockHold) closedHolds_[resourceIndex(span.resource)].push_back(closed_.size());
    closed_.push_back(std::move(span));
}

void SpanProjection::close(std::optional<SpanRecord>& slot, std::int64_t endNs, std::uint64_t endSeq,
                           bool cut)
{
    if (!slot) return;
    if (!observer_ && !retain_) {
        slot.reset(); // nobody sees a closed span: not worth moving it out first
        return;
    }
    slot->endNs = endNs;
    if (slot->endSeq == 0) slot->endSeq = endSeq;
    slot->cut = slot->cut || cut;
    SpanRecord span = std::move(*slot);
    slot.reset();
    closeRecord(span);
}

void SpanProjection::closeAll(Conn& c, std::int64_t t, std::uint64_t seq, bool cut)
{
    close(c.sleep, t, seq, cut);
    close(c.lockWait, t, seq, cut);
    close(c.blocked, t, seq, cut);
    close(c.statement, t, seq, cut);
    // A transaction whose end is known keeps it; one still open is cut (or, on close, rolled back
    // by the engine: the caller sets its outcome first).
    close(c.tx, t, seq, cut && !c.txEndsWithStatement);
    c.txEndsWithStatement = c.txBeganInStatement = false;
    for (const OpenHold& hold : c.holds)
        closeHold(c.connection, hold, t, seq, cut);
    c.holds.clear();
}

void SpanProjection::endTransaction(Conn& c, const Event& e)
{
    // Its begin is not in this log, or it ended already (its statement is still running), or
    // the event is about a transaction the engine opened for an autocommit statement.
    if (!c.tx || c.tx->outcome != TxOutcome::Open) {
        // An MVCC autocommit statement's own transaction (no TxBegin): its id goes on the statement.
        if (c.statement && c.statement->txId == 0 && e.txId != 0) c.statement->txId = e.txId;
        return;
    }
    if (e.txId != 0 && c.tx->txId != 0 && e.txId != c.tx->txId) return;
    SpanRecord& tx = *c.tx;
    tx.txEndNs = e.timeNs;
    tx.endSeq = e.seq;
    if (e.kind == EventKind::TxCommit) {
        tx.outcome = TxOutcome::Committed;
        tx.commitTs = static_cast<std::uint64_t>(e.a);
        tx.rowsWritten = e.b;
    } else {
        tx.outcome = TxOutcome::RolledBack;
        tx.rollbackReason = static_cast<RollbackReason>(e.a);
    }
    if (c.statement && c.txBeganInStatement) {
        // Begun and ended inside one statement (an autocommit statement): the transaction lies
        // inside it, with the engine's instants.
        tx.startNs = tx.txBeginNs;
        c.txBeganInStatement = false;
        close(c.tx, e.timeNs, e.seq, false);
    } else if (c.statement) {
        c.txEndsWithStatement = true; // COMMIT / ROLLBACK: the span ends with its statement
        changed(tx);
    } else {
        close(c.tx, e.timeNs, e.seq, false);
    }
}

void SpanProjection::applyStatementEnd(Conn& c, const Event& e)
{
    close(c.sleep, e.timeNs, e.seq, false);
    close(c.lockWait, e.timeNs, e.seq, false);
    if (!c.statement) return; // its begin is not in this log
    SpanRecord& s = *c.statement;
    s.code = e.a;
    s.changes = e.b;
    s.errorKind = e.detail;
    if (e.a != 0)
        s.error = e.text;
    else
        s.read = e.text;
    if (s.txId == 0) s.txId = e.txId;
    close(c.statement, e.timeNs, e.seq, false);
    if (c.txEndsWithStatement) {
        // endSeq stays the TxCommit / TxRollback event's.
        close(c.tx, e.timeNs, 0, false);
    }
    c.txEndsWithStatement = c.txBeganInStatement = false;
}

void SpanProjection::applyLock(Conn& c, const Event& e, bool folded)
{
    const auto resource = static_cast<LockResource>(e.a);
    const auto level = static_cast<LockLevel>(e.b);
    auto it = std::lower_bound(c.holds.begin(), c.holds.end(), resource,
                               [](const OpenHold& h, LockResource r) { return h.resource < r; });
    const bool held = it != c.holds.end() && it->resource == resource;
    if (held) {
        if (it->level == level) return;
        closeHold(c.connection, *it, e.timeNs, e.seq, false);
        if (level == LockLevel::None) {
            c.holds.erase(it);
            return;
        }
    } else {
        if (level == LockLevel::None) return;
        it = c.holds.insert(it, OpenHold{});
    }
    *it = OpenHold{resource, level, nextId_++, e.txId, e.seq, e.timeNs, folded};
    if (observer_) observer_->opened(holdRecord(c.connection, *it));
}

// The LockAcquire / LockRelease pair the TxCommit stands for, at their times: the acquire ends a
// lock wait (at the hold's start) as LockAcquire does; the sleep was ended there by apply().
void SpanProjection::applyCommitHold(Conn& c, const Event& e)
{
    close(c.lockWait, commitHoldStartNs(e), e.seq, false);
    forEachCommitHoldEvent(e, [&](const Event& lock) { applyLock(c, lock, true); });
}

SpanProjection::Conn& SpanProjection::connectionState(std::uint32_t id)
{
    if (Conn* last = last_.find(id)) return *last;
    Conn& c = connections_[id]; // references into an unordered_map stay valid until erased
    c.connection = id;
    last_.remember(id, c);
    return c;
}

void SpanProjection::apply(const Event& e)
{
    latestNs_ = std::max(latestNs_, e.timeNs);
    latestSeq_ = e.seq;
    Conn& c = connectionState(e.connection);
    const std::int64_t t = e.timeNs;
    // A busy-handler sleep lasts until the connection does anything again (a folded commit
    // hold: until the hold began, as its LockAcquire would have ended it).
    if (e.kind != EventKind::BusyHandlerCall)
        close(c.sleep, carriesCommitHold(e) ? commitHoldStartNs(e) : t, e.seq, false);

    switch (e.kind) {
    case EventKind::ConnectionClose:
        if (c.tx && c.tx->outcome == TxOutcome::Open) {
            c.tx->outcome = TxOutcome::RolledBack; // closing a connection rolls its transaction back
            c.tx->rollbackReason = c.tx->doomed ? RollbackReason::Conflict : RollbackReason::Close;
            c.tx->txEndNs = t;
            c.tx->endSeq = e.seq;
            c.txEndsWithStatement = true; // its end is known: not cut
        }
        closeAll(c, t, e.seq, false);
        last_.forget();
        connections_.erase(e.connection);
        return;
    case EventKind::StatementBegin: {
        if (c.statement) {
            // Its end is not in the log: cut it here rather than overlap.
            close(c.statement, t, e.seq, true);
            if (c.txEndsWithStatement) close(c.tx, c.tx->txEndNs, 0, false);
            c.txEndsWithStatement = c.txBeganInStatement = false;
        }
        close(c.lockWait, t, e.seq, false);
        SpanRecord& s = begin(c.statement, SpanKind::Statement, e, t);
        s.sql = e.text;
        opened(s);
        break;
    }
    case EventKind::StatementEnd:
        applyStatementEnd(c, e);
        break;
    case EventKind::TxBegin: {
        std::int64_t start = c.statement ? c.statement->startNs : t;
        if (c.tx) {
            if (c.txEndsWithStatement) {
                // One statement ended a transaction and began this one: they meet at the
                // engine's instants.
                close(c.tx, c.tx->txEndNs, 0, false);
                start = t;
            } else {
                close(c.tx, t, e.seq, true); // its end is not in the log
            }
        }
        SpanRecord& tx = begin(c.tx, SpanKind::Transaction, e, start);
        tx.mode = static_cast<TxMode>(e.a);
        tx.beginTs = static_cast<std::uint64_t>(e.b);
        tx.txBeginNs = t;
        c.txBeganInStatement = c.statement.has_value();
        c.txEndsWithStatement = false;
        opened(tx);
        break;
    }
    case EventKind::TxCommit:
        if (carriesCommitHold(e)) applyCommitHold(c, e);
        endTransaction(c, e);
        break;
    case EventKind::TxRollback:
        endTransaction(c, e);
        break;
    case EventKind::TxDoomed:
        if (c.tx && c.tx->outcome == TxOutcome::Open && !c.tx->doomed &&
            (e.txId == 0 || c.tx->txId == e.txId)) {
            c.tx->doomed = true;
            c.tx->doomedNs = t;
            c.tx->doomMessage = e.text;
            changed(*c.tx);
        }
        break;
    case EventKind::LockWait: {
        const auto resource = static_cast<LockResource>(e.a);
        const auto level = static_cast<LockLevel>(e.b);
        if (c.lockWait && c.lockWait->resource == resource && c.lockWait->level == level)
            break; // the busy handler trying again: the same wait goes on
        close(c.lockWait, t, e.seq, false);
        SpanRecord& w = begin(c.lockWait, SpanKind::Wait, e, t);
        w.cause = WaitCause::Lock;
        w.resource = resource;
        w.level = level;
        opened(w);
        break;
    }
    case EventKind::LockAcquire:
        close(c.lockWait, t, e.seq, false);
        applyLock(c, e);
        break;
    case EventKind::LockRelease:
        applyLock(c, e);
        break;
    case EventKind::BusyHandlerCall:
        close(c.sleep, t, e.seq, false);
        if (e.detail == 1) {
            if (c.lockWait) {
                c.lockWait->gaveUp = true;
                changed(*c.lockWait);
            }
        } else {
            SpanRecord& w = begin(c.sleep, SpanKind::Wait, e, t);
            w.cause = WaitCause::Sleep;
            w.sleepUs = e.b;
            if (c.lockWait) {
                w.resource = c.lockWait->resource;
                w.level = c.lockWait->level;
            }
            opened(w);
        }
        break;
    case EventKind::StatementBlocked: {
        close(c.blocked, t, e.seq, false);
        SpanRecord& w = begin(c.blocked, SpanKind::Wait, e, t);
        w.cause = WaitCause::Blocked;
        w.line = e.a;
        w.sql = e.text;
        opened(w);
        break;
    }
    case EventKind::StatementUnblocked:
        close(c.blocked, t, e.seq, false);
        break;
    default:
        break;
    }
}

void SpanProjection::gap(std::uint64_t dropped)
{
    if (dropped == 0) return;
    afterGap_ = true;
    for (auto& [id, c] : connections_)
        closeAll(c, latestNs_, latestSeq_, true);
    afterGap_ = false;
    last_.forget();
    connections_.clear();
}

void SpanProjection::finish()
{
    for (auto& [id, c] : connections_)
        closeAll(c, latestNs_, latestSeq_, true);
    last_.forget();
    connections_.clear();
}

const SpanRecord* SpanProjection::openTransaction(std::uint32_t connection) const
{
    const auto it = connections_.find(connection);
    return it == connections_.end() || !it->second.tx ? nullptr : &*it->second.tx;
}

const SpanRecord* SpanProjection::openStatement(std::uint32_t connection) const
{
    const auto it = connections_.find(connection);
    return it == connections_.end() || !it->second.statement ? nullptr : &*it->second.statement;
}

const SpanRecord* SpanProjection::openLockWait(std::uint32_t connection) const
{
    const auto it = connections_.find(connection);
    return it == connections_.end() || !it->second.lockWait ? nullptr : &*it->second.lockWait;
}

LockLevel SpanProjection::levelNow(std::uint32_t connection, LockResource resource) const
{
    const auto it = connections_.find(connection);
    if (it == connections_.end()) return LockLevel::None;
    for (const OpenHold& hold : it->second.holds)
        if (hold.resource == resource) return hold.level;
    return LockLevel::None;
}

bool SpanProjection::busy(std::uint32_t connection) const
{
    const auto it = connections_.find(connection);
    if (it == connections_.end()) return false;
    const Conn& c = it->second;
    return c.tx || c.statement || c.lockWait || c.sleep || c.blocked;
}

bool SpanProjection::holdsAny(std::uint32_t connection) const
{
    const auto it = connections_.find(connection);
    return it != connections_.end() && !it->second.holds.empty();
}

std::vector<SpanRecord> SpanProjection::openHolds(std::uint32_t connection) const
{
    std::vector<SpanRecord> out;
    const auto it = connections_.find(connection);
    if (it == connections_.end()) return out;
    for (const OpenHold& hold : it->second.holds)
        out.push_back(holdRecord(connection, hold));
    return out;
}

void SpanProjection::openHoldersOf(LockResource resource, std::vector<HeldBy>& out) const
{
    out.clear();
    for (const auto& [id, c] : connections_)
        for (const OpenHold& hold : c.holds)
            if (hold.resource == resource) out.push_back({id, hold.level});
    std::sort(out.begin(), out.end(),
              [](const HeldBy& x, const HeldBy& y) { return x.connection < y.connection; });
}

namespace {

template <class Covers>
std::vector<SpanRecord> collectHolders(const ChunkedVector<SpanRecord>& closed,
                                       const std::vector<std::size_t>& index, std::vector<SpanRecord> open,
                                       Covers covers)
{
    std::vector<SpanRecord> out;
    for (std::size_t i : index)
        if (covers(closed[i])) out.push_back(closed[i]);
    for (SpanRecord& s : open)
        if (covers(s)) out.push_back(std::move(s));
    std::sort(out.begin(), out.end(), [](const SpanRecord& x, const SpanRecord& y) {
        return x.connection != y.connection ? x.connection < y.connection : x.startNs < y.startNs;
    });
    return out;
}

} // namespace

std::vector<SpanRecord> SpanProjection::openHoldsOn(LockResource resource) const
{
    std::vector<SpanRecord> open;
    for (const auto& [id, c] : connections_)
        for (const OpenHold& hold : c.holds)
            if (hold.resource == resource) open.push_back(holdRecord(id, hold));
    return open;
}

std::vector<SpanRecord> SpanProjection::holdersAt(LockResource resource, std::int64_t t) const
{
    return collectHolders(closed_, closedHolds_[resourceIndex(resource)], openHoldsOn(resource),
                          [&](const SpanRecord& s) { return s.resource == resource && s.coversTime(t); });
}

std::vector<SpanRecord> SpanProjection::holdersAtSeq(LockResource resource, std::uint64_t seq) const
{
    return collectHolders(closed_, closedHolds_[resourceIndex(resource)], openHoldsOn(resource),
                          [&](const SpanRecord& s) { return s.resource == resource && s.coversSeq(seq); });
}

std::vector<SpanRecord> SpanProjection::all() const
{
    std::vector<SpanRecord> out(closed_.begin(), closed_.end());
    std::vector<SpanRecord> open;
    for (const auto& [id, c] : connections_) {
        for (const auto* slot : {&c.tx, &c.statement, &c.lockWait, &c.sleep, &c.blocked})
            if (*slot) open.push_back(**slot);
        for (const OpenHold& hold : c.holds)
            open.push_back(holdRecord(id, hold));
    }
    std::sort(open.begin(), open.end(), [](const SpanRecord& x, const SpanRecord& y) { return x.id < y.id; });
    out.insert(out.end(), open.begin(), open.end());
    return out;
}

std::vector<SpanRecord> SpanProjection::spansAt(SpanKind kind, std::int64_t t) const
{
    std::vector<SpanRecord> out;
    for (const SpanRecord& s : all())
        if (s.kind == kind && s.coversTime(t)) out.push_back(s);
    return out;
}

} // namespace txs
