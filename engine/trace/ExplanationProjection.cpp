#include "engine/trace/ExplanationProjection.h"

namespace txs {

namespace {

std::string trimmed(const std::string& s)
{
    const auto first = s.find_first_not_of(" \t\n");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t\n");
    return s.substr(first, last - first + 1);
}

} // namespace

ExplanationParts splitExplanation(const std::string& text)
{
    for (std::size_t at = text.find("Fix:"); at != std::string::npos; at = text.find("Fix:", at + 1)) {
        // Only where a line or a sentence starts: "prefix:" inside a word is not a fix.
        std::size_t before = at;
        while (before > 0 && (text[before - 1] == ' ' || text[before - 1] == '\t'))
            --before;
        if (before == 0 || text[before - 1] == '\n' || text[before - 1] == '.')
            return {trimmed(text.substr(0, at)), trimmed(text.substr(at + 4))};
    }
    return {trimmed(text), {}};
}

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
