#include "widgets/models/MetricsModel.h"

#include "widgets/models/ModelStyle.h"
#include "widgets/models/ThroughputSteps.h"

namespace txs::models {

MetricsModel::MetricsModel(SessionLog* session, QObject* parent) : InstantTableModel(session, parent)
{
    attach();
    // After the rows are refreshed, so a chart and the table agree.
    connect(session, &SessionLog::viewsDue, this, [this] {
        if (this->session()->isLive()) emit seriesChanged();
    });
    connect(session, &SessionLog::instantMoved, this, &MetricsModel::seriesChanged);
    connect(session, &SessionLog::reset, this, &MetricsModel::seriesChanged);
}

void MetricsModel::prepare(std::int64_t t)
{
    const MetricsProjection& m = projection().metrics;
    metrics_ = m.at(t);
    lastSecondCommits_ = metrics_.commits - m.at(t - 1'000'000'000).commits;
    latency_ = m.latency(t);
}

int MetricsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MetricsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole) return {};
    if (orientation == Qt::Horizontal) return section == NameColumn ? QString("Metric") : QString("Value");
    return {};
}

QVariant MetricsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    static const char* names[] = {"Commits",      "Rollbacks",
                                  "Retries",      "Conflicts",
                                  "SQLITE_BUSY",  "SQLITE_BUSY_SNAPSHOT",
                                  "Other errors", "Throughput (tx/s, last second)",
                                  "Latency p50",  "Latency p99"};
    const int row = index.row();
    if (role == Qt::ForegroundRole && index.column() == ValueColumn && row >= ConflictsRow &&
        row <= OtherErrorsRow)
        return data(index, ValueRole).toULongLong() ? outcomeForeground(Outcome::Failed) : QVariant();
    if (role != Qt::DisplayRole && role != ValueRole) return {};
    if (index.column() == NameColumn) return role == Qt::DisplayRole ? QString(names[row]) : QVariant();
    switch (row) {
    case CommitsRow:
        return QVariant::fromValue<quint64>(metrics_.commits);
    case RollbacksRow:
        return QVariant::fromValue<quint64>(metrics_.rollbacks);
    case RetriesRow:
        return QVariant::fromValue<quint64>(metrics_.retries);
    case ConflictsRow:
        return QVariant::fromValue<quint64>(metrics_.conflicts);
    case BusyRow:
        return QVariant::fromValue<quint64>(metrics_.busy);
    case BusySnapshotRow:
        return QVariant::fromValue<quint64>(metrics_.busySnapshot);
    case OtherErrorsRow:
        return QVariant::fromValue<quint64>(metrics_.otherErrors);
    case ThroughputRow:
        return QVariant::fromValue<quint64>(lastSecondCommits_);
    case LatencyP50Row:
        return role == Qt::DisplayRole ? (latency_.total ? formatDuration(latency_.p50Ns) : QString())
                                       : QVariant::fromValue<qint64>(latency_.p50Ns);
    case LatencyP99Row:
        return role == Qt::DisplayRole ? (latency_.total ? formatDuration(latency_.p99Ns) : QString())
                                       : QVariant::fromValue<qint64>(latency_.p99Ns);
    default:
        return {};
    }
}

Series MetricsModel::throughputSeries() const
{
    ThroughputSteps steps = throughputSteps(projection().metrics, instant());
    return {std::move(steps.keysMs), std::move(steps.perSecond)};
}

Series MetricsModel::latencySeries() const
{
    Series s;
    for (int b = 0; b < LatencyHistogram::kBuckets; ++b) {
        s.keys << static_cast<double>(LatencyHistogram::lowerNs(b)) / 1e6;
        s.values << static_cast<double>(latency_.counts[static_cast<std::size_t>(b)]);
    }
    return s;
}

} // namespace txs::models
