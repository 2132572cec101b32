#include "widgets/record/ProcessLanesModel.h"

#include "engine/trace/LockState.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/models/SessionLog.h"

#include <QFont>

namespace txs::record_view {

namespace {
// Process rows carry 0 as internal id; a lane row carries its process's row + 1.
constexpr quintptr kProcessRow = 0;
} // namespace

QString ProcessLanesModel::shortCommand(const QString& command)
{
    QStringList words;
    for (const QString& w : command.split(' ', Qt::SkipEmptyParts))
        words << w.section('/', -1);
    return words.join(' ');
}

ProcessLanesModel::ProcessLanesModel(models::SessionLog* session, QObject* parent)
    : QAbstractItemModel(parent), session_(session)
{
    connect(session_, &models::SessionLog::reset, this, &ProcessLanesModel::reset);
    connect(session_, &models::SessionLog::eventsApplied, this, [this] {
        for (const Event& e : session_->lastBatch())
            apply(e);
        refreshLocks();
    });
    // The lock columns are those at the instant shown.
    connect(session_, &models::SessionLog::instantChanged, this, &ProcessLanesModel::refreshLocks);
}

void ProcessLanesModel::refreshLocks()
{
    if (processes_.empty()) return;
    const auto& locks = session_->projection().locks;
    locks_ = session_->isLive() ? locks.current() : locks.stateAt(session_->instant());
    for (int row = 0; row < static_cast<int>(processes_.size()); ++row) {
        const QModelIndex p = index(row, 0);
        const int lanes = rowCount(p);
        if (lanes > 0) emit dataChanged(index(0, DatabaseLockColumn, p), index(lanes - 1, WalLocksColumn, p));
    }
}

void ProcessLanesModel::reset()
{
    beginResetModel();
    processes_.clear();
    locks_ = {};
    endResetModel();
}

int ProcessLanesModel::processRow(int pid) const
{
    for (std::size_t i = 0; i < processes_.size(); ++i)
        if (processes_[i].pid == pid) return static_cast<int>(i);
    return -1;
}

void ProcessLanesModel::apply(const Event& e)
{
    if (e.kind == EventKind::ProcessStart) {
        const int pid = static_cast<int>(e.a);
        if (processRow(pid) >= 0) return;
        const int row = static_cast<int>(processes_.size());
        beginInsertRows({}, row, row);
        processes_.push_back({pid, static_cast<int>(e.b), QString::fromStdString(e.text), {}});
        endInsertRows();
        return;
    }
    // A lane of a recording: ConnectionOpen with its process (a > 0) and tier (b 1 or 2).
    if (e.kind != EventKind::ConnectionOpen || e.a <= 0 || (e.b != 1 && e.b != 2)) return;
    const int row = processRow(static_cast<int>(e.a));
    if (row < 0) return; // a lane whose process was never announced: not a recording's
    auto& lanes = processes_[static_cast<std::size_t>(row)].lanes;
    const int at = static_cast<int>(lanes.size());
    beginInsertRows(index(row, 0), at, at);
    int connections = 0;
    for (const auto& lane : lanes)
        connections += lane.tier2 ? 1 : 0;
    const QString label =
        e.b == 2 ? QString("connection %1").arg(connections + 1) : QString("file descriptors");
    lanes.push_back({e.connection, e.b == 2, QString::fromStdString(e.text), label});
    endInsertRows();
}

QModelIndex ProcessLanesModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent)) return {};
    if (!parent.isValid()) return createIndex(row, column, kProcessRow);
    return createIndex(row, column, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex ProcessLanesModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == kProcessRow) return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, kProcessRow);
}

int ProcessLanesModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid()) return static_cast<int>(processes_.size());
    if (parent.internalId() != kProcessRow || parent.column() != 0) return 0;
    return static_cast<int>(processes_[static_cast<std::size_t>(parent.row())].lanes.size());
}

int ProcessLanesModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QModelIndex ProcessLanesModel::processIndex(int pid) const
{
    const int row = processRow(pid);
    return row < 0 ? QModelIndex() : index(row, 0);
}

QVariant ProcessLanesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case NameColumn:
        return QStringLiteral("Process / lane");
    case KindColumn:
        return QStringLiteral("Seen as");
    case DatabaseLockColumn:
        return QStringLiteral("Database lock");
    case WalLocksColumn:
        return QStringLiteral("WAL locks");
    }
    return {};
}

QVariant ProcessLanesModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid()) return {};
    if (index.internalId() == kProcessRow) {
        const auto& p = processes_[static_cast<std::size_t>(index.row())];
        if (role == Qt::DisplayRole) {
            if (index.column() == NameColumn)
                return QString("pid %1  %2").arg(p.pid).arg(shortCommand(p.command));
            if (index.column() == KindColumn)
                return p.parentPid > 0 ? QString("process (parent %1)").arg(p.parentPid) : QString("process");
        }
        if (role == Qt::ToolTipRole && index.column() == NameColumn) return p.command;
        if (role == Qt::FontRole && index.column() == NameColumn) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    }
    const auto& process = processes_[static_cast<std::size_t>(index.internalId() - 1)];
    const auto& lane = process.lanes[static_cast<std::size_t>(index.row())];
    if (role == models::ConnectionIdRole) return lane.connection;
    if (role == Qt::ToolTipRole && index.column() == NameColumn) return lane.name;
    if (role == Qt::ToolTipRole && index.column() == KindColumn)
        return lane.tier2 ? QString("A SQLite connection: its sqlite3_* calls were seen (statements, errors)")
                          : QString("The process's file descriptors on the database: SQLite is linked into "
                                    "the program, so only its lock calls are seen");
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case NameColumn:
        return lane.label;
    case KindColumn:
        return lane.tier2 ? QString("connection") : QString("file descriptors");
    case DatabaseLockColumn:
    case WalLocksColumn: {
        const LockState& state = locks_;
        if (index.column() == DatabaseLockColumn) {
            const LockLevel level = state.level(lane.connection, LockResource::DbFile);
            return level == LockLevel::None ? QString("–") : QString(lockLevelName(level));
        }
        QStringList held;
        for (int slot = 0; slot < ConnectionLocks::kShmSlots; ++slot) {
            const auto resource = static_cast<LockResource>(static_cast<int>(LockResource::ShmWrite) + slot);
            const LockLevel level = state.level(lane.connection, resource);
            if (level != LockLevel::None)
                held << QString("%1 %2").arg(lockResourceName(resource), lockLevelName(level));
        }
        return held.isEmpty() ? QString("–") : held.join(", ");
    }
    }
    return {};
}

} // namespace txs::record_view
