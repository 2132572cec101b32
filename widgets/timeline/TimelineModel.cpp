#include "widgets/timeline/TimelineModel.h"

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

    switch (e.kind) {
    case EventKind::ConnectionOpen:
        lanes_[lane].closed = false;
        if (!e.text.empty()) lanes_[lane].name = e.text;
        break;
    case EventKind::ConnectionClose:
        closeAll(lane, t, e.seq);
        lanes_[lane].closed = true;
        break;
    case EventKind::StatementBegin: {
        closeSpan(lane, Track::Statement, st.openStmt, t, e.seq);
        Span s;
        s.startNs = t;
        s.txId = e.txId;
        s.beginSeq = e.seq;
        s.text = strings_.intern(e.text);
        s.state = SpanState::StmtRunning;
        st.openStmt = openSpan(lane, Track::Statement, s).index;
        st.lastError.reset();
        break;
    }
    case EventKind::StatementEnd: {
        closeSpan(lane, Track::Wait, st.openWait, t, e.seq);
        if (st.openStmt == kNone) break;
        const ItemRef ref{ItemRef::Kind::Span, Track::Statement, lane, st.openStmt};
        Span& s = lanes_[lane].track(Track::Statement)[st.openStmt];
        s.detail = e.a;
        s.extra = e.b;
        if (s.txId == 0) s.txId = e.txId;
        if (e.a != 0) {
            s.error = strings_.intern(e.text);
            if (!st.lastError) st.lastError = ref;
        }
        closeSpan(lane, Track::Statement, st.openStmt, t, e.seq);
        s.state = e.a == 0 ? SpanState::StmtOk : SpanState::StmtError;
        break;
    }
    case EventKind::TxBegin:
    case EventKind::TxCommit:
    case EventKind::TxRollback:
    case EventKind::TxDoomed:
        applyTransaction(lane, e, t);
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
        if (st.openTx == kNone && !st.pending) st.pending = PendingLink{t, e.txId, false};
        break;
    case EventKind::BusyHandlerCall:
        addMarker(lane, MarkerKind::BusyHandler, e, t);
        break;
    case EventKind::LockWait:
        addMarker(lane, MarkerKind::LockWait, e, t);
        applyWait(lane, e, t);
        break;
    case EventKind::LockAcquire:
    case EventKind::LockRelease:
        applyLock(lane, e, t);
        break;
    case EventKind::Explanation:
        if (st.lastError) {
            const auto id = strings_.intern(e.text);
            if (st.lastError->kind == ItemRef::Kind::Marker)
                lanes_[lane].markers[st.lastError->index].explanation = id;
            else
                lanes_[lane].track(st.lastError->track)[st.lastError->index].explanation = id;
            seqIndex_.emplace_back(e.seq, *st.lastError);
        }
        break;
    default:
        break;
    }
}

std::uint32_t TimelineModel::laneFor(const Event& e)
{
    if (auto it = laneByConnection_.find(e.connection); it != laneByConnection_.end()) return it->second;
    const auto lane = static_cast<std::uint32_t>(lanes_.size());
    lanes_.emplace_back();
    lanes_.back().connection = e.connection;
    lanes_.back().name = defaultName(e.connection);
    states_.emplace_back();
    laneByConnection_.emplace(e.connection, lane);
    return lane;
}

ItemRef TimelineModel::openSpan(std::uint32_t lane, Track track, const Span& span)
{
    auto& list = lanes_[lane].track(track);
    list.push_back(span);
    return {ItemRef::Kind::Span, track, lane, static_cast<std::uint32_t>(list.size() - 1)};
}

