#pragma once
// Which script line a statement of the trace came from. The runner reports each statement it
// ran (StatementOutcome: connection, line, and its start and end on the trace log's clock); the
// trace's StatementBegin of that statement lies within that interval on that connection. The
// statement log and the timeline know the trace's statements only, so this is their way back to
// the script. Plain C++, tested without a window.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace txs::result {

class StatementLines
{
public:
    void clear() { byConnection_.clear(); }
    void add(const std::string& connection, std::int64_t startNs, std::int64_t endNs, int line);
    // The line of the statement of `connection` that was under way at `timeNs`; 0 when none.
    int lineAt(const std::string& connection, std::int64_t timeNs) const;
    // Every run of `line`'s statement, the way back from the script: by connection, then time.
    struct Run
    {
        std::string connection;
        std::int64_t startNs, endNs;
    };
    std::vector<Run> runsOf(int line) const;

private:
    struct Interval
    {
        std::int64_t startNs, endNs;
        int line;
    };
    // Per connection, in the order the statements ran (a connection runs one at a time, so the
    // intervals are sorted by start and do not overlap).
    std::map<std::string, std::vector<Interval>> byConnection_;
};

} // namespace txs::result
