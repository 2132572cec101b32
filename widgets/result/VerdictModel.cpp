#include "widgets/result/VerdictModel.h"

#include "widgets/models/ModelStyle.h"

namespace txs::result {

void VerdictModel::setVerdict(const RunVerdict& verdict)
{
    beginResetModel();
    rows_.clear();
    for (const ExpectationFailure& f : verdict.failures())
        rows_.push_back({RowKind::Expectation, f.line, QString::fromStdString(f.connection),
                         QString::fromStdString(f.expected), QString::fromStdString(f.actual)});
    // The runner words these for people ("writer-3 (line 12): <error>"); shown as they are.
    for (const std::string& w : verdict.workersGaveUp())
        rows_.push_back({RowKind::Worker, 0, {}, {}, QString::fromStdString(w)});
    for (const std::string& s : verdict.statementErrors())
        rows_.push_back({RowKind::Statement, 0, {}, {}, QString::fromStdString(s)});
    endResetModel();
}

void VerdictModel::clear()
{
    beginResetModel();
    rows_.clear();
    endResetModel();
}

int VerdictModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int VerdictModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant VerdictModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) return {};
    // Short labels, whole in a narrow dock at presentation size; the tooltips say the rest.
    static const char* names[] = {"What", "Line", "Expected", "Actual"};
    static const char* tips[] = {"An expectation that failed, a worker that gave up, a statement that failed",
                                 "The script line (click the row to go there)", "What the script expected",
                                 "What happened instead, or why it failed"};
    if (role == Qt::DisplayRole) return QString(names[section]);
    if (role == Qt::ToolTipRole) return QString(tips[section]);
    return {};
}

QVariant VerdictModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Row& r = rows_[static_cast<std::size_t>(index.row())];
    if (role == LineRole) return r.line;
    if (role == Qt::ForegroundRole && index.column() == WhatColumn)
        return models::outcomeForeground(models::Outcome::Failed);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
    switch (index.column()) {
    case WhatColumn:
        switch (r.kind) {
        case RowKind::Expectation:
            return r.who.isEmpty() ? QStringLiteral("✗ expectation")
                                   : QStringLiteral("✗ expectation (%1)").arg(r.who);
        case RowKind::Worker:
            return QStringLiteral("✗ worker gave up");
        case RowKind::Statement:
            return QStringLiteral("✗ statement failed");
        }
        return {};
    case LineColumn:
        return r.line > 0 ? QVariant(r.line) : QVariant();
    case ExpectedColumn:
        return r.expected;
    case ActualColumn:
        return r.actual;
    default:
        return {};
    }
}

} // namespace txs::result
