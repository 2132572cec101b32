#include "engine/analysis/IsolationMatrix.h"

#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"

namespace txs::analysis {

std::string MatrixColumn::label() const
{
    std::string s = journalModeName(journalMode);
    if (journalMode == JournalMode::Mvcc && isolation) s += std::string(" ") + isolationName(*isolation);
    return s;
}

std::vector<MatrixColumn> matrixColumns(const std::vector<JournalMode>& modes,
                                        const std::vector<Isolation>& levels)
{
    const std::vector<JournalMode> m =
        modes.empty() ? std::vector{JournalMode::Mvcc, JournalMode::Wal, JournalMode::Delete} : modes;
    const std::vector<Isolation> l =
        levels.empty() ? std::vector{Isolation::Snapshot, Isolation::Serializable} : levels;
    std::vector<MatrixColumn> columns;
    for (JournalMode mode : m) {
        if (mode == JournalMode::Mvcc)
            for (Isolation level : l)
                columns.push_back({mode, level});
        else
            columns.push_back({mode, std::nullopt});
    }
    return columns;
}

std::string MatrixCell::text() const
{
    switch (outcome) {
    case Outcome::Anomaly: {
        std::string s;
        for (AnomalyKind k : kinds) {
            const std::string name = anomalyKindName(k);
            if (s.find(name) != std::string::npos) continue;
            if (!s.empty()) s += ", ";
            s += name;
        }
        return s;
    }
    case Outcome::Error:
        return "error";
    case Outcome::Blocked:
        return "blocked";
    case Outcome::Prevented:
        return "prevented";
    }
    return {};
}

MatrixCell runMatrixCell(const Workload& workload, const MatrixColumn& column)
{
    RunOptions options;
    options.journalMode = column.journalMode;
    options.isolation = column.isolation;
    options.tracing = true;
    Runner runner(workload, options);
    MatrixCell cell;
    if (auto error = runner.open()) {
        cell.outcome = MatrixCell::Outcome::Error;
        cell.failure = error->describe();
        return cell;
    }
    const RunSummary& summary = runner.run();
    const auto events = runner.trace()->snapshot();
    for (const Event& e : events)
        if (e.kind == EventKind::StatementBlocked) ++cell.blocked;
    cell.conflicts = summary.conflicts;
    cell.busy = summary.busy;
    cell.busySnapshot = summary.busySnapshot;
    cell.otherErrors = summary.otherErrors;
    const auto report = analyzeEvents(events, column.journalMode == JournalMode::Mvcc);
    for (const Anomaly& a : report.anomalies)
        cell.kinds.push_back(a.kind);
    if (!cell.kinds.empty())
        cell.outcome = MatrixCell::Outcome::Anomaly;
    else if (cell.conflicts + cell.busy + cell.busySnapshot + cell.otherErrors > 0)
        cell.outcome = MatrixCell::Outcome::Error;
    else if (cell.blocked > 0)
        cell.outcome = MatrixCell::Outcome::Blocked;
    return cell;
}

} // namespace txs::analysis
