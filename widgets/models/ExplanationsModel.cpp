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
    static const char* names[] = {"Time ms", "Connection", "Tx", "Error", "Came to", "Message", "Why", "Fix"};
    return section >= 0 && section < ColumnCount ? QString(names[section]) : QVariant();
}

QString ExplanationsModel::outcomeText(ErrorOutcome outcome)
{
    switch (outcome) {
    case ErrorOutcome::Open:
        return QStringLiteral("…");
    case ErrorOutcome::Failed:
        return QStringLiteral("error");
    case ErrorOutcome::Waiting:
        return QStringLiteral("waiting");
    case ErrorOutcome::WaitedSucceeded:
        return QStringLiteral("wait, then ran");
    case ErrorOutcome::WaitedFailed:
        return QStringLiteral("wait, then failed");
    }
    return {};
}

namespace {

QString outcomeToolTip(ErrorOutcome outcome)
{
    switch (outcome) {
    case ErrorOutcome::Open:
        return QStringLiteral("The statement has not finished yet");
    case ErrorOutcome::Failed:
        return QStringLiteral(
            "The statement failed with this error: one of the errors the status bar counts");
    case ErrorOutcome::Waiting:
        return QStringLiteral("The statement is blocked and will be tried again: a wait, not an error");
    case ErrorOutcome::WaitedSucceeded:
        return QStringLiteral("The statement was tried again and ran: a wait, not an error");
    case ErrorOutcome::WaitedFailed:
        return QStringLiteral("The statement was tried again and finally failed: its last try is the error");
    }
    return {};
}

// The colour scale of the other panels: an error in the error colour, a wait in the timeline's
// waiting one (amber), whatever its statement came to.
Outcome colourOf(ErrorOutcome outcome)
{
    if (outcome == ErrorOutcome::Failed) return Outcome::Failed;
    return isWait(outcome) ? Outcome::Blocked : Outcome::Running;
}

} // namespace

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
    case OutcomeColumn:
        return outcomeText(x.outcome);
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
        if (index.column() == OutcomeColumn) return outcomeToolTip(x.outcome);
        return index.column() >= MessageColumn ? display(x, index.column()) : QVariant();
    case Qt::ForegroundRole:
        if (x.timeNs > instant()) return mutedForeground();
        return index.column() == CodeColumn || index.column() == OutcomeColumn
                   ? outcomeForeground(colourOf(x.outcome))
                   : QVariant();
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
        return static_cast<int>(colourOf(x.outcome));
    case ErrorOutcomeRole:
        return static_cast<int>(x.outcome);
    default:
        return {};
    }
}

} // namespace txs::models
