#include "engine/explain/ExplainContext.h"

#include <charconv>

namespace txs {

namespace {

// `out` = `name`, or "connection N" for a connection the log never named (nameOf's words), not
// made again when `out` already says it: in a run of Busy errors the holder is the same one.
void assignHolderName(std::string& out, const std::string& name, std::uint32_t id)
{
    if (!name.empty()) {
        out = name;
        return;
    }
    constexpr std::string_view prefix = "connection ";
    char digits[16];
    const auto end = std::to_chars(digits, digits + sizeof digits, id).ptr;
    const std::string_view number(digits, static_cast<std::size_t>(end - digits));
    if (out.size() == prefix.size() + number.size() && out.starts_with(prefix) && out.ends_with(number))
        return;
    out.assign(prefix);
    out.append(number);
}

} // namespace

ConnectionContext& ExplainContext::connectionState(std::uint32_t id)
{
    if (ConnectionContext* last = last_.find(id)) return *last;
    ConnectionContext& c = connections_[id];
    last_.remember(id, c);
    return c;
}

void ExplainContext::apply(const Event& e, std::string_view text)
{
    spans_.apply(e); // it never reads e.text
    if (e.kind == EventKind::TableCreated) tableNames_[e.table] = text;
    if (e.connection == 0) return;
    auto& c = connectionState(e.connection);
    switch (e.kind) {
    case EventKind::ConnectionOpen:
        c.name = text;
        break;
    case EventKind::StatementBegin:
        // An autocommit statement's own transaction ends with it (a doomed one without an event).
        if (!c.inTransaction) {
            c.doomed = false;
            c.conflictWith = 0;
            c.conflictSameKeyInserted = false;
            c.conflictSerialization = false;
        }
        c.doomedBeforeStatement = c.doomed;
        c.statement = text;
        c.handlerCalls = 0;
        c.sleptUs = 0;
        c.wait.reset();
        break;
    case EventKind::TxBegin:
    case EventKind::TxCommit:
    case EventKind::TxRollback:
    case EventKind::ConnectionClose: {
        // Whether a transaction is open is the span projection's answer, the same the timeline draws.
        const OpenSpanState::Transaction* tx = spans_.openTransaction(e.connection);
        c.inTransaction = tx && tx->outcome == TxOutcome::Open;
        c.mode = c.inTransaction ? tx->mode : TxMode::None;
        c.doomed = false; // a new transaction, or none: nothing doomed
        if (e.kind == EventKind::TxBegin) {
            c.txId = e.txId;
            c.conflictWith = 0;
            c.conflictSameKeyInserted = false;
            c.conflictSerialization = false;
        }
        if (e.txId) rememberTx(e.txId, e.connection);
        break;
    }
    case EventKind::TxDoomed:
        c.doomed = true;
        if (e.txId) rememberTx(e.txId, e.connection);
        break;
    case EventKind::Conflict:
        c.conflictWith = static_cast<std::uint64_t>(e.a);
        c.conflictSameKeyInserted = e.b == 1;
        c.conflictSerialization = e.b == 2;
        break;
    case EventKind::DangerousStructure:
        c.structure.refused = static_cast<std::uint64_t>(e.b);
        if (e.detail == 0) {
            c.structure.in = e.txId;
            c.structure.pivot = static_cast<std::uint64_t>(e.a);
            c.structure.inTable = e.table;
            c.structure.inKey = e.rowid;
        } else {
            c.structure.pivot = e.txId;
            c.structure.out = static_cast<std::uint64_t>(e.a);
            c.structure.outTable = e.table;
            c.structure.outKey = e.rowid;
        }
        break;
    case EventKind::RwDependency:
        if (e.txId) rememberTx(e.txId, e.connection);
        break;
    case EventKind::VersionCreated:
    case EventKind::VersionEnded:
        if (e.txId) rememberTx(e.txId, e.connection);
        break;
    case EventKind::BusyHandlerCall:
        ++c.handlerCalls;
        c.sleptUs += e.b;
        break;
    case EventKind::LockWait:
        c.wait = LockWaitState{static_cast<LockResource>(e.a), static_cast<LockLevel>(e.b), e.timeNs};
        break;
    case EventKind::Busy:
        c.dbFileLevel = spans_.levelNow(e.connection, LockResource::DbFile);
        snapshotHolders(e.connection);
        break;
    default:
        break;
    }
}

// Who stood in the way, frozen at the moment SQLite (or the MVCC engine) said BUSY: by the
// time the explanation is written the holders may long have moved on. The holds are the span
// projection's (the lock rows of the timeline, the lock tracks of the Chrome trace).
void ExplainContext::snapshotHolders(std::uint32_t waiter)
{
    auto& c = connections_[waiter];
    // The holders are overwritten in place, not cleared and made again: their strings keep
    // their storage, so a Busy in a run of them allocates nothing.
    std::size_t n = 0;
    if (!c.wait) {
        c.holders.clear();
        return;
    }
    c.ownLevel = spans_.levelNow(waiter, c.wait->resource);
    // The holds open now, by connection: those of the Busy event's seq, since every event before
    // it has been applied and none after (what a SpanProjection's holdersAtSeq(resource, seq)
    // answers, without a span record per hold).
    spans_.openHoldersOf(c.wait->resource, heldBy_);
    for (const SpanProjection::HeldBy& hold : heldBy_) {
        if (hold.connection == waiter || !locksConflict(c.wait->resource, hold.level, c.wait->wanted))
            continue;
        const auto& other = connections_[hold.connection];
        Holder& h = n < c.holders.size() ? c.holders[n] : c.holders.emplace_back();
        ++n;
        h.connection = hold.connection;
        assignHolderName(h.name, other.name, hold.connection);
        h.level = hold.level;
        h.txId = other.txId;
        h.mode = other.mode;
        h.inTransaction = other.inTransaction;
        h.waiting = spans_.openLockWait(hold.connection) != nullptr;
        h.statement = other.statement;
    }
    c.holders.resize(n);
}

const ConnectionContext* ExplainContext::connection(std::uint32_t id) const
{
    auto it = connections_.find(id);
    return it == connections_.end() ? nullptr : &it->second;
}

std::string ExplainContext::nameOf(std::uint32_t id) const
{
    auto it = connections_.find(id);
    if (it == connections_.end() || it->second.name.empty()) return "connection " + std::to_string(id);
    return it->second.name;
}

// Bounded for runs of any length: the map held an entry for every transaction ever run (about
// 75 bytes each, the only per-transaction growth left in a long durable run). Transaction ids
// grow, so the oldest are the smallest; a conflict names a transaction still running or just
// committed, which stays well inside the window.
void ExplainContext::rememberTx(std::uint64_t txId, std::uint32_t connection)
{
    txConnections_[txId] = connection;
    if (txConnections_.size() > kRememberedTransactions) txConnections_.erase(txConnections_.begin());
}

std::uint32_t ExplainContext::connectionOfTx(std::uint64_t txId) const
{
    auto it = txConnections_.find(txId);
    return it == txConnections_.end() ? 0 : it->second;
}

std::string ExplainContext::tableName(std::uint32_t id) const
{
    auto it = tableNames_.find(id);
    return it == tableNames_.end() ? "table " + std::to_string(id) : it->second;
}

bool sameBusyFacts(const ConnectionContext& a, const ConnectionContext& b)
{
    const auto sameWait = [](const std::optional<LockWaitState>& x, const std::optional<LockWaitState>& y) {
        // When the wait was refused (its time) is not in any explanation.
        return x.has_value() == y.has_value() &&
               (!x || (x->resource == y->resource && x->wanted == y->wanted));
    };
    return a.name == b.name && a.statement == b.statement && a.inTransaction == b.inTransaction &&
           a.handlerCalls == b.handlerCalls && a.sleptUs == b.sleptUs && a.ownLevel == b.ownLevel &&
           !a.blocked && !b.blocked && sameWait(a.wait, b.wait) && a.holders == b.holders;
}

void ExplainContext::setBlocked(std::uint32_t id, const BlockedWait& wait)
{
    connections_[id].blocked = wait;
}

} // namespace txs
