#include "widgets/models/TransactionsModel.h"

#include "engine/trace/EventLabels.h"
#include "widgets/models/ModelStyle.h"

namespace txs::models {

namespace {

Outcome outcomeOf(TxPhase phase)
{
    switch (phase) {
    case TxPhase::NotBegun:
        return Outcome::None;
    case TxPhase::Active:
        return Outcome::Running;
    case TxPhase::Doomed:
        return Outcome::Doomed;
    case TxPhase::Committed:
        return Outcome::Ok;
    case TxPhase::RolledBack:
        return Outcome::Failed;
    }
    return Outcome::None;
}

} // namespace

TransactionsModel::TransactionsModel(SessionLog* session, QObject* parent)
    : InstantTableModel(session, parent)
{
    attach();
}

std::size_t TransactionsModel::rowsAt(std::int64_t t) const
{
    return projection().transactions.countAt(t);
}

int TransactionsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int TransactionsModel::rowOf(std::uint64_t txId) const
{
    return rowOfRecord(projection().transactions.indexOf(txId));
}

QVariant TransactionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[] = {"Tx",   "Connection", "Mode",    "State",    "Begin ts", "Commit ts",
                                  "Rows", "Retries",    "Outcome", "Begin ms", "End ms"};
    return section >= 0 && section < ColumnCount ? QString(names[section]) : QVariant();
}

QVariant TransactionsModel::display(const TransactionRecord& r, int column) const
{
    const std::int64_t t = instant();
    const TxPhase phase = r.phaseAt(t);
    switch (column) {
    case IdColumn:
        return QString::number(r.id);
    case ConnectionColumn:
        return QString::fromStdString(projection().connections.name(r.connection));
    case ModeColumn:
        return QString(txModeName(r.mode));
    case StateColumn:
        return QString(txPhaseName(phase));
    case BeginTsColumn:
        // A snapshot restarted as the exclusive writer is described by what it sees.
        if (r.snapshotMovedNs <= t) return QString("after %1").arg(r.movedSeesUpTo);
        if (r.implicit) return QString("after %1").arg(r.initialSeesUpTo);
        return r.beginTs ? QString::number(r.beginTs) : QString();
    case CommitTsColumn:
        return phase == TxPhase::Committed && r.commitTs ? QString::number(r.commitTs) : QString();
    case RowsColumn:
        return QString::number(r.rowsWrittenAt(t));
    case RetriesColumn:
        return r.retries ? QString::number(r.retries) : QString();
    case OutcomeColumn: {
        QString text;
        if (phase == TxPhase::Committed) text = "committed";
        if (phase == TxPhase::RolledBack)
            text = QString("rolled back (%1)")
                       .arg(rollbackReasonLabel(static_cast<std::int64_t>(r.rollbackReason)));
        if (phase == TxPhase::Doomed) text = "doomed: only ROLLBACK is accepted";
        if ((phase == TxPhase::Doomed || phase == TxPhase::RolledBack) && r.conflictWith && r.doomedNs <= t)
            text += QString(", conflict with tx %1").arg(r.conflictWith);
        if (r.retriedNs <= t) text += ", retried";
        return text;
    }
    case BeginMsColumn:
        return formatMs(r.beginNs);
    case EndMsColumn:
        return r.endNs <= t ? formatMs(r.endNs) : QString();
    default:
        return {};
    }
}

QString TransactionsModel::cellText(std::size_t record, int column) const
{
    if (record >= totalRows()) return {};
    return display(projection().transactions.all()[record], column).toString();
}

QVariant TransactionsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const TransactionRecord& r = projection().transactions.all()[recordOf(index.row())];
    const Outcome outcome = outcomeOf(r.phaseAt(instant()));
    switch (role) {
    case Qt::DisplayRole:
        return display(r, index.column());
    case Qt::ToolTipRole:
        if (index.column() == BeginTsColumn && r.snapshotMovedNs <= instant())
            return QString("The snapshot restarted when the transaction became the exclusive writer "
                           "before reading: it sees every commit up to timestamp %1.")
                .arg(r.movedSeesUpTo);
        if (index.column() == OutcomeColumn && !r.doomMessage.empty() && r.doomedNs <= instant())
            return QString::fromStdString(r.doomMessage);
        return {};
    case Qt::ForegroundRole:
        return index.column() == StateColumn || index.column() == OutcomeColumn ? outcomeForeground(outcome)
                                                                                : QVariant();
    case Qt::BackgroundRole:
        return outcomeBackground(outcome);
    case SeqRole:
        return QVariant::fromValue<quint64>(r.firstSeq);
    case TimeRole:
        return QVariant::fromValue<qint64>(r.beginNs);
    case TxIdRole:
        return QVariant::fromValue<quint64>(r.id);
    case ConnectionIdRole:
        return r.connection;
    case OutcomeRole:
        return static_cast<int>(outcome);
    default:
        return {};
    }
}

} // namespace txs::models
