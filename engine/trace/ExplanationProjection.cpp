#include "engine/trace/ExplanationProjection.h"

namespace txs {

void ExplanationList::apply(const Event& e)
{
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
    case EventKind::Explanation: {
        auto& pending = connections_[e.connection].statementErrors;
        for (std::size_t index : pending) {
            ExplainedError& x = errors_[index];
            if (x.explanationNs != kNever) continue;
            x.explanation = e.text;
            x.rule = explainRuleOf(e.a);
            x.fix = explainRuleFix(x.rule);
            x.explanationNs = e.timeNs;
            x.explanationSeq = e.seq;
            touched_.touch(index);
        }
        pending.clear();
        return;
    }
    default:
        return;
    }
}

} // namespace txs
