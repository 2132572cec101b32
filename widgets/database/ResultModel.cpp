#include "widgets/database/ResultModel.h"

#include <QPalette>

namespace txs::database {

ResultModel::ResultModel(QObject* parent) : QAbstractTableModel(parent) {}

void ResultModel::setResult(QStringList columns, QVector<QVector<QVariant>> rows)
{
    beginResetModel();
    columns_ = std::move(columns);
    rows_ = std::move(rows);
    endResetModel();
}

int ResultModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(rows_.size());
}

int ResultModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(columns_.size());
}

QVariant ResultModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rows_.size() || index.column() >= columns_.size()) return {};
    const QVariant v = rows_[index.row()].value(index.column());
    if (role == Qt::DisplayRole) {
        if (!v.isValid()) return QStringLiteral("NULL");
        if (v.typeId() == QMetaType::QByteArray)
            return QString("x'%1' (%2 bytes)")
                .arg(QString::fromLatin1(v.toByteArray().left(16).toHex()))
                .arg(v.toByteArray().size());
        return v.toString().replace('\n', QChar(0x21B5));
    }
    if (role == Qt::TextAlignmentRole &&
        (v.typeId() == QMetaType::LongLong || v.typeId() == QMetaType::Double))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && !v.isValid())
        return QPalette().brush(QPalette::Disabled, QPalette::Text);
    return {};
}

QVariant ResultModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole) return {};
    if (orientation == Qt::Horizontal)
        return section < columns_.size() ? QVariant(columns_[section]) : QVariant();
    return section + 1;
}

} // namespace txs::database
