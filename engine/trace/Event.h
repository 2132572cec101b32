#pragma once
// One entry of the trace log: the single source of truth every view projects from.

#include <cstddef>
#include <cstdint>
#include <string>

namespace txs {

enum class EventKind : std::uint16_t {
    RunBegin,       // text: workload file
    RunEnd,         // a recording's (engine/record): detail 1, a: the recorded command's exit status
    ConnectionOpen, // text: connection name
    ConnectionClose,
    StatementBegin,   // text: SQL; detail bit 0: also the previous StatementEnd, bit 1 (with bits 2..5) its
                      // TxBegin too (trace/StatementFold.h)
    StatementEnd,     // a: extended result code (0 ok), b: rows changed; detail: ErrorKind when a != 0;
                      // text: error message, or what a query read (Result::rowsPreview); for people only
    TxBegin,          // a: TxMode, b: begin timestamp (MVCC) or 0
    TxCommit,         // a: commit timestamp (MVCC) or 0, b: rows written; detail bit 0
                      // (kTxCommitHeldCommitLock): the MVCC commit held LockResource::MvccCommit
                      // at Shared from rowid (ns, the log's clock) to this event, in place of a
                      // LockAcquire / LockRelease pair (engine/trace/CommitHold.h); without it,
                      // rowid is 0 and any hold was emitted as the pair
    TxRollback,       // a: RollbackReason
    TxRetry,          // a: attempt number (1 = first retry)
    TxDoomed,         // the transaction hit a conflict; a: extended result code; detail: ErrorKind
    VersionCreated,   // table, rowid; a: version id; text: row as text
    VersionEnded,     // table, rowid; a: version id
    VersionReclaimed, // table, rowid; a: version id
    Conflict,         // table, rowid; a: the other transaction's id; b: 1 when both inserted the same
                      // key and the other committed first (found at COMMIT), 0 when the other
                      // changed the row, 2 when the COMMIT would close a dangerous structure
                      // (serializable isolation; a: the pivot, or T_out when this is the pivot;
                      // table, rowid: this transaction's key in it); text: message
    LockAcquire,      // a: LockResource, b: LockLevel now held. The MVCC commit lock's pair is
                      // emitted only for a commit that is refused, publishes DDL or holds the
                      // exclusive slot; a refused one's acquire follows the refusal's events in
                      // seq, stamped with when the hold began. Other commits fold it into TxCommit
    LockRelease,      // a: LockResource, b: LockLevel now held (None when fully released)
    LockWait,         // a: LockResource, b: LockLevel wanted
    BusyHandlerCall,  // a: count (0 = first call), b: microseconds it will sleep (0 when giving up);
                      // detail: 1 when the handler gave up (the statement then fails with BUSY).
                      // Emitted before sleeping, by every engine.
    Busy,             // a: extended result code; detail: ErrorKind; text: message
    Checkpoint,       // a: mode, b: frames/rows written
    TableCreated,     // table: id; text: name
    TableDropped,     // table: id; text: name
    Explanation,      // the explanation of one error of the connection: without bit 7, the error just
                      // before it (its statement's StatementEnd, the connection's previous event),
                      // or of its statement still blocked (step mode); or, with detail bit 7 set,
                      // of the error whose StatementEnd's seq has `table` as its low 32 bits (the
                      // nearest such seq before this event: explained later, from the log, in a
                      // workers phase).
                      // a: ExplainRule (engine/explain/ExplainRule.h; 0 never appears in the log);
                      // b: the error's extended result code; rowid: the first connection
                      // whose lock stood in the way (0 = none known); detail: bit 15 set when the
                      // statement is still blocked (no error: causes skip it), bits 8..14 the
                      // LockResource that holder held + 1 (0 = no holder), bits 0..6 its LockLevel.
                      // Written and read by engine/explain/ExplanationEvent only.
                      // text: the paragraph "what rule Fix: fix", for people only.
    Note,             // text: free-form, for people only: no code decides anything by reading it
    // Appended after Note so that the numeric order of the older kinds never changes.
    StatementBlocked,   // a try of a statement ended blocked and will be repeated (step mode);
                        // a: script line; text: SQL
    StatementUnblocked, // the blocked statement runs again; a: script line
    PhaseBegin,         // a: phase (1 setup, 2 steps, 3 workers, 4 check: RunPhase's values)
    // Serializable isolation on MVCC (engine/mvcc/SsiTracker.h):
    RwDependency,       // a read-write anti-dependency between two serializable transactions, found
                        // once per pair: txId: the reader, connection: its connection; a: the
                        // writer's transaction id; table, rowid: the first key where it was found
                        // (the reader read it, or a range holding it, and the writer wrote it)
    DangerousStructure, // one edge of the dangerous structure a refused COMMIT would have closed,
                        // two per refusal, just before its Conflict (b = 2): detail 0 the edge
                        // T_in -> pivot, detail 1 the edge pivot -> T_out; txId: the edge's reader,
                        // a: its writer, table, rowid: its key; b: the refused transaction;
                        // connection: the refused transaction's connection
    // Reads of the MVCC engine, for the dependency graph (engine/analysis). No text: they are
    // emitted once per row a statement reads and must stay cheap.
    VersionRead, // table, rowid: the key; a: id of the version read (the one VersionCreated named);
                 // b: the reader's snapshot (begin timestamp)
    RangeRead,   // a scan of table over the keys [rowid, a] (the bounds the virtual table's
                 // xFilter got; a full scan is [INT64_MIN, INT64_MAX]); b: the reader's snapshot.
                 // Rows it returned have their own VersionRead; this records the keys it saw absent
    // Recordings of real programs (engine/record):
    ProcessStart, // a process touched a SQLite file: connection 0; a: its pid; b: its parent's pid;
                  // text: its command line (for people). Its lanes' ConnectionOpen carry a: the pid,
                  // b: 2 for a connection (sqlite3_* calls seen), 1 for file descriptors only.
    WalGauge,     // a sampled WAL gauge of one database: connection 0; detail: WalGaugeKind
                  // (engine/record/WalGauges.h); table: the database's number (1, 2, ... in order
                  // of first sample); a: the value (-1: a read mark not in use); text: the
                  // database's file name (for people)
};
// How many kinds there are (the log counts each): the last one's value + 1. A kind added after
// WalGauge moves this; tst_trace_window checks that every kind below it has a name and none
// after it does.
constexpr std::size_t kEventKindCount = static_cast<std::size_t>(EventKind::WalGauge) + 1;

enum class RollbackReason : std::int64_t { User = 0, Conflict = 1, StatementError = 2, Busy = 3, Close = 4 };

// Everything one can lock. Database-file levels follow SQLite's; WAL shm slots and the MVCC
// engine's own locks are separate resources.
enum class LockResource : std::int64_t {
    DbFile = 0,
    ShmWrite = 1,
    ShmCheckpoint = 2,
    ShmRecover = 3,
    ShmRead0 = 4, // ShmRead0 + i for READ(i), i in 0..4
    MvccExclusive = 9,
    MvccCommit = 10,
};

enum class LockLevel : std::int64_t {
    None = 0,
    Shared = 1,
    Reserved = 2,
    Pending = 3,
    Exclusive = 4,
};

struct Event
{
    std::uint64_t seq = 0;        // position in the log's total order, assigned by append()
    std::int64_t timeNs = 0;      // monotonic, ns since the log was created
    std::uint32_t connection = 0; // 0 = the engine itself
    std::uint32_t table = 0;      // table id (see TableCreated), 0 = none
    std::uint64_t txId = 0;
    std::int64_t rowid = 0;
    std::int64_t a = 0;
    std::int64_t b = 0;
    EventKind kind = EventKind::Note;
    // A small typed fact whose meaning depends on kind (see EventKind): an ErrorKind, a flag.
    // It fills the padding after kind, so it costs no space.
    std::uint16_t detail = 0;
    std::string text;
};

const char* eventKindName(EventKind kind);
const char*
lockResourceName(LockResource resource);    // "db", "WRITE", "CKPT", "RECOVER", "READ0".., "mvcc-exclusive"
const char* lockLevelName(LockLevel level); // "NONE", "SHARED", "RESERVED", "PENDING", "EXCLUSIVE"

} // namespace txs
