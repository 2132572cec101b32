#include "widgets/timeline/TimelineModel.h"

#include "engine/trace/ExplainRule.h"
#include "widgets/timeline/LockGroups.h"

#include <algorithm>

namespace txs::timeline {

namespace {

// Events of connection 0 that still belong on a lane: the SQLite backend's own connection
// (opening the database, setting the journal mode) takes locks as connection 0. Run notes and
// phase markers of connection 0 do not make a lane.
bool isLaneEvent(EventKind kind)
{
    switch (kind) {
    case EventKind::RunBegin:
    case EventKind::RunEnd:
    case EventKind::Note:
    case EventKind::PhaseBegin:
    case EventKind::Checkpoint:
    case EventKind::TableCreated:
    case EventKind::TableDropped:
    case EventKind::VersionCreated:
    case EventKind::VersionEnded:
    case EventKind::VersionReclaimed:
    case EventKind::VersionRead:
    case EventKind::RangeRead:
    case EventKind::ProcessStart:
    case EventKind::WalGauge:
        return false;
    default:
        return true;
    }
}

std::string defaultName(std::uint32_t connection)
{
    return connection == 0 ? std::string("engine") : "connection " + std::to_string(connection);
}

} // namespace

TimelineModel::TimelineModel()
{
    spans_.setObserver(this);
}

void TimelineModel::append(std::span<const Event> events)
{
    for (const auto& e : events)
        append(e);
}

void TimelineModel::append(const Event& e)
{
    ++revision_;
    if (eventCount_ == 0 || e.timeNs < startNs_) startNs_ = e.timeNs;
    if (eventCount_ == 0 || e.timeNs > endNs_) endNs_ = e.timeNs;
    ++eventCount_;
    nextSeq_ = std::max(nextSeq_, e.seq + 1);
    // Connection 0 is the engine's own (the SQLite backend's opener): no lane unless asked.
    if (e.connection == 0 && (!showInternal_ || !isLaneEvent(e.kind))) return;

    const std::uint32_t lane = laneFor(e);
    LaneState& st = states_[lane];
    const std::int64_t t = std::max(e.timeNs, st.lastNs);
    st.lastNs = t;

    // An autocommit transaction (no TxBegin) lives inside its statement, which the timeline shows.
    if (e.kind == EventKind::TxCommit || e.kind == EventKind::TxRollback) {
        const SpanRecord* tx = spans_.openTransaction(e.connection);
        if (!tx || tx->outcome != TxOutcome::Open) {
            if (st.openStmt != kNone) {
                lanes_[lane].track(Track::Statement)[st.openStmt].txId = e.txId;
                setTransactionRef(e.txId, {ItemRef::Kind::Span, Track::Statement, lane, st.openStmt});
            }
            if (e.kind == EventKind::TxCommit) st.pending.reset();
        }
    }
    if (e.kind == EventKind::TxBegin && st.pending) {
        if (st.pending->strong)
            lanes_[lane].links.push_back({st.pending->fromNs, t, st.pending->fromTx, e.seq, 0});
        st.pending.reset();
    }

    spans_.apply(e); // spans open, change and close through the observer
    flushLocks(lane, t, e.seq);

    switch (e.kind) {
    case EventKind::ConnectionOpen:
        lanes_[lane].closed = false;
        if (!e.text.empty()) lanes_[lane].name = e.text;
        break;
    case EventKind::ConnectionClose:
        lanes_[lane].closed = true;
        st.pending.reset();
        break;
    case EventKind::TxRetry:
        addMarker(lane, MarkerKind::Retry, e, t);
        if (st.pending) {
            lanes_[lane].links.push_back({st.pending->fromNs, t, st.pending->fromTx, e.seq, e.a});
            st.pending.reset();
        }
        break;
    case EventKind::Conflict:
        st.lastError = addMarker(lane, MarkerKind::Conflict, e, t);
        break;
    case EventKind::Busy:
        st.lastError = addMarker(lane, MarkerKind::Busy, e, t);
        // A BUSY outside a transaction (an autocommit statement) is an aborted attempt too.
        if (!spans_.openTransaction(e.connection) && !st.pending) st.pending = PendingLink{t, e.txId, false};
        break;
    case EventKind::BusyHandlerCall:
        addMarker(lane, MarkerKind::BusyHandler, e, t);
        break;
    case EventKind::LockWait:
        addMarker(lane, MarkerKind::LockWait, e, t);
        break;
    case EventKind::StatementEnd:
        // A workers phase explains its errors later, naming this event (Explanation's table).
        if (e.a != 0 && st.lastError) {
            awaitingExplanation_[e.seq] = *st.lastError;
            if (awaitingExplanation_.size() > kMaxAwaitingExplanations)
                awaitingExplanation_.erase(awaitingExplanation_.begin());
        }
        break;
    case EventKind::Explanation:
        if (const std::uint64_t end = explainedStatementEnd(e.seq, e.detail, e.table)) {
            if (auto it = awaitingExplanation_.find(end); it != awaitingExplanation_.end()) {
                explain(it->second, e);
                awaitingExplanation_.erase(it);
            }
        } else if (st.lastError) {
            explain(*st.lastError, e);
        }
        break;
    default:
        break;
    }
}

void TimelineModel::opened(const SpanRecord& r)
{
    const std::uint32_t lane = laneFor(r.connection);
    LaneState& st = states_[lane];
    Span s;
    s.startNs = r.startNs;
    s.txId = r.txId;
    s.beginSeq = r.beginSeq;
    switch (r.kind) {
    case SpanKind::Transaction: {
        s.detail = static_cast<std::int64_t>(r.mode);
        s.extra = static_cast<std::int64_t>(r.beginTs);
        s.state = SpanState::TxActive;
        const ItemRef ref = openSpan(lane, Track::Transaction, s);
        openRefs_[r.id] = ref;
        setTransactionRef(r.txId, ref);
        break;
    }
    case SpanKind::Statement: {
        s.text = strings_.intern(r.sql);
        s.state = SpanState::StmtRunning;
        const ItemRef ref = openSpan(lane, Track::Statement, s);
        openRefs_[r.id] = ref;
        st.openStmt = ref.index;
        st.lastError.reset();
        break;
    }
    case SpanKind::Wait:
        // Busy-handler sleeps nest inside their lock wait and show as markers; blocked
        // statements (between tries) are told by the statement spans and markers.
        if (r.cause != WaitCause::Lock) break;
        s.detail = packWait(static_cast<std::int64_t>(r.resource), static_cast<std::int64_t>(r.level));
        s.state = SpanState::Waiting;
        openRefs_[r.id] = openSpan(lane, Track::Wait, s);
        break;
    case SpanKind::LockHold:
        if (!r.folded) holdChanged(r, r.level); // a folded one is drawn whole when it closes
        break;
    }
}

void TimelineModel::changed(const SpanRecord& r)
{
    if (r.kind != SpanKind::Transaction) return;
    const auto it = openRefs_.find(r.id);
    if (it == openRefs_.end()) return;
    Span& s = mutableSpan(it->second);
    if (r.doomed && s.state != SpanState::TxDoomed) {
        s.state = SpanState::TxDoomed;
        s.error = strings_.intern(r.doomMessage);
    }
}

void TimelineModel::closed(const SpanRecord& r)
{
    if (r.kind == SpanKind::LockHold) {
        if (r.folded)
            foldedHold(r);
        else
            holdChanged(r, LockLevel::None);
        return;
    }
    const auto it = openRefs_.find(r.id);
    if (it == openRefs_.end()) return;
    const ItemRef ref = it->second;
    openRefs_.erase(it);
    Span& s = mutableSpan(ref);
    LaneState& st = states_[ref.lane];
    s.endNs = std::max(r.endNs, s.startNs);
    s.endSeq = r.endSeq;
    switch (r.kind) {
    case SpanKind::Transaction:
        if (r.outcome == TxOutcome::Committed) {
            s.extra = static_cast<std::int64_t>(r.commitTs);
            s.state = SpanState::TxCommitted;
            st.pending.reset();
        } else if (r.outcome == TxOutcome::RolledBack) {
            s.extra = static_cast<std::int64_t>(r.rollbackReason);
            if (!r.doomed) s.state = SpanState::TxRolledBack;
            const bool forReason = r.rollbackReason != RollbackReason::User;
            st.pending = PendingLink{s.endNs, r.txId, r.doomed || forReason};
        }
        break;
    case SpanKind::Statement:
        st.openStmt = kNone;
        if (r.cut) break; // its end is not in the log: it stays "running" up to the next one
        s.detail = r.code;
        s.extra = r.changes;
        s.txId = r.txId;
        if (r.code != 0) {
            s.error = strings_.intern(r.error);
            if (!st.lastError) st.lastError = ref;
        } else if (!r.read.empty()) {
            s.read = strings_.intern(r.read);
        }
        s.state = r.code == 0 ? SpanState::StmtOk : SpanState::StmtError;
        break;
    default:
        break;
    }
}

// The projection keeps one hold per (resource, level); a row packs several resources, so a row
// span changes when any of them does. Changes are applied once per event (flushLocks), so a
// level change (one hold closes, the next opens) never leaves an empty span between them.
void TimelineModel::holdChanged(const SpanRecord& hold, LockLevel level)
{
    const Track track = lockTrackOf(hold.resource);
    if (!isLockTrack(track)) return;
    const std::uint32_t lane = laneFor(hold.connection);
    LaneState& st = states_[lane];
    const int slot = static_cast<int>(track) - static_cast<int>(Track::LockDb);
    st.lockWanted[slot] = packLevel(st.lockWanted[slot], track, hold.resource, level);
    if (level != LockLevel::None) st.lockTx = hold.txId;
}

void TimelineModel::flushLocks(std::uint32_t lane, std::int64_t t, std::uint64_t seq)
{
    LaneState& st = states_[lane];
    for (int slot = 0; slot < 4; ++slot) {
        if (st.lockWanted[slot] == st.lockPacked[slot]) continue;
        const auto track = static_cast<Track>(static_cast<int>(Track::LockDb) + slot);
        const std::int64_t after = st.lockWanted[slot];
        st.lockPacked[slot] = after;
        closeSpan(lane, track, st.openLock[slot], t, seq);
        if (after == 0) continue;
        Span s;
        s.startNs = t;
        s.txId = st.lockTx;
        s.beginSeq = seq;
        s.detail = after;
        s.state = lockStateOf(after, track);
        st.openLock[slot] = openSpan(lane, track, s).index;
        lockTracksUsed_ |= 1u << slot;
    }
}

// A hold that arrives whole, after its start (the MVCC commit lock carried by TxCommit): the row
// shows what a LockAcquire at its start and a LockRelease at its end would have shown. The
// row's open span (if any: what else the connection holds on the row) is cut at the hold's
// start, the row with the hold added runs to its end, and the row as it was goes on from there.
void TimelineModel::foldedHold(const SpanRecord& hold)
{
    const Track track = lockTrackOf(hold.resource);
    if (!isLockTrack(track)) return;
    const std::uint32_t lane = laneFor(hold.connection);
    LaneState& st = states_[lane];
    const int slot = static_cast<int>(track) - static_cast<int>(Track::LockDb);
    const std::int64_t before = st.lockPacked[slot];
    const std::uint64_t beforeTx = st.lockTx;
    closeSpan(lane, track, st.openLock[slot], hold.startNs, hold.beginSeq);
    Span s;
    s.startNs = hold.startNs;
    s.txId = hold.txId;
    s.beginSeq = hold.beginSeq;
    s.detail = packLevel(before, track, hold.resource, hold.level);
    s.state = lockStateOf(s.detail, track);
    std::uint32_t held = openSpan(lane, track, s).index;
    closeSpan(lane, track, held, hold.endNs, hold.endSeq);
    lockTracksUsed_ |= 1u << slot;
    if (before == 0) return;
    Span rest;
    rest.startNs = hold.endNs;
    rest.txId = beforeTx;
    rest.beginSeq = hold.endSeq;
    rest.detail = before;
    rest.state = lockStateOf(before, track);
    st.openLock[slot] = openSpan(lane, track, rest).index;
}

std::uint32_t TimelineModel::laneFor(const Event& e)
{
    return laneFor(e.connection);
}

std::uint32_t TimelineModel::laneFor(std::uint32_t connection)
{
    if (auto it = laneByConnection_.find(connection); it != laneByConnection_.end()) return it->second;
    const auto lane = static_cast<std::uint32_t>(lanes_.size());
    lanes_.emplace_back();
    lanes_.back().connection = connection;
    lanes_.back().name = defaultName(connection);
    states_.emplace_back();
    laneByConnection_.emplace(connection, lane);
    return lane;
}

// Spans of one track never overlap and stay sorted: a span that would start before the end of
// the previous one (threads' clocks differ slightly) starts there instead.
ItemRef TimelineModel::openSpan(std::uint32_t lane, Track track, Span span)
{
    auto& list = lanes_[lane].track(track);
    if (!list.empty() && !list.back().open()) span.startNs = std::max(span.startNs, list.back().endNs);
    list.push_back(span);
    return {ItemRef::Kind::Span, track, lane, static_cast<std::uint32_t>(list.size() - 1)};
}

void TimelineModel::closeSpan(std::uint32_t lane, Track track, std::uint32_t& open, std::int64_t t,
                              std::uint64_t seq)
{
    if (open == kNone) return;
    Span& s = lanes_[lane].track(track)[open];
    s.endNs = std::max(t, s.startNs);
    s.endSeq = seq;
    open = kNone;
}

ItemRef TimelineModel::addMarker(std::uint32_t lane, MarkerKind kind, const Event& e, std::int64_t t)
{
    auto& markers = lanes_[lane].markers;
    markers.push_back({t, e.seq, e.txId, e.a, e.b, strings_.intern(e.text), 0, kind, e.detail});
    const ItemRef ref{ItemRef::Kind::Marker, Track::Transaction, lane,
                      static_cast<std::uint32_t>(markers.size() - 1)};
    seqIndex_.emplace_back(e.seq, ref);
    return ref;
}

void TimelineModel::clear()
{
    const auto revision = revision_;
    lanes_.clear();
    states_.clear();
    laneByConnection_.clear();
    txIndex_.clear();
    txRefs_.clear();
    seqIndex_.clear();
    awaitingExplanation_.clear();
    strings_.clear();
    eventCount_ = nextSeq_ = 0;
    startNs_ = endNs_ = 0;
    lockTracksUsed_ = 0;
    spans_ = SpanProjection(false);
    spans_.setObserver(this);
    openRefs_.clear();
    revision_ = revision + 1; // never repeat a revision a cache may hold; showInternal_ stays
}

std::optional<std::uint32_t> TimelineModel::laneOf(std::uint32_t connection) const
{
    if (auto it = laneByConnection_.find(connection); it != laneByConnection_.end()) return it->second;
    return std::nullopt;
}

std::int64_t TimelineModel::timeOf(const ItemRef& ref) const
{
    return ref.kind == ItemRef::Kind::Marker ? marker(ref).timeNs : span(ref).startNs;
}

std::optional<ItemRef> TimelineModel::findEvent(std::uint64_t seq) const
{
    auto it = std::lower_bound(seqIndex_.begin(), seqIndex_.end(), seq,
                               [](const auto& entry, std::uint64_t s) { return entry.first < s; });
    if (it != seqIndex_.end() && it->first == seq) return it->second;
    // Spans of one track begin in seq order: the candidate is the last one beginning at or before seq.
    // The statement track first: a statement's Begin that carries its transaction's TxBegin
    // (engine/trace/StatementFold.h) has that transaction's begin seq too, and the event is the
    // statement's.
    for (std::uint32_t lane = 0; lane < lanes_.size(); ++lane) {
        for (int order = 0; order < kTrackCount; ++order) {
            const int k = order == 0   ? static_cast<int>(Track::Statement)
                          : order == 1 ? static_cast<int>(Track::Transaction)
                                       : order;
            const auto& list = lanes_[lane].tracks[k];
            auto s = std::upper_bound(list.begin(), list.end(), seq,
                                      [](std::uint64_t q, const Span& span) { return q < span.beginSeq; });
            if (s == list.begin()) continue;
            --s;
            if (s->beginSeq == seq || (!s->open() && s->endSeq == seq))
                return ItemRef{ItemRef::Kind::Span, static_cast<Track>(k), lane,
                               static_cast<std::uint32_t>(s - list.begin())};
        }
    }
    return std::nullopt;
}

std::optional<ItemRef> TimelineModel::findTransaction(std::uint64_t txId) const
{
    if (const std::size_t at = txIndex_.find(txId); at != DenseIdIndex::npos) return txRefs_[at];
    return std::nullopt;
}

void TimelineModel::setTransactionRef(std::uint64_t txId, const ItemRef& ref)
{
    const auto [at, added] = txIndex_.tryEmplace(txId, txRefs_.size());
    if (added)
        txRefs_.push_back(ref);
    else
        txRefs_[at] = ref;
}

// Why, then the rule's fix on a line of its own (the event carries only the why).
void TimelineModel::explain(const ItemRef& error, const Event& e)
{
    const std::string fix = explainRuleFix(explainRuleOf(e.a));
    const auto id = strings_.intern(fix.empty() ? e.text : e.text + "\nFix: " + fix);
    if (error.kind == ItemRef::Kind::Marker)
        lanes_[error.lane].markers[error.index].explanation = id;
    else
        lanes_[error.lane].track(error.track)[error.index].explanation = id;
    seqIndex_.emplace_back(e.seq, error);
}

} // namespace txs::timeline
