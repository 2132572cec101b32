#include "widgets/models/LocksModel.h"

#include "widgets/models/ModelStyle.h"

namespace txs::models {

namespace {

QString levelText(LockLevel level)
{
    return level == LockLevel::None ? QString() : QString(lockLevelName(level));
}

} // namespace

LocksModel::LocksModel(SessionLog* session, QObject* parent) : InstantTableModel(session, parent)
{
    attach();
}

std::size_t LocksModel::rowsAt(std::int64_t t) const
{
    return projection().connections.countAt(t);
}

void LocksModel::prepare(std::int64_t t)
{
    const LockProjection& locks = projection().locks;
    state_ = session()->isLive() ? locks.current() : locks.stateAt(t);
}

int LocksModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LocksModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[] = {"Connection", "Database file", "WAL",       "MVCC",
                                  "Waits for",  "Since ms",      "Blocked by"};
    return section >= 0 && section < ColumnCount ? QString(names[section]) : QVariant();
}

QVariant LocksModel::display(const ConnectionRecord& c, int column) const
{
    const ConnectionLocks locks = state_.connection(c.id);
    switch (column) {
    case ConnectionColumn:
        return QString::fromStdString(c.name) + (c.closeNs <= instant() ? " (closed)" : "");
    case DbFileColumn:
        return levelText(locks.dbFile);
    case WalColumn: {
        QStringList held;
        for (int i = 0; i < ConnectionLocks::kShmSlots; ++i) {
            const LockLevel level = locks.shm[static_cast<std::size_t>(i)];
            if (level == LockLevel::None) continue;
            const auto resource = static_cast<LockResource>(static_cast<int>(LockResource::ShmWrite) + i);
            held << QString("%1 %2").arg(lockResourceName(resource),
                                         level == LockLevel::Exclusive ? "X" : "S");
        }
        return held.join(", ");
    }
    case MvccColumn: {
        QStringList held;
        if (locks.mvccExclusive != LockLevel::None) held << "exclusive";
        if (locks.mvccCommit != LockLevel::None) held << "committing";
        return held.join(", ");
    }
    case WaitingColumn:
        if (!locks.waiting) return {};
        return QString("%1 on %2")
            .arg(lockLevelName(locks.waiting->wanted), lockResourceName(locks.waiting->resource));
    case SinceColumn:
        return locks.waiting ? formatMs(locks.waiting->sinceNs) : QString();
    case BlockedByColumn: {
        QStringList holders;
        for (const WaitEdge& edge : state_.blockersOf(c.id))
            holders << QString("%1 (%2)").arg(
                QString::fromStdString(projection().connections.name(edge.holder)), lockLevelName(edge.held));
        return holders.join(", ");
    }
    default:
        return {};
    }
}

QVariant LocksModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const ConnectionRecord& c = projection().connections.all()[recordOf(index.row())];
    const bool waiting = state_.connection(c.id).waiting.has_value();
    switch (role) {
    case Qt::DisplayRole:
        return display(c, index.column());
    case Qt::BackgroundRole:
        return waiting ? outcomeBackground(Outcome::Blocked) : QVariant();
    case Qt::ForegroundRole:
        return c.closeNs <= instant() ? QVariant(mutedForeground()) : QVariant();
    case ConnectionIdRole:
        return c.id;
    case WaitingRole:
        return waiting;
    case OpenRole:
        return c.openAt(instant());
    case TimeRole:
        return QVariant::fromValue<qint64>(c.openNs);
    default:
        return {};
    }
}

} // namespace txs::models
