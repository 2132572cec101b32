#include "engine/trace/CountingRule.h"

#include "engine/api/Error.h"

namespace txs {

namespace {

Counted errorCount(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Conflict:
    case ErrorKind::Schema:
        return Counted::Conflict;
    case ErrorKind::Busy:
        return Counted::Busy;
    case ErrorKind::BusySnapshot:
        return Counted::BusySnapshot;
    default:
        return Counted::OtherError;
    }
}

} // namespace

bool provesTransaction(const Event& e)
{
    switch (e.kind) {
    case EventKind::TxBegin:
    case EventKind::TxCommit:
    case EventKind::TxRollback:
    case EventKind::TxDoomed:
    case EventKind::VersionCreated:
    case EventKind::VersionEnded:
    case EventKind::Conflict:
        return true;
    case EventKind::LockWait:
    case EventKind::LockAcquire:
        return e.a == static_cast<std::int64_t>(LockResource::MvccExclusive) ||
               e.a == static_cast<std::int64_t>(LockResource::MvccCommit);
    default:
        return false;
    }
}


void addTo(MetricsAt& m, Counted what)
{
    switch (what) {
    case Counted::Commit:
        ++m.commits;
        return;
    case Counted::Rollback:
        ++m.rollbacks;
        return;
    case Counted::Retry:
        ++m.retries;
        return;
    case Counted::Conflict:
        ++m.conflicts;
        return;
    case Counted::Busy:
        ++m.busy;
        return;
    case Counted::BusySnapshot:
        ++m.busySnapshot;
        return;
    case Counted::OtherError:
        ++m.otherErrors;
        return;
    }
}

void CountingRule::end(std::uint64_t txId, bool committed, std::int64_t timeNs, std::vector<Tally>& out)
{
    const auto it = open_.find(txId);
    if (it == open_.end()) return;
    ConnectionState& c = connections_[it->second.connection];
    if (c.current == txId) c.current = 0;
    c.transactionEnded = true;
    out.push_back({committed ? Counted::Commit : Counted::Rollback, timeNs, it->second.beginNs});
    open_.erase(it);
}

void CountingRule::onStatementEnd(const Event& e, ConnectionState& c, std::vector<Tally>& out)
{
    c.inStatement = false;
    if (c.current != 0) {
        const auto it = open_.find(c.current);
        // An implicit transaction still open when its statement ends was ended without an event.
        if (it != open_.end() && it->second.implicit)
            end(c.current, !it->second.doomed && e.a == 0, e.timeNs, out);
    }
    if (e.a != 0) {
        pending_ = Tally{errorCount(errorKindOfDetail(e.detail)), e.timeNs, c.statementBeginNs};
        pendingConnection_ = e.connection;
    } else if (e.txId == 0 && e.b > 0 && !c.transactionEnded) {
        // SQLite's autocommit write: a change outside any transaction of the log.
        out.push_back({Counted::Commit, e.timeNs, c.statementBeginNs});
    }
}

void CountingRule::apply(const Event& e, std::vector<Tally>& out)
{
    if (pending_) {
        // A try that ended blocked is a wait: StatementBlocked follows its StatementEnd at once.
        const bool blocked = e.kind == EventKind::StatementBlocked && e.connection == pendingConnection_;
        if (!blocked) out.push_back(*pending_);
        pending_.reset();
    }
    if (e.connection != 0) {
        ConnectionState& c = connections_[e.connection];
        switch (e.kind) {
        case EventKind::StatementBegin:
            c.inStatement = true;
            c.statementBeginNs = e.timeNs;
            c.transactionEnded = false;
            break;
        case EventKind::StatementEnd:
            onStatementEnd(e, c, out);
            break;
        case EventKind::TxRetry:
            out.push_back({Counted::Retry, e.timeNs, 0});
            break;
        case EventKind::ConnectionClose:
            if (c.current != 0) end(c.current, false, e.timeNs, out);
            break;
        default:
            break;
        }
    }
    if (e.txId == 0 || !provesTransaction(e)) return;
    auto it = open_.find(e.txId);
    if (it == open_.end()) {
        ConnectionState& c = connections_[e.connection];
        Open o;
        o.connection = e.connection;
        // An implicit transaction is its statement: it starts when the statement does.
        o.beginNs = (e.kind != EventKind::TxBegin && c.inStatement) ? std::min(c.statementBeginNs, e.timeNs)
                                                                    : e.timeNs;
        it = open_.emplace(e.txId, o).first;
        c.current = e.txId;
    }
    switch (e.kind) {
    case EventKind::TxBegin:
        it->second.implicit = false;
        return;
    case EventKind::TxCommit:
        end(e.txId, true, e.timeNs, out);
        return;
    case EventKind::TxRollback:
        end(e.txId, false, e.timeNs, out);
        return;
    case EventKind::TxDoomed:
        it->second.doomed = true;
        return;
    default:
        return;
    }
}

} // namespace txs
