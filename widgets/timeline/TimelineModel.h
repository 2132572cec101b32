#pragma once
// The timeline's data, built incrementally from trace events: one lane per connection (in order
// of first appearance), each with sorted span lists per track, point markers, and links from
// aborted attempts to their retries. Appending a batch touches only the lanes it concerns and
// the spans still open, so live updates never rebuild; a million events take well under a
// second (bench/gui/bench_timeline.cpp).
//
// The spans are not built here: transactions, statements, lock waits and lock holds come from
// the one SpanProjection (engine/trace/SpanProjection.h), which also feeds the Chrome trace and
// the explainer, so every view draws the same boundaries. This model only lays them out on
// tracks (lock holds of several resources share a row, see LockGroups.h) and adds the point
// markers and retry links.
//
// Events must come in seq order (TraceLog::readSince batches do). Times are clamped to be
// non-decreasing per lane, so each track stays sorted even if clocks of different threads
// disagree slightly.

#include "engine/trace/ChunkedVector.h"
#include "engine/trace/DenseIdIndex.h"
#include "engine/trace/Event.h"
#include "engine/trace/SpanProjection.h"
#include "widgets/timeline/SpanBlocks.h"
#include "widgets/timeline/StringPool.h"
#include "widgets/timeline/TimelineTypes.h"

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace txs::timeline {

struct Lane
{
    std::uint32_t connection = 0;
    std::string name;
    std::array<SpanList, kTrackCount> tracks;
    std::vector<Marker> markers; // sorted by time
    std::vector<Link> links;     // sorted by toNs
    bool closed = false;
    // Summaries of each track's closed spans for drawing a zoomed-out view (SpanBlocks.h), made
    // by the draw as it needs them; they go with the lane.
    mutable std::array<SpanBlocks, kTrackCount> blocks;

    const SpanList& track(Track t) const { return tracks[static_cast<int>(t)]; }
    SpanList& track(Track t) { return tracks[static_cast<int>(t)]; }
};

class TimelineModel : private SpanObserver
{
public:
    TimelineModel();
    TimelineModel(const TimelineModel&) = delete;
    TimelineModel& operator=(const TimelineModel&) = delete;

    void append(std::span<const Event> events);
    void append(const Event& event);
    void clear();
    // Whether the engine's internal connection (id 0: the SQLite backend's opener, which sets the
    // journal mode) gets a lane. Off by default; applies to events appended afterwards, so
    // callers clear and re-append when they change it. clear() keeps it.
    void setShowInternal(bool show) { showInternal_ = show; }
    bool showInternal() const { return showInternal_; }

    const std::vector<Lane>& lanes() const { return lanes_; }
    std::optional<std::uint32_t> laneOf(std::uint32_t connection) const;

    bool empty() const { return eventCount_ == 0; }
    std::uint64_t eventCount() const { return eventCount_; }
    std::uint64_t nextSeq() const { return nextSeq_; } // seq after the last event appended
    std::int64_t startNs() const { return startNs_; }  // time of the earliest event
    std::int64_t endNs() const { return endNs_; }      // time of the latest event: unfinished spans end here
    // Bit (track - Track::LockDb) for every lock track some lane used.
    unsigned lockTracksUsed() const { return lockTracksUsed_; }
    // Changes with every append and clear, for caches.
    std::uint64_t revision() const { return revision_; }

    const std::string& text(std::uint32_t id) const { return strings_.at(id); }
    const Span& span(const ItemRef& ref) const { return lanes_[ref.lane].track(ref.track)[ref.index]; }
    const Marker& marker(const ItemRef& ref) const { return lanes_[ref.lane].markers[ref.index]; }
    // Start of a span, time of a marker.
    std::int64_t timeOf(const ItemRef& ref) const;

    // The marker of event `seq`, the error an Explanation event explains, or the span that
    // event `seq` began or ended (transaction, statement, wait, lock level).
    std::optional<ItemRef> findEvent(std::uint64_t seq) const;
    // The transaction span of `txId`, or the statement span of an autocommit transaction.
    std::optional<ItemRef> findTransaction(std::uint64_t txId) const;

private:
    struct PendingLink
    {
        std::int64_t fromNs = 0;
        std::uint64_t fromTx = 0;
        bool strong = false; // doomed or rolled back for a reason: a later BEGIN is its retry
    };
    static constexpr std::uint32_t kNone = 0xffffffffu;
    // Builder state of one lane: what is still open.
    struct LaneState
    {
        std::int64_t lastNs = std::numeric_limits<std::int64_t>::min();
        std::uint32_t openStmt = kNone;
        std::array<std::uint32_t, 4> openLock{kNone, kNone, kNone, kNone};
        std::array<std::int64_t, 4> lockPacked{}; // what the row's open span shows
        std::array<std::int64_t, 4> lockWanted{}; // what the projection's holds say now
        std::uint64_t lockTx = 0;
        std::optional<PendingLink> pending;
        std::optional<ItemRef> lastError; // of the current statement, for its Explanation
    };

    // SpanObserver: the projection's spans become this model's track spans.
    void opened(const SpanRecord& span) override;
    void changed(const SpanRecord& span) override;
    void closed(const SpanRecord& span) override;
    void holdChanged(const SpanRecord& hold, LockLevel level);
    void explain(const ItemRef& error, const Event& explanation);
    void flushLocks(std::uint32_t lane, std::int64_t t, std::uint64_t seq);
    void foldedHold(const SpanRecord& hold); // a hold reported whole (TxCommit's commit hold)

    Span& mutableSpan(const ItemRef& ref) { return lanes_[ref.lane].track(ref.track)[ref.index]; }
    std::uint32_t laneFor(const Event& event);
    std::uint32_t laneFor(std::uint32_t connection);
    ItemRef openSpan(std::uint32_t lane, Track track, Span span);
    void closeSpan(std::uint32_t lane, Track track, std::uint32_t& open, std::int64_t t, std::uint64_t seq);
    ItemRef addMarker(std::uint32_t lane, MarkerKind kind, const Event& event, std::int64_t t);

    SpanProjection spans_{false};
    std::unordered_map<std::uint64_t, ItemRef> openRefs_; // projection span id -> drawn span

    std::vector<Lane> lanes_;
    std::vector<LaneState> states_;
    std::unordered_map<std::uint32_t, std::uint32_t> laneByConnection_;
    // Transaction id -> its span: a DenseIdIndex (ids are handed out in order; it grows a page at
    // a time, where an unordered_map of 3M entries rehashed them all inside one drain turn) into
    // a store that never moves.
    DenseIdIndex txIndex_; // tx id -> position in txRefs_
    ChunkedVector<ItemRef> txRefs_;
    void setTransactionRef(std::uint64_t txId, const ItemRef& ref);
    std::vector<std::pair<std::uint64_t, ItemRef>> seqIndex_; // markers and explanations, by seq
    // Errors whose explanation may come later (a workers phase), by StatementEnd seq; bounded.
    std::map<std::uint64_t, ItemRef> awaitingExplanation_;
    static constexpr std::size_t kMaxAwaitingExplanations = 1 << 16;
    StringPool strings_;
    std::uint64_t eventCount_ = 0, nextSeq_ = 0, revision_ = 0;
    std::int64_t startNs_ = 0, endNs_ = 0;
    unsigned lockTracksUsed_ = 0;
    bool showInternal_ = false;
};

} // namespace txs::timeline
