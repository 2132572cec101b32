#pragma once
// The causes of a run's errors, most frequent first: one row per cause with its count, the
// first occurrence (to jump to it on the timeline) and the explainer's Why and Fix.
//
// The rows are plain data (CauseRow) handed in with setCauses(), so whatever groups errors into
// causes can feed this model: today causesFromExplanations() below, which groups by typed facts
// only (the error's kind and extended result code) and shows the first explained occurrence's
// Why and Fix; the engine's cause projection replaces it when it lands, row for row.

#include "engine/trace/ExplanationProjection.h"

#include <QAbstractTableModel>
#include <QString>
#include <vector>

namespace txs::result {

struct CauseRow
{
    QString code; // "SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "TXSCOPE_CONFLICT"
    QString rule; // the rule that applied, short
    quint64 count = 0;
    QString why, fix;
    qint64 firstNs = 0;   // the first occurrence, on the trace log's clock
    quint64 firstSeq = 0; // its event, to select on the timeline and in the Explanations panel
    qint64 lastNs = 0;
};

// Groups the errors by (kind, extended code), most frequent first (ties: the earliest first).
std::vector<CauseRow> causesFromExplanations(const std::vector<ExplainedError>& errors);

class CauseModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { CodeColumn, CountColumn, FirstColumn, WhyColumn, FixColumn, ColumnCount };
    enum Role { FirstSeqRole = Qt::UserRole + 100, FirstTimeRole };

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
