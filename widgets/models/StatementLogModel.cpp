#include "widgets/models/StatementLogModel.h"

#include "widgets/models/ModelStyle.h"

namespace txs::models {

StatementLogModel::StatementLogModel(SessionLog* session, QObject* parent)
    : InstantTableModel(session, parent)
{
    attach();
}

std::size_t StatementLogModel::rowsAt(std::int64_t t) const
{
    return projection().statements.countAt(t);
}

int StatementLogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StatementLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[] = {"Time ms", "Connection", "Tx", "SQL", "Result", "Rows", "Duration"};
    return section >= 0 && section < ColumnCount ? QString(names[section]) : QVariant();
}

Outcome StatementLogModel::outcomeAt(const StatementRecord& s) const
{
    const std::int64_t t = instant();
    if (s.runningAt(t)) return Outcome::Running;
    if (s.blockedNs <= t) return Outcome::Blocked;
    return s.code == 0 ? Outcome::Ok : Outcome::Failed;
}

QVariant StatementLogModel::display(const StatementRecord& s, int column) const
{
    const std::int64_t t = instant();
    switch (column) {
    case TimeColumn:
        return formatMs(s.beginNs);
    case ConnectionColumn:
        return QString::fromStdString(projection().connections.name(s.connection));
    case TxColumn:
        return s.txId ? QString::number(s.txId) : QString();
    case SqlColumn:
        return QString::fromStdString(s.sql);
    case ResultColumn: {
        if (s.runningAt(t)) return QString("running");
        QString text = s.code == 0
                           ? (s.read.empty() ? QString("ok") : "read " + QString::fromStdString(s.read))
                           : QString("%1: %2").arg(errorCodeName(s.code, errorKindOfDetail(s.errorKind)),
                                                   QString::fromStdString(s.message));
        if (s.blockedNs <= t) text = "blocked, will be tried again (" + text + ")";
        return text;
    }
    case ChangesColumn:
        return s.endNs <= t && s.code == 0 && s.changes ? QString::number(s.changes) : QString();
    case DurationColumn:
        return s.endNs <= t ? formatDuration(s.endNs - s.beginNs) : QString();
    default:
        return {};
    }
}

QVariant StatementLogModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const StatementRecord& s = projection().statements.all()[recordOf(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return display(s, index.column());
    case Qt::ToolTipRole:
        return index.column() == SqlColumn || index.column() == ResultColumn ? display(s, index.column())
                                                                             : QVariant();
    case Qt::ForegroundRole:
        return index.column() == ResultColumn ? outcomeForeground(outcomeAt(s)) : QVariant();
    case SeqRole:
        return QVariant::fromValue<quint64>(s.seq);
    case TimeRole:
        return QVariant::fromValue<qint64>(s.beginNs);
    case TxIdRole:
        return QVariant::fromValue<quint64>(s.txId);
    case ConnectionIdRole:
        return s.connection;
    case OutcomeRole:
        return static_cast<int>(outcomeAt(s));
    default:
        return {};
    }
}

} // namespace txs::models