void TimelineModel::closeSpan(std::uint32_t lane, Track track, std::uint32_t& open, std::int64_t t,
                              std::uint64_t seq)
{
    if (open == kNone) return;
    Span& s = lanes_[lane].track(track)[open];
    s.endNs = t;
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

void TimelineModel::applyTransaction(std::uint32_t lane, const Event& e, std::int64_t t)
{
    LaneState& st = states_[lane];
    auto& txs = lanes_[lane].track(Track::Transaction);
    switch (e.kind) {
    case EventKind::TxBegin: {
        closeSpan(lane, Track::Transaction, st.openTx, t,
                  e.seq); // a BEGIN without an end: leave it unfinished
        if (st.pending && st.pending->strong)
            lanes_[lane].links.push_back({st.pending->fromNs, t, st.pending->fromTx, e.seq, 0});
        st.pending.reset();
        Span s;
        s.startNs = t;
        s.txId = e.txId;
        s.beginSeq = e.seq;
        s.detail = e.a;
        s.extra = e.b;
        s.state = SpanState::TxActive;
        const auto ref = openSpan(lane, Track::Transaction, s);
        st.openTx = ref.index;
        txIndex_[e.txId] = ref;
        break;
    }
    case EventKind::TxDoomed:
        if (st.openTx != kNone) {
            Span& s = txs[st.openTx];
            s.state = SpanState::TxDoomed;
            s.error = strings_.intern(e.text);
        }
        break;
    case EventKind::TxCommit:
    case EventKind::TxRollback: {
        const bool commit = e.kind == EventKind::TxCommit;
        if (st.openTx == kNone) {
            // An autocommit transaction: it lives inside its statement, which the timeline shows.
            if (st.openStmt != kNone) {
                lanes_[lane].track(Track::Statement)[st.openStmt].txId = e.txId;
                txIndex_[e.txId] = {ItemRef::Kind::Span, Track::Statement, lane, st.openStmt};
            }
            if (commit) st.pending.reset();
            break;
        }
        Span& s = txs[st.openTx];
        s.extra = e.a;
        if (commit) {
            s.state = SpanState::TxCommitted;
            st.pending.reset();
        } else {
            const bool doomed = s.state == SpanState::TxDoomed;
            if (!doomed) s.state = SpanState::TxRolledBack;
            const bool forReason = e.a != static_cast<std::int64_t>(RollbackReason::User);
            st.pending = PendingLink{t, s.txId, doomed || forReason};
        }
        closeSpan(lane, Track::Transaction, st.openTx, t, e.seq);
        break;
    }
    default:
        break;
    }
}

void TimelineModel::applyLock(std::uint32_t lane, const Event& e, std::int64_t t)
{
    LaneState& st = states_[lane];
    if (e.kind == EventKind::LockAcquire) closeSpan(lane, Track::Wait, st.openWait, t, e.seq);
    const auto resource = static_cast<LockResource>(e.a);
    const Track track = lockTrackOf(resource);
    if (!isLockTrack(track)) return;
    const int slot = static_cast<int>(track) - static_cast<int>(Track::LockDb);
    const std::int64_t before = st.lockPacked[slot];
    const std::int64_t after = packLevel(before, track, resource, static_cast<LockLevel>(e.b));
    if (after == before) return;
    st.lockPacked[slot] = after;
    closeSpan(lane, track, st.openLock[slot], t, e.seq);
    if (after == 0) return;
    Span s;
    s.startNs = t;
    s.txId = e.txId;
    s.beginSeq = e.seq;
    s.detail = after;
    s.state = lockStateOf(after, track);
    st.openLock[slot] = openSpan(lane, track, s).index;
    lockTracksUsed_ |= 1u << slot;
}

void TimelineModel::applyWait(std::uint32_t lane, const Event& e, std::int64_t t)
{
    LaneState& st = states_[lane];
    const std::int64_t what = packWait(e.a, e.b);
    if (st.openWait != kNone && lanes_[lane].track(Track::Wait)[st.openWait].detail == what)
        return; // the busy handler trying again: the same wait goes on
    closeSpan(lane, Track::Wait, st.openWait, t, e.seq);
    Span s;
    s.startNs = t;
    s.txId = e.txId;
    s.beginSeq = e.seq;
    s.detail = what;
    s.state = SpanState::Waiting;
    st.openWait = openSpan(lane, Track::Wait, s).index;
}

void TimelineModel::closeAll(std::uint32_t lane, std::int64_t t, std::uint64_t seq)
{
    LaneState& st = states_[lane];
    closeSpan(lane, Track::Transaction, st.openTx, t, seq);
    closeSpan(lane, Track::Statement, st.openStmt, t, seq);
    closeSpan(lane, Track::Wait, st.openWait, t, seq);
    for (int slot = 0; slot < 4; ++slot) {
        closeSpan(lane, static_cast<Track>(static_cast<int>(Track::LockDb) + slot), st.openLock[slot], t,
                  seq);
        st.lockPacked[slot] = 0;
    }
    st.pending.reset();
}

void TimelineModel::clear()
{
    const auto revision = revision_;
    const bool showInternal = showInternal_;
    *this = TimelineModel{};
    revision_ = revision + 1; // never repeat a revision a cache may hold
    showInternal_ = showInternal;
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
    for (std::uint32_t lane = 0; lane < lanes_.size(); ++lane) {
        for (int k = 0; k < kTrackCount; ++k) {
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
    if (auto it = txIndex_.find(txId); it != txIndex_.end()) return it->second;
    return std::nullopt;
}

} // namespace txs::timeline
