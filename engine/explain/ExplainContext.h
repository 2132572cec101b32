#pragma once
// What the explainer needs to know about each connection at the moment of its latest error,
// kept up to date from the trace log one event at a time (so explaining thousands of errors
// in a long run stays linear in the log's length). Transactions and lock holds are those of
// the one SpanProjection's rules, kept as its open state only (OpenSpanState: what a streaming
// SpanProjection has open, without a span record per statement or wait), so the explainer names
// the holders the timeline and the Chrome trace draw.

#include "engine/api/Connection.h"
#include "engine/trace/Event.h"
#include "engine/trace/EventKindSet.h"
#include "engine/trace/LastConnection.h"
#include "engine/trace/LockState.h"
#include "engine/trace/OpenSpanState.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace txs {

// Another connection's hold on the resource a waiter wanted, when the waiter gave up.
struct Holder
{
    std::uint32_t connection = 0;
    std::string name;
    LockLevel level = LockLevel::None;
    std::uint64_t txId = 0;
    TxMode mode = TxMode::None;
    bool inTransaction = false;
    bool waiting = false;  // the holder itself waits for a lock (e.g. a writer at PENDING)
    std::string statement; // what it was running or last ran

    bool operator==(const Holder&) const = default;
};

// A statement the step runner holds as blocked: SQLite called the busy handler, and the runner
// waits in virtual time (on SQLite's schedule, within busy_timeout) instead of sleeping. The
// trace then shows no sleep, so the explainer is told how long the statement has waited.
struct BlockedWait
{
    int handlerCalls = 0;
    std::int64_t waitedMs = 0;  // virtual time waited so far
    std::int64_t timeoutMs = 0; // the connection's busy_timeout
    bool stillWaiting = false;  // it will be tried again (false: busy_timeout ran out)
};

struct ConnectionContext
{
    std::string name;
    std::string statement;      // SQL of the current / last statement
    bool inTransaction = false; // an explicit transaction is open
    TxMode mode = TxMode::None;
    std::uint64_t txId = 0;
    int handlerCalls = 0;                 // busy-handler calls during the current statement
    std::int64_t sleptUs = 0;             // time they slept
    std::optional<LockWaitState> wait;    // the last refused lock request of the statement
    LockLevel ownLevel = LockLevel::None; // own level on the waited resource when refused
    LockLevel dbFileLevel = LockLevel::None;
    std::vector<Holder> holders;        // conflicting holders when the BUSY happened
    std::optional<BlockedWait> blocked; // set for the explanation of a blocked statement only
    // Typed facts of the transaction's conflict (Conflict, TxDoomed events), so the explainer
    // never reads an error message.
    bool doomed = false;                  // its transaction is doomed
    bool doomedBeforeStatement = false;   // ... and already was when the current statement began
    std::uint64_t conflictWith = 0;       // the other transaction of its latest Conflict
    bool conflictSameKeyInserted = false; // that Conflict: both inserted the key (Conflict's b)
    bool conflictSerialization = false;   // that Conflict: a dangerous structure (Conflict's b == 2)
    // The dangerous structure of the refused COMMIT (DangerousStructure events): T_in read
    // inKey before the pivot wrote it, the pivot read outKey before T_out wrote it.
    struct Structure
    {
        std::uint64_t in = 0, pivot = 0, out = 0, refused = 0;
        std::uint32_t inTable = 0, outTable = 0;
        std::int64_t inKey = 0, outKey = 0;
    };
    Structure structure;
};

// Whether an explanation of SQLITE_BUSY or SQLITE_BUSY_SNAPSHOT (either engine) reads the same
// facts in `a` and in `b`, so that the one written for a is, word for word, the one for b: the
// explainer then writes it once for every error met in the same situation. It compares every
// field those explanations read (Explainer.cpp: sqliteBusy, mvccBusy, waitedText,
// describeHolders, and the holder explainError() names); one they come to read must be added
// here (tst_explainer checks the shared explanations against ones written afresh).
bool sameBusyFacts(const ConnectionContext& a, const ConnectionContext& b);

class ExplainContext
{
public:
    // The kinds apply() reads, itself or through its open span state (for the holds open, the
    // transaction open, the lock wait open). Any other event changes nothing the explainer asks,
    // so the explainer's read skips it before decoding: in a workers run of errors, its own
    // Explanation events; in MVCC runs, every VersionRead and RangeRead. A kind apply() comes
    // to read must be added here (tst_explainer checks a context fed these kinds only against
    // one fed every event).
    static constexpr EventKindSet kKindsRead{EventKind::ConnectionOpen,
                                             EventKind::ConnectionClose,
                                             EventKind::StatementBegin,
                                             EventKind::StatementEnd,
                                             EventKind::TxBegin,
                                             EventKind::TxCommit,
                                             EventKind::TxRollback,
                                             EventKind::TxDoomed,
                                             EventKind::VersionCreated,
                                             EventKind::VersionEnded,
                                             EventKind::Conflict,
                                             EventKind::LockAcquire,
                                             EventKind::LockRelease,
                                             EventKind::LockWait,
                                             EventKind::BusyHandlerCall,
                                             EventKind::Busy,
                                             EventKind::TableCreated,
                                             EventKind::StatementBlocked,
                                             EventKind::StatementUnblocked,
                                             EventKind::RwDependency,
                                             EventKind::DangerousStructure};

    void apply(const Event& event) { apply(event, event.text); }
    // The same with `text` in place of event.text (the event's own text is not read): the
    // explainer's read of the log hands each event's typed fields and a view of its text where
    // it lies, and only ConnectionOpen, StatementBegin and TableCreated texts are kept.
    void apply(const Event& event, std::string_view text);
    const ConnectionContext* connection(std::uint32_t id) const;
    // For one explanation: the connection's statement is blocked in virtual time.
    void setBlocked(std::uint32_t id, const BlockedWait& wait);
    std::string nameOf(std::uint32_t id) const;
    // The connection that ran transaction `txId`, 0 when unknown.
    std::uint32_t connectionOfTx(std::uint64_t txId) const;
    // A table's name by its id (TableCreated), "table N" when unknown.
    std::string tableName(std::uint32_t id) const;

private:
    void snapshotHolders(std::uint32_t waiter);
    void rememberTx(std::uint64_t txId, std::uint32_t connection);

    // The newest transactions whose connection connectionOfTx() can tell (older ones give 0).
    static constexpr std::size_t kRememberedTransactions = 1 << 16;

    OpenSpanState spans_;                        // what is open now: only who holds what
    std::vector<SpanProjection::HeldBy> heldBy_; // snapshotHolders' scratch, reused
    // connections_[id], remembering the last one found (a thread's events come in runs); the
    // memory is forgotten when the context is copied (connections are never erased).
    ConnectionContext& connectionState(std::uint32_t id);

    std::unordered_map<std::uint32_t, ConnectionContext> connections_; // references stay valid
    LastConnection<ConnectionContext> last_;
    std::map<std::uint64_t, std::uint32_t> txConnections_;
    std::map<std::uint32_t, std::string> tableNames_;
};

} // namespace txs
