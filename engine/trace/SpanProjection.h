#pragma once
// The one span projection of the trace log: transactions, statements, waits and lock holds of
// every connection, as intervals. The timeline, the Chrome-trace export and the explainer all
// read their spans from here, so they cannot disagree about where a span begins or ends.
//
// Fed events in seq order (batch by batch, as the log is drained), it keeps each connection's
// open spans and reports every span to an optional SpanObserver when it opens, changes and
// closes. With retain on (the default) it also keeps the closed spans, so the state at any
// instant can be asked (time travel); the Chrome-trace writer turns retain off and streams.
//
// Boundaries (docs/engine.md, "Spans"):
// - Transaction: from the start of the statement in which TxBegin happened (BEGIN ...) to the end
//   of the statement in which TxCommit / TxRollback happened (COMMIT, ROLLBACK, or the statement
//   whose error rolled it back); an end or begin outside any statement (a connection closing,
//   the runner's own rollback) is the event's own time. So a transaction covers the statements
//   that made and ended it, and the span nests: statements sit inside transactions. The engine's
//   exact instants stay in txBeginNs / txEndNs (what time travel's "active at t" uses).
//   A transaction begun and ended inside one statement (an autocommit statement that emits
//   TxBegin) lies inside it, from TxBegin to its end event.
//   Only transactions with a TxBegin are transaction spans. A transaction the engine opened for
//   one autocommit statement (no TxBegin) is that statement: its id is on the statement span.
//   When one statement ends a transaction and begins the next, they meet at the engine's
//   instants instead, so they never overlap.
// - Statement: StatementBegin .. StatementEnd. A statement still running when the next one
//   begins on its connection (its end is not in the log) is cut there.
// - Wait, three causes, never overlapping within a cause:
//   * Lock: from a LockWait until the connection acquires any lock, waits for something else
//     (a new wait), ends the statement, or closes. The busy handler retrying the same request
//     (LockWait again for the same resource and level) continues the same wait. Releases do not
//     end it (a WAL writer drops its read lock between tries). gaveUp: the busy handler gave up.
//   * Sleep: a busy-handler sleep, from BusyHandlerCall (emitted before sleeping) to the
//     connection's next event; a call that gives up (detail 1) sleeps not. Nests in a lock wait.
//   * Blocked: step mode's blocked statement, from StatementBlocked to StatementUnblocked (or the
//     connection's close), between the statement's tries.
// - Lock hold: one span per (connection, resource, level): LockAcquire / LockRelease events
//   carry the level now held, and each change of level closes one hold and opens the next.
//   A TxCommit that carries the MVCC commit lock's hold (engine/trace/CommitHold.h) is that
//   pair at its two times, just before the commit itself: the hold is opened and closed at
//   once (folded), and the acquire ends a lock wait and a sleep at the hold's start.
//
// Dropped events (a bounded trace window): gap() closes every open span at the latest time
// seen, marked cut, and forgets the connections' states; an end whose begin was dropped is
// ignored. Spans still open at the end are open (endNs == kNever), or cut by finish().

#include "engine/api/Connection.h"
#include "engine/trace/ChunkedVector.h"
#include "engine/trace/Event.h"
#include "engine/trace/LastConnection.h"
#include "engine/trace/ProjectionTimes.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace txs {

enum class SpanKind : std::uint8_t { Transaction, Statement, Wait, LockHold };
enum class WaitCause : std::uint8_t { Lock, Sleep, Blocked };
enum class TxOutcome : std::uint8_t { Open, Committed, RolledBack };

struct SpanRecord
{
    std::uint64_t id = 0; // unique within the projection, in order of opening
    SpanKind kind = SpanKind::Statement;
    std::uint32_t connection = 0;
    std::uint64_t txId = 0;
    std::int64_t startNs = 0;
    std::int64_t endNs = kNever; // kNever while open
    std::uint64_t beginSeq = 0;  // the event that began it (TxBegin for a transaction)
    std::uint64_t endSeq = 0;    // the event that ended it (TxCommit / TxRollback); 0 while open
    bool cut = false;            // ended by a gap, a missing end or finish(), not by its own event
    bool dropped = false;        // cut because events were dropped (gap())

    // Transaction
    TxMode mode = TxMode::None;
    TxOutcome outcome = TxOutcome::Open;
    RollbackReason rollbackReason = RollbackReason::User;
    bool doomed = false;
    std::int64_t doomedNs = kNever;
    std::string doomMessage;
    std::int64_t txBeginNs = 0;    // TxBegin's time
    std::int64_t txEndNs = kNever; // TxCommit / TxRollback's time
    std::uint64_t beginTs = 0;     // MVCC begin timestamp
    std::uint64_t commitTs = 0;    // MVCC commit timestamp
    std::int64_t rowsWritten = 0;  // TxCommit's b
    // Statement
    std::string sql;
    std::int64_t code = 0;       // extended result code, 0 ok
    std::int64_t changes = 0;    // rows changed
    std::uint16_t errorKind = 0; // StatementEnd's detail
    std::string error;           // message
    std::string read;            // what a query read (Result::rowsPreview), when code is 0
    // Wait and lock hold
    WaitCause cause = WaitCause::Lock;
    LockResource resource = LockResource::DbFile;
    LockLevel level = LockLevel::None; // wanted (lock wait) or held (hold)
    bool gaveUp = false;               // lock wait: the busy handler gave up
    std::int64_t sleepUs = 0;          // sleep: what the handler said it would sleep
    std::int64_t line = 0;             // blocked: the script line
    bool folded = false; // lock hold: carried whole by the event that ended it (TxCommit's commit
                         // hold): reported opened and closed at once, after its start

