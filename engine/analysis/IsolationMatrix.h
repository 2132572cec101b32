#pragma once
// The table Hermitage publishes, for TxScope's engines: each scenario run on each engine and
// isolation level, and what happened to the anomaly it sets up. A cell is the anomaly's kind when
// the dependency graph has a cycle (or an aborted/intermediate read); otherwise "error" when a
// statement failed (the engine stopped the anomaly by refusing a statement: a conflict, BUSY),
// "blocked" when a statement had to wait for a lock (it was stopped by waiting), else
// "prevented" (every statement ran and the result is serializable anyway).

#include "engine/analysis/Anomaly.h"
#include "engine/api/Isolation.h"
#include "engine/api/JournalMode.h"
#include "engine/workload/Workload.h"

#include <optional>
#include <string>
#include <vector>

namespace txs::analysis {

struct MatrixColumn
{
    JournalMode journalMode = JournalMode::Mvcc;
    std::optional<Isolation> isolation; // MVCC only: SQLite's journal modes are serializable
    std::string label() const;          // "mvcc snapshot", "wal"
};

// Every pair of the journal modes and (for mvcc) isolation levels asked for; empty lists mean all
// (mvcc snapshot, mvcc serializable, wal, delete).
std::vector<MatrixColumn> matrixColumns(const std::vector<JournalMode>& modes,
                                        const std::vector<Isolation>& levels);

struct MatrixCell
{
    enum class Outcome : std::uint8_t { Prevented, Blocked, Error, Anomaly } outcome = Outcome::Prevented;
    std::vector<AnomalyKind> kinds;                                           // Outcome::Anomaly
    std::uint64_t conflicts = 0, busy = 0, busySnapshot = 0, otherErrors = 0; // errors of the run
    std::uint64_t blocked = 0;                                                // statements that waited
    std::string failure;      // the run could not happen (the database did not open): the cell is an error
    std::string text() const; // "G2-item", "error", "blocked", "prevented"
};

// Runs `workload` on `column` in a fresh temporary database and classifies the result.
MatrixCell runMatrixCell(const Workload& workload, const MatrixColumn& column);

} // namespace txs::analysis
