#pragma once
// The anomalies of the dependency graph at the session's instant, one row each: its kind and
// name ("G2-item · write skew"), the transactions of its cycle, and (StoryRole, tooltip) the story
// in plain language. Reset whenever the analysis runs again (DependencySource::reportChanged).

#include <QAbstractListModel>

namespace txs::dependencies {

class DependencySource;

class AnomalyListModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        StoryRole = Qt::UserRole + 1, // QString: the anomaly's story
        KindRole,                     // QString: "G2-item"
    };

    explicit AnomalyListModel(DependencySource* source, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    DependencySource* source_;
    int rows_ = 0;
};

} // namespace txs::dependencies
