#pragma once
// A log as the MVCC engine wrote it before the commit lock was folded into TxCommit
// (engine/trace/CommitHold.h): each TxCommit that carries the hold is preceded by its
// LockAcquire (at the hold's start) and LockRelease (at the commit's time), and carries it no
// more. Tests project both and compare: every view must show the same.

#include "engine/trace/CommitHold.h"
#include "engine/trace/ExplainRule.h"

#include <algorithm>
#include <cstddef>
#include <unordered_map>
#include <vector>

namespace txs::testing {

inline std::size_t countFoldedCommits(const std::vector<Event>& log)
{
    return static_cast<std::size_t>(std::count_if(log.begin(), log.end(), carriesCommitHold));
}

// `at[i]` (when given) is where event i of `log` is in the result; seq is renumbered from 0, and
// an Explanation that names its error's StatementEnd by seq (ExplainRule.h) names it anew.
inline std::vector<Event> unfoldCommitHolds(const std::vector<Event>& log,
                                            std::vector<std::size_t>* at = nullptr)
{
    std::vector<Event> out;
    std::unordered_map<std::uint64_t, std::uint64_t> renumbered; // old seq -> new
    if (at) at->clear();
    for (const Event& e : log) {
        if (carriesCommitHold(e)) {
            forEachCommitHoldEvent(e, [&](const Event& lock) { out.push_back(lock); });
            out.push_back(e);
            out.back().detail = 0;
            out.back().rowid = 0;
        } else {
            out.push_back(e);
        }
        renumbered[e.seq] = out.size() - 1;
        if (at) at->push_back(out.size() - 1);
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
        Event& e = out[i];
        if (e.kind == EventKind::Explanation)
            if (const auto end = renumbered.find(explainedStatementEnd(e.seq, e.detail, e.table));
                end != renumbered.end() && (e.detail & kExplanationNamesStatementEnd))
                e.table = static_cast<std::uint32_t>(end->second);
        e.seq = i;
    }
    return out;
}

} // namespace txs::testing
