#pragma once
// What the timeline shows, as plain data: spans on tracks, point markers and retry links, all
// per lane (one lane per connection). Built by TimelineModel from trace events; drawn by the
// plottables; hit-tested and described without a screen.

#include "engine/trace/ChunkedVector.h"

#include <cstdint>
#include <limits>

namespace txs::timeline {

// The sorted span lists of one lane. Within a track spans never overlap and are sorted by start
// (and therefore by end), which is what lets drawing and hit testing binary-search them.
enum class Track : std::uint8_t {
    Transaction, // BEGIN .. COMMIT / ROLLBACK
    Statement,   // statement begin .. end (autocommit statements show only here)
    Wait,        // waiting for a lock (LockWait .. acquired / gave up); drawn on the statement row
    LockDb,      // the database file's lock level
    LockWal,     // WAL shm WRITE, CKPT and RECOVER slots
    LockRead,    // WAL shm READ0..4 slots
    LockMvcc,    // the MVCC engine's exclusive slot and commit lock
};
inline constexpr int kTrackCount = 7;
inline constexpr bool isLockTrack(Track t)
{
    return t >= Track::LockDb;
}

// What colour a span gets. The order inside each group matters: merging lock spans keeps the
// strongest (highest) level.
enum class SpanState : std::uint8_t {
    TxActive,     // begun, not finished (or the connection closed under it)
    TxCommitted,  //
    TxRolledBack, // rolled back without a conflict
    TxDoomed,     // a conflict doomed it (whether or not it has rolled back yet)
    StmtRunning,
    StmtOk,
    StmtError,
    Waiting,
    LockShared,
    LockReserved,
    LockPending,
    LockExclusive,
};
inline constexpr int kSpanStateCount = 12;

// States a teacher must not miss even when they merge with many ordinary spans into one pixel.
inline constexpr bool isAlarm(SpanState s)
{
    return s == SpanState::TxDoomed || s == SpanState::StmtError;
}

inline constexpr std::int64_t kOpenEnd = std::numeric_limits<std::int64_t>::max();

struct Span
{
    std::int64_t startNs = 0;
    std::int64_t endNs = kOpenEnd; // kOpenEnd while unfinished: drawn up to "now"
    std::uint64_t txId = 0;
    std::uint64_t beginSeq = 0;
    std::uint64_t endSeq = 0; // seq of the event that ended it; 0 while open
    // Track-specific:
    // Transaction: TxMode; Statement: extended result code; Wait: packWait(resource, level);
    // lock tracks: the levels of the row's resources, 3 bits each (see LockGroups.h).
    std::int64_t detail = 0;
    // Transaction: commit timestamp or RollbackReason; Statement: rows changed.
    std::int64_t extra = 0;
    std::uint32_t text = 0;        // interned: statement SQL
    std::uint32_t error = 0;       // interned: error message (statement error, conflict that doomed a tx)
    std::uint32_t explanation = 0; // interned: the explainer's paragraph for this error
    std::uint32_t read = 0;        // interned: what a query read (statements that ended ok)
    SpanState state = SpanState::TxActive;

    bool open() const { return endNs == kOpenEnd; }
    std::int64_t endOr(std::int64_t nowNs) const
    {
        return open() ? (nowNs > startNs ? nowNs : startNs) : endNs;
    }
};

// A track's spans, in start order: a ChunkedVector, so a lane's track of 600,000 statements
// grows a chunk at a time on the window's thread (a std::vector's doubling copied 40 MB in one
// drain turn, once per lane).
using SpanList = ChunkedVector<Span>;

enum class MarkerKind : std::uint8_t {
    Busy,        // a: extended code (5, 261, 517 ...)
    Conflict,    // a: the other transaction
    BusyHandler, // a: call count, b: microseconds slept
    LockWait,    // a: LockResource, b: LockLevel wanted
    Retry,       // a: attempt
};
inline constexpr int kMarkerKindCount = 5;

struct Marker
{
    std::int64_t timeNs = 0;
    std::uint64_t seq = 0;
    std::uint64_t txId = 0;
    std::int64_t a = 0, b = 0;
    std::uint32_t text = 0;        // interned: message / error code name
    std::uint32_t explanation = 0; // interned
    MarkerKind kind = MarkerKind::Busy;
    std::uint16_t detail = 0; // the event's typed detail: gave up (BusyHandler), ErrorKind (Busy)
};

// From the end of an aborted attempt to the retry that follows it on the same connection.
struct Link
{
    std::int64_t fromNs = 0;
    std::int64_t toNs = 0;
    std::uint64_t fromTx = 0;
    std::uint64_t toSeq = 0;
    std::int64_t attempt = 0; // the retry's attempt number, 0 when the link ends at a TxBegin
};

// A reference to one drawn thing: a span of a track, or a marker, of a lane.
struct ItemRef
{
    enum class Kind : std::uint8_t { Span, Marker };
    Kind kind = Kind::Span;
    Track track = Track::Transaction; // spans only
    std::uint32_t lane = 0;
    std::uint32_t index = 0;
    bool operator==(const ItemRef&) const = default;
};

} // namespace txs::timeline
