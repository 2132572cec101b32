#include "widgets/result/CauseModel.h"

#include "widgets/models/ModelStyle.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace txs::result {

namespace {

auto causeKey(const Cause& c)
{
    return std::make_tuple(c.code, c.rule, c.holderKnown,
                           c.holderKnown ? c.heldResource : LockResource::DbFile,
                           c.holderKnown ? c.heldLevel : LockLevel::None);
}

} // namespace

std::vector<CauseRow> causeRows(const std::vector<Cause>& causes, const TraceLog* log,
                                const std::vector<ExplainedError>& errors)
{
    // The same grouping over the log gives each cause's first Explanation event...
    CauseProjection fromLog;
    if (log) log->visitSince(0, [&](const Event& e) { fromLog.apply(e); });
    std::map<decltype(causeKey(Cause{})), std::uint64_t> firstExplanation;
    for (const Cause& c : fromLog.all())
        firstExplanation.emplace(causeKey(c), c.firstSeq);
    // ... and the Explanations panel, the error it explains.
    std::map<std::uint64_t, const ExplainedError*> byExplanation;
    for (const ExplainedError& e : errors)
        if (e.explanationSeq != 0) byExplanation.emplace(e.explanationSeq, &e);

    std::vector<CauseRow> rows;
    rows.reserve(causes.size());
    for (const Cause& c : causes) {
        CauseRow row;
        row.code = QString::fromStdString(causeCodeName(c));
        const std::string held = causeHeldLock(c);
        row.rule =
            QString::fromUtf8(explainRuleName(c.rule)) +
            (held.empty() ? QString() : QStringLiteral(" (held: %1)").arg(QString::fromStdString(held)));
        row.ruleName = QString::fromUtf8(explainRuleName(c.rule));
        row.count = c.count;
        row.why = QString::fromStdString(c.why);
        row.fix = QString::fromStdString(c.fix);
        // CauseProjection's times are its Explanation events' (the CLI's "between ... ms"); the
        // window shows the error's own instant, as its other views do (CauseRow::firstNs).
        row.firstNs = c.firstNs;
        row.explainedNs = c.firstNs;
        row.lastNs = c.lastNs;
        if (auto at = firstExplanation.find(causeKey(c)); at != firstExplanation.end())
            if (auto error = byExplanation.find(at->second); error != byExplanation.end()) {
                row.firstSeq = error->second->seq;
                row.firstNs = error->second->timeNs;
                row.explainedNs = std::max(error->second->timeNs, error->second->explanationNs);
            }
        rows.push_back(std::move(row));
    }
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
    if (role == ExplainedTimeRole) return QVariant::fromValue<qint64>(r.explainedNs);
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
