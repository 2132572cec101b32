#include "widgets/models/ExplanationsModel.h"

#include "widgets/models/ModelStyle.h"

#include <QGuiApplication>
#include <QPalette>

namespace txs::models {

ExplanationsModel::ExplanationsModel(SessionLog* session, QObject* parent)
    : InstantTableModel(session, parent)
{
    attach();
}

// Every error recorded so far, not only those by t: the panel is the run's index of errors, and
// selecting one moves the cursor to it; dropping the rows after that instant made the list
// collapse under the user's click. Errors after the instant are shown faded (AfterInstantRole).
std::size_t ExplanationsModel::rowsAt(std::int64_t t) const
{
    Q_UNUSED(t);
    return projection().explanations.all().size();
}

int ExplanationsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ExplanationsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[] = {"Time ms", "Connection", "Tx", "Error", "Message", "Why", "Fix"};
    return section >= 0 && section < ColumnCount ? QString(names[section]) : QVariant();
}

QVariant ExplanationsModel::display(const ExplainedError& x, int column) const
{
    switch (column) {
    case TimeColumn:
        return formatMs(x.timeNs);
    case ConnectionColumn:
        return QString::fromStdString(projection().connections.name(x.connection));
    case TxColumn:
        return x.txId ? QString::number(x.txId) : QString();
    case CodeColumn:
        return x.kind == EventKind::Conflict ? QString("TXSCOPE_CONFLICT")
                                             : errorCodeName(x.code, ErrorKind::Busy);
    case MessageColumn:
        return QString::fromStdString(x.message);
    // The explanation belongs to its error: it is recorded a moment after it (the explainer runs
    // once the error is known), so it is shown whatever the instant, never blanked by moving
    // the cursor to the error.
    case WhyColumn:
        return QString::fromStdString(x.explanation);
    case FixColumn:
        return QString::fromStdString(x.fix);
    default:
        return {};
    }
}

QVariant ExplanationsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const ExplainedError& x = projection().explanations.all()[recordOf(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return display(x, index.column());
    case Qt::ToolTipRole:
        return index.column() >= MessageColumn ? display(x, index.column()) : QVariant();
    case Qt::ForegroundRole:
        if (x.timeNs > instant()) return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return index.column() == CodeColumn ? outcomeForeground(Outcome::Failed) : QVariant();
    case AfterInstantRole:
        return x.timeNs > instant();
    case ExplainedTimeRole:
        // Where the row's story is complete: the explanation's instant (the error's when none).
        return QVariant::fromValue<qint64>(x.explanation.empty() ? x.timeNs
                                                                 : std::max(x.timeNs, x.explanationNs));
    case SeqRole:
        return QVariant::fromValue<quint64>(x.seq);
    case TimeRole:
        return QVariant::fromValue<qint64>(x.timeNs);
    case TxIdRole:
        return QVariant::fromValue<quint64>(x.txId);
    case ConnectionIdRole:
        return x.connection;
    case OutcomeRole:
        return static_cast<int>(Outcome::Failed);
    default:
        return {};
    }
}

} // namespace txs::models
