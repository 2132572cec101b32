#pragma once
// Item roles shared by the session models, so views and delegates can ask for raw values
// (ids, states, the event to select) instead of parsing display text.

#include <Qt>

namespace txs::models {

enum Role {
    SeqRole = Qt::UserRole + 1, // quint64: the trace event the row stands for (select it in the timeline)
    TimeRole,                   // qint64: ns since the run started (the row's start)
    TxIdRole,                   // quint64: the transaction (0 = none)
    ConnectionIdRole,           // uint: the connection
    OutcomeRole,                // int: an Outcome, for colouring
    VisibleRole,                // bool: VersionChainModel: visible to the reader transaction
    ReclaimedRole,              // bool: VersionChainModel: garbage-collected (show faded)
    WaitingRole,                // bool: LocksModel: the connection waits for a lock
    NodeKindRole,               // int: VersionChainModel: a NodeKind
    ValueRole,                  // MetricsModel: the number, unformatted
    OpenRole,                   // bool: LocksModel: the connection is open at the instant
    AfterInstantRole,           // bool: ExplanationsModel: the error happens after the instant (faded)
    ExplainedTimeRole,          // qint64: ExplanationsModel: when the error's explanation was recorded
    ErrorOutcomeRole,           // int: ExplanationsModel: a txs::ErrorOutcome (error, or a wait)
};

// One colour scale for every model: what happened to a transaction or a statement.
enum class Outcome { None, Running, Ok, Failed, Doomed, Blocked };

} // namespace txs::models
