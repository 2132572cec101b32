#include "widgets/dependencies/AnomalyListModel.h"

#include "widgets/dependencies/DependencySource.h"

namespace txs::dependencies {

AnomalyListModel::AnomalyListModel(DependencySource* source, QObject* parent)
    : QAbstractListModel(parent), source_(source)
{
    connect(source_, &DependencySource::reportChanged, this, [this] {
        beginResetModel();
        rows_ = static_cast<int>(source_->report().anomalies.size());
        endResetModel();
    });
    rows_ = static_cast<int>(source_->report().anomalies.size());
}

int AnomalyListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : rows_;
}

QVariant AnomalyListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const auto& report = source_->report();
    const analysis::Anomaly& a = report.anomalies[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole: {
        QStringList who;
        for (std::size_t n : a.transactions)
            who << QString::fromStdString(report.graph.txLabel(n));
        return QStringLiteral("%1 · %2: %3")
            .arg(QString::fromLatin1(analysis::anomalyKindName(a.kind)),
                 QString::fromLatin1(analysis::anomalyKindTitle(a.kind)), who.join(QStringLiteral(" → ")));
    }
    case Qt::ToolTipRole:
    case StoryRole:
        return QString::fromStdString(a.story);
    case KindRole:
        return QString::fromLatin1(analysis::anomalyKindName(a.kind));
    default:
        return {};
    }
}

} // namespace txs::dependencies
