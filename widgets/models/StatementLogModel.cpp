#include "widgets/models/StatementLogModel.h"

#include "engine/trace/JournalSetting.h"
#include "widgets/models/ModelStyle.h"

#include <algorithm>

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
    static const char* names[] = {"Began ms", "Connection", "Tx", "SQL", "Result", "Rows", "Duration"};
    return section >= 0 && section < ColumnCount ? QString(names[section]) : QVariant();
}

Outcome StatementLogModel::outcomeAt(const StatementRecord& s) const
{
    const std::int64_t t = instant();
    if (s.runningAt(t)) return Outcome::Running;
    if (s.blockedNs <= t) return Outcome::Blocked;
    return s.code == 0 ? Outcome::Ok : Outcome::Failed;
}

// What a statement that changed the database's journal mode (JournalSetting.h's typed Note) did: said in
// the log's row, as the issue asks ("the log says so when it does"), from the typed event.
QString StatementLogModel::journalChangeText(const StatementRecord& s)
{
    const auto name = [](std::uint8_t mode) {
        return QString::fromLatin1(journalSettingName(static_cast<JournalSetting>(mode)));
    };
    QString text = QString("journal mode changed: %1 → %2").arg(name(s.journalFrom), name(s.journalTo));
    if (s.journalFileChanged)
        text += static_cast<JournalSetting>(s.journalTo) == JournalSetting::Wal
                    ? QString(" (the file stays in WAL mode after the run)")
                    : QString(" (the file leaves WAL mode)");
    return text;
}

// The Busy or Conflict event of `s`: its connection's, after its StatementBegin (the list is in
// seq order) and by its end. Its time is the instant every other view shows for the error (the
// Explanations panel's Time, the timeline's marker, the cause's First), a few microseconds after
// the statement began and before it ended.
const ExplainedError* StatementLogModel::errorEventOf(const StatementRecord& s) const
{
    if (s.code == 0 && s.blockedNs == kNever) return nullptr;
    const auto& errors = projection().explanations.all();
    auto it = std::upper_bound(errors.begin(), errors.end(), s.seq,
                               [](std::uint64_t seq, const ExplainedError& e) { return seq < e.seq; });
    for (; it != errors.end() && it->timeNs <= s.endNs; ++it)
        if (it->connection == s.connection) return &*it;
    return nullptr;
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
        // An error names its instant (errorEventOf): the statement's row is at its beginning.
        const ExplainedError* error = errorEventOf(s);
        const QString at = error ? QString(" at %1 ms").arg(formatMs(error->timeNs)) : QString();
        QString text = s.code == 0 ? (s.journalTo != 0 ? journalChangeText(s)
                                      : s.read.empty() ? QString("ok")
                                                       : "read " + QString::fromStdString(s.read))
                                   : QString("%1%2: %3")
                                         .arg(errorCodeName(s.code, errorKindOfDetail(s.errorKind)), at,
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
