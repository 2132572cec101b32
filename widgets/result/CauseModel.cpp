#include "widgets/result/CauseModel.h"

#include "widgets/models/ModelStyle.h"

#include <algorithm>
#include <map>
#include <utility>

namespace txs::result {

std::vector<CauseRow> causesFromExplanations(const std::vector<ExplainedError>& errors)
{
    std::map<std::pair<EventKind, int>, std::size_t> index;
    std::vector<CauseRow> rows;
    for (const ExplainedError& e : errors) {
        const auto key = std::make_pair(e.kind, e.code);
        auto [it, added] = index.emplace(key, rows.size());
        if (added) {
            CauseRow row;
            row.code = e.kind == EventKind::Conflict ? QStringLiteral("TXSCOPE_CONFLICT")
                                                     : models::errorCodeName(e.code, e.code == rc::BusySnapshot ? ErrorKind::BusySnapshot : ErrorKind::Busy);
            row.rule = e.kind == EventKind::Conflict ? QStringLiteral("write-write conflict")
                                                     : QStringLiteral("lock busy");
            row.firstNs = e.timeNs;
            row.firstSeq = e.seq;
            rows.push_back(row);
        }
        CauseRow& row = rows[it->second];
        ++row.count;
        row.lastNs = e.timeNs;
        if (row.why.isEmpty() && !e.explanation.empty()) {
            const ExplanationParts parts = splitExplanation(e.explanation);
            row.why = QString::fromStdString(parts.why);
            row.fix = QString::fromStdString(parts.fix);
        }
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const CauseRow& a, const CauseRow& b) { return a.count > b.count; });
    return rows;
}

void CauseModel::setCauses(std::vector<CauseRow> rows)
{
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
}

quint64 CauseModel::totalCount() const
{
    quint64 total = 0;
    for (const auto& r : rows_)
        total += r.count;
    return total;
}

int CauseModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int CauseModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CauseModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[] = {"Error", "Count", "First ms", "Why", "Fix"};
    return section >= 0 && section < ColumnCount ? QString(names[section]) : QVariant();
}

QVariant CauseModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const CauseRow& r = rows_[static_cast<std::size_t>(index.row())];
    if (role == FirstSeqRole) return QVariant::fromValue<quint64>(r.firstSeq);
    if (role == FirstTimeRole) return QVariant::fromValue<qint64>(r.firstNs);
    if (role == Qt::ForegroundRole && index.column() == CodeColumn)
        return models::outcomeForeground(models::Outcome::Failed);
    if (role == Qt::TextAlignmentRole && index.column() == CountColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
    switch (index.column()) {
    case CodeColumn:
        return role == Qt::ToolTipRole ? r.rule : r.code;
    case CountColumn:
        return QString::number(r.count);
    case FirstColumn:
        return models::formatMs(r.firstNs);
    case WhyColumn:
        return r.why.isEmpty() ? QStringLiteral("(not explained)") : r.why;
    case FixColumn:
        return r.fix;
    default:
        return {};
    }
}

} // namespace txs::result
