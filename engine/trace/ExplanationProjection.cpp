#include "engine/trace/ExplanationProjection.h"

#include <utility>

namespace txs {

void ExplanationList::apply(const Event& e)
{
    if (failedTry_)
        settleFailedTry(e.kind == EventKind::StatementBlocked && e.connection == failedTry_->connection);
    switch (e.kind) {
    case EventKind::StatementBegin:
        connections_[e.connection].statementErrors.clear();
        return;
    case EventKind::Busy:
    case EventKind::Conflict: {
        ExplainedError x;
        x.seq = e.seq;
        x.timeNs = e.timeNs;
        x.kind = e.kind;
        x.connection = e.connection;
        x.txId = e.txId;
        x.code = e.kind == EventKind::Busy ? static_cast<int>(e.a) : 1;
        if (e.kind == EventKind::Conflict) {
            x.otherTx = static_cast<std::uint64_t>(e.a);
            x.table = e.table;
            x.rowid = e.rowid;
        }
        x.message = e.text;
        connections_[e.connection].statementErrors.push_back(errors_.size());
        byTime_.add(e.timeNs);
        errors_.push_back(std::move(x));
        return;
    }
    case EventKind::StatementEnd: {
        auto& c = connections_[e.connection];
        endTry(e, c);
        if (e.a == 0 || c.statementErrors.empty()) return;
        // Its explanation follows at once, or comes later naming this event (a workers phase).
        awaiting_[e.seq] = EndedStatement{c.statementErrors, e.timeNs};
        c.awaitedEnd = e.seq;
        // Errors never explained (another explainer, none) must not keep memory for ever.
        if (awaiting_.size() > kMaxAwaiting) awaiting_.erase(awaiting_.begin());
        return;
    }
    case EventKind::Explanation: {
        if (const std::uint64_t end = explainedStatementEnd(e.seq, e.detail, e.table)) {
            auto it = awaiting_.find(end);
            if (it == awaiting_.end()) return;
            explain(it->second.errors, e, it->second.endNs);
            awaiting_.erase(it);
            return;
        }
        auto& c = connections_[e.connection];
        explain(c.statementErrors, e, e.timeNs);
        c.statementErrors.clear();
        if (c.awaitedEnd) awaiting_.erase(std::exchange(c.awaitedEnd, 0));
        return;
    }
    default:
        return;
    }
}

void ExplanationList::settle(std::size_t index, ErrorOutcome outcome, std::int64_t atNs)
{
    ExplainedError& x = errors_[index];
    x.outcome = outcome;
    x.settledNs = outcome == ErrorOutcome::Waiting ? kNever : atNs;
    touched_.touch(index);
}

// A statement's try ended. Succeeded: its entries and its earlier blocked tries' were waits that
// it got through. Failed: its last entry is the error, decided by the next event (a blocked try
// is a wait); entries before the last one in the same try were waited through.
void ExplanationList::endTry(const Event& e, ConnectionState& c)
{
    if (e.a == 0) {
        for (std::size_t index : c.waits)
            settle(index, ErrorOutcome::WaitedSucceeded, e.timeNs);
        for (std::size_t index : c.statementErrors)
            settle(index, ErrorOutcome::WaitedSucceeded, e.timeNs);
        c.waits.clear();
        return;
    }
    failedTry_ = FailedTry{e.connection, e.timeNs};
}

void ExplanationList::settleFailedTry(bool blocked)
{
    const FailedTry t = *failedTry_;
    failedTry_.reset();
    ConnectionState& c = connections_[t.connection];
    if (blocked) {
        for (std::size_t index : c.statementErrors) {
            settle(index, ErrorOutcome::Waiting, t.endNs);
            c.waits.push_back(index);
        }
        return;
    }
    // The statement is over and failed: its waits did not get it through.
    for (std::size_t index : c.waits)
        settle(index, ErrorOutcome::WaitedFailed, t.endNs);
    c.waits.clear();
    for (std::size_t i = 0; i < c.statementErrors.size(); ++i)
        settle(c.statementErrors[i],
               i + 1 == c.statementErrors.size() ? ErrorOutcome::Failed : ErrorOutcome::WaitedFailed,
               t.endNs);
}

void ExplanationList::explain(const std::vector<std::size_t>& errors, const Event& e, std::int64_t atNs)
{
    for (std::size_t index : errors) {
        ExplainedError& x = errors_[index];
        if (x.explanationNs != kNever) continue;
        x.explanation = e.text;
        x.rule = explainRuleOf(e.a);
        x.fix = explainRuleFix(x.rule);
        x.explanationNs = atNs;
        x.explanationSeq = e.seq;
        touched_.touch(index);
    }
}

} // namespace txs
