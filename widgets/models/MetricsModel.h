#pragma once
// The session's numbers at its instant: one row per metric (commits, rollbacks, retries,
// errors by kind, throughput, latency percentiles), plus the throughput and latency series
// for a chart (QCustomPlot takes the vectors as they are).

#include "widgets/models/InstantTableModel.h"

#include <QVector>

namespace txs::models {

struct Series
{
    QVector<double> keys, values;
};

class MetricsModel : public InstantTableModel
{
    Q_OBJECT

public:
    enum Row {
        CommitsRow,
        RollbacksRow,
        RetriesRow,
        ConflictsRow,
        BusyRow,
        BusySnapshotRow,
        OtherErrorsRow,
        ThroughputRow, // commits in the last second before the instant
        LatencyP50Row,
        LatencyP99Row,
        RowCount
    };
    enum Column { NameColumn, ValueColumn, ColumnCount };

    explicit MetricsModel(SessionLog* session, QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const MetricsAt& metrics() const { return metrics_; }
    const LatencyHistogram& latency() const { return latency_; }
    // Commits per second, per throughput bucket, up to the instant, as left steps closed at the
    // instant (keys: ms; ThroughputSteps.h).
    Series throughputSeries() const;
    // Committed transactions per latency bucket (keys: the bucket's lower bound in ms).
    Series latencySeries() const;

signals:
    // After every refresh: charts re-read the series.
    void seriesChanged();

protected:
    std::size_t rowsAt(std::int64_t) const override { return RowCount; }
    void prepare(std::int64_t t) override;

private:
    MetricsAt metrics_;
    std::uint64_t lastSecondCommits_ = 0;
    LatencyHistogram latency_;
};

} // namespace txs::models
