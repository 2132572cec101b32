#pragma once
// What went wrong in a run, one row each: the expectations that failed (line, connection,
// expected, actual), the workers that gave up and the statements that failed, with why. A row
// with a script line gives it in LineRole, so clicking it can go there.

#include "widgets/result/RunVerdict.h"

#include <QAbstractTableModel>

namespace txs::result {

class VerdictModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { WhatColumn, LineColumn, ExpectedColumn, ActualColumn, ColumnCount };
    enum Role { LineRole = Qt::UserRole + 200 };
    enum class RowKind { Expectation, Worker, Statement };

    using QAbstractTableModel::QAbstractTableModel;

    void setVerdict(const RunVerdict& verdict);
    void clear();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        RowKind kind;
        int line = 0;
        QString who, expected, actual;
    };
    std::vector<Row> rows_;
};

} // namespace txs::result
