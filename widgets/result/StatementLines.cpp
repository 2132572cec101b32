#include "widgets/result/StatementLines.h"

#include <algorithm>

namespace txs::result {

void StatementLines::add(const std::string& connection, std::int64_t startNs, std::int64_t endNs, int line)
{
    if (line <= 0 || endNs < startNs) return;
    auto& list = byConnection_[connection];
    // Kept sorted even if reports arrive out of order.
    const auto at = std::upper_bound(list.begin(), list.end(), startNs,
                                     [](std::int64_t t, const Interval& i) { return t < i.startNs; });
    list.insert(at, Interval{startNs, endNs, line});
}

int StatementLines::lineAt(const std::string& connection, std::int64_t timeNs) const
{
    const auto it = byConnection_.find(connection);
    if (it == byConnection_.end()) return 0;
    const auto& list = it->second;
    auto after = std::upper_bound(list.begin(), list.end(), timeNs,
                                  [](std::int64_t t, const Interval& i) { return t < i.startNs; });
    if (after == list.begin()) return 0;
    const Interval& i = *std::prev(after);
    return timeNs <= i.endNs ? i.line : 0;
}

std::vector<StatementLines::Run> StatementLines::runsOf(int line) const
{
    std::vector<Run> runs;
    for (const auto& [connection, list] : byConnection_)
        for (const Interval& i : list)
            if (i.line == line) runs.push_back({connection, i.startNs, i.endNs});
    return runs;
}

} // namespace txs::result
