#pragma once
// The causes of a run's errors, most frequent first: one row per cause with its count, the
// first occurrence (to jump to it on the timeline) and the explainer's Why and Fix.
//
// The rows are the run's causes as the engine's CauseProjection grouped them (RunSummary::causes,
// what the CLI prints and --json writes), row for row: causeRows() below converts them and finds
// each one's first occurrence in the log, so the GUI and the CLI show the same causes.

#include "engine/explain/CauseProjection.h"
#include "engine/trace/Event.h"
#include "engine/trace/ExplanationProjection.h"
#include "engine/trace/TraceLog.h"

#include <QAbstractTableModel>
#include <QString>
#include <vector>

namespace txs::result {

struct CauseRow
{
    QString code;     // "SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "TXSCOPE_CONFLICT"
    QString rule;     // the rule that applied ("wal-one-writer"), and the lock that stood in the way
    QString ruleName; // the rule alone
    quint64 count = 0;
    QString why, fix;
    // The first occurrence's instant on the trace log's clock: its error's event (Busy,
    // Conflict), the instant the Explanations panel's Time, the timeline's marker and the
    // statement log's "SQLITE_BUSY at ..." show for it, so that one error is shown at one
    // instant everywhere. The explanation's own instant when the error is not in the log.
    qint64 firstNs = 0;
    // Where the first occurrence's story is whole (its explanation, recorded with its
    // statement's end, a few microseconds after the error): where a click moves the cursor.
    qint64 explainedNs = 0;
    quint64 firstSeq = 0; // its error's event (Busy, Conflict), to select on the timeline and in
                          // the Explanations panel; 0 when not in the log (unexplained, dropped)
    qint64 lastNs = 0;
};

// The rows of `causes` (RunSummary::causes: most frequent first), in that order. `log` (the run's
// events still held; null for none) and `errors` (the Explanations panel's list) only locate each
// cause's first occurrence: a cause is matched to the log's by its typed key, never by text. The
// log is visited where it lies, not copied: a long run holds millions of events.
std::vector<CauseRow> causeRows(const std::vector<Cause>& causes, const TraceLog* log,
                                const std::vector<ExplainedError>& errors);

class CauseModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { CodeColumn, CountColumn, FirstColumn, WhyColumn, FixColumn, ColumnCount };
    // FirstTimeRole: CauseRow::firstNs (what the First column shows); ExplainedTimeRole:
    // CauseRow::explainedNs (where a click moves the cursor).
    enum Role { FirstSeqRole = Qt::UserRole + 100, FirstTimeRole, ExplainedTimeRole };

    using QAbstractTableModel::QAbstractTableModel;

    void setCauses(std::vector<CauseRow> rows);
    const std::vector<CauseRow>& causes() const { return rows_; }
    // The total of the counts: every error of the run.
    quint64 totalCount() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<CauseRow> rows_;
};

} // namespace txs::result
