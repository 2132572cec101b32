#pragma once
// The rows an SQL console statement returned, as a read-only grid. The console keeps them all
// (up to SqlConsole::MaxRows), so this model is a plain table over a vector.

#include <QAbstractTableModel>
#include <QVector>

namespace txs::database {

class ResultModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit ResultModel(QObject* parent = nullptr);

    void setResult(QStringList columns, QVector<QVector<QVariant>> rows);
    void clear() { setResult({}, {}); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QStringList columns_;
    QVector<QVector<QVariant>> rows_;
};

} // namespace txs::database