    bool open() const { return endNs == kNever; }
    bool coversTime(std::int64_t t) const { return startNs <= t && t < endNs; }
    bool coversSeq(std::uint64_t seq) const { return beginSeq <= seq && (open() || seq < endSeq); }
};

class SpanObserver
{
public:
    virtual ~SpanObserver() = default;
    virtual void opened(const SpanRecord&) {}
    virtual void changed(const SpanRecord&) {} // an open span learnt something (doomed, text)
    virtual void closed(const SpanRecord&) {}
};

class SpanProjection
{
public:
    explicit SpanProjection(bool retain = true) : retain_(retain) {}

    void setObserver(SpanObserver* observer) { observer_ = observer; }
    void apply(const Event& event);
    // `dropped` events are missing before the next one: every open span is cut.
    void gap(std::uint64_t dropped);
    // Cuts every open span at the latest time seen (end of an export).
    void finish();

    std::int64_t latestNs() const { return latestNs_; }

    // ---- Open spans (now) ----
    const SpanRecord* openTransaction(std::uint32_t connection) const;
    const SpanRecord* openStatement(std::uint32_t connection) const;
    const SpanRecord* openLockWait(std::uint32_t connection) const;
    // The level `connection` holds on `resource` now.
    LockLevel levelNow(std::uint32_t connection, LockResource resource) const;
    // Whether a connection has a transaction, statement or wait open: a later span of it may
    // still begin before now.
    bool busy(std::uint32_t connection) const;
    bool holdsAny(std::uint32_t connection) const;
    // Open holds of a connection, by resource.
    std::vector<SpanRecord> openHolds(std::uint32_t connection) const;
    // Who holds `resource` now and at what level, by connection (the open holds only, no span
    // records made): what the explainer asks at every Busy. `out` is cleared first.
    struct HeldBy
    {
        std::uint32_t connection;
        LockLevel level;
    };
    void openHoldersOf(LockResource resource, std::vector<HeldBy>& out) const;

    // ---- Any instant (retain on) ----
    // Lock holds on `resource` covering time t (startNs <= t < endNs), every connection, by
    // connection. This is the "who held R at t" query the explainer and time travel use.
    std::vector<SpanRecord> holdersAt(LockResource resource, std::int64_t t) const;
    // The same by position in the log: holds begun at or before `seq` and not ended by it.
    std::vector<SpanRecord> holdersAtSeq(LockResource resource, std::uint64_t seq) const;
    // Every span of `kind` covering t, open ones included.
    std::vector<SpanRecord> spansAt(SpanKind kind, std::int64_t t) const;
    // Closed spans in order of closing, then the open ones by id: everything seen.
    std::vector<SpanRecord> all() const;
    const ChunkedVector<SpanRecord>& closed() const { return closed_; }

private:
    // An open lock hold as a few fields: a full SpanRecord (~300 bytes, four strings) is made only
    // when someone sees it (an observer, retain, a query), not per lock change. The explainer's
    // projection sees a lock change at every statement of every connection.
    struct OpenHold
    {
        LockResource resource = LockResource::DbFile;
        LockLevel level = LockLevel::None;
        std::uint64_t id = 0;
        std::uint64_t txId = 0;
        std::uint64_t beginSeq = 0;
        std::int64_t startNs = 0;
        bool folded = false;
    };
    struct Conn
    {
        std::optional<SpanRecord> tx;
        std::optional<SpanRecord> statement;
        std::optional<SpanRecord> lockWait, sleep, blocked;
        // Sorted by resource, at most one per resource (a connection holds a few at once): a
        // vector keeps its capacity, so a lock change allocates nothing.
        std::vector<OpenHold> holds;
        std::uint32_t connection = 0;
        bool txEndsWithStatement = false; // tx ended inside the open statement: closes with it
        bool txBeganInStatement = false;  // tx began inside the open statement
    };

    // Opens a span of `kind` in `slot` (empty), made in place; the caller fills in its kind's
    // fields, then calls opened().
    SpanRecord& begin(std::optional<SpanRecord>& slot, SpanKind kind, const Event& e, std::int64_t startNs);
    void opened(const SpanRecord& span);
    static SpanRecord holdRecord(std::uint32_t connection, const OpenHold& hold);
    // The hold closed at (endNs, endSeq), to the observer and (retain) to closed_.
    std::vector<SpanRecord> openHoldsOn(LockResource resource) const;
    void closeHold(std::uint32_t connection, const OpenHold& hold, std::int64_t endNs, std::uint64_t endSeq,
                   bool cut);
    void close(std::optional<SpanRecord>& slot, std::int64_t endNs, std::uint64_t endSeq, bool cut);
    void closeRecord(SpanRecord& span);
    void changed(const SpanRecord& span);
    void endTransaction(Conn& c, const Event& e);
    void closeAll(Conn& c, std::int64_t t, std::uint64_t seq, bool cut);
    void applyLock(Conn& c, const Event& e, bool folded = false);
    void applyCommitHold(Conn& c, const Event& e); // a TxCommit's folded hold
    void applyStatementEnd(Conn& c, const Event& e);

    // connections_[id], remembering the last one found (a thread's events come in runs). The
    // memory is forgotten when the projection is copied and whenever a connection is erased.
    Conn& connectionState(std::uint32_t id);

    bool retain_;
    LastConnection<Conn> last_;
    SpanObserver* observer_ = nullptr;
    std::unordered_map<std::uint32_t, Conn> connections_;
    ChunkedVector<SpanRecord> closed_;
    // Indices into closed_ of the holds of each resource, so holdersAt scans one resource only.
    std::array<std::vector<std::size_t>, 11> closedHolds_;
    std::uint64_t nextId_ = 1;
    std::int64_t latestNs_ = 0;
    std::uint64_t latestSeq_ = 0;
    bool afterGap_ = false;
};

} // namespace txs
