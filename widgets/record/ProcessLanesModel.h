#pragma once
// A recording's lanes grouped by process: one top-level row per process (pid and command), under
// it its lanes — connections where its sqlite3_* calls were seen (tier 2), else its file
// descriptors on a database (tier 1) — each with the lock levels it holds at the session's
// instant. A projection of the typed events: ProcessStart names the processes, each lane's
// ConnectionOpen its process (a) and tier (b); the levels come from the lock projection.
// Empty for a .txs run (no processes in it).

#include "engine/trace/LockState.h"

#include <QAbstractItemModel>
#include <cstdint>
#include <vector>

namespace txs {
struct Event;
namespace models {
class SessionLog;
}
} // namespace txs

namespace txs::record_view {

class ProcessLanesModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, DatabaseLockColumn, WalLocksColumn, KindColumn, ColumnCount };

    explicit ProcessLanesModel(models::SessionLog* session, QObject* parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "python3 webapp.py app.db" for "/usr/bin/python3 examples/webapp.py /tmp/app.db": each word
    // by its file name, so a group header or a headline fits a side pane.
    static QString shortCommand(const QString& command);
    // The process row of `pid` (invalid when unknown).
    QModelIndex processIndex(int pid) const;

private:
    struct Lane
    {
        std::uint32_t connection = 0;
        bool tier2 = false;
        QString name;  // the lane's own name (as the timeline shows it), for the tooltip
        QString label; // within its process: "connection 2", "file descriptors"
    };
    struct Process
    {
        int pid = 0;
        int parentPid = 0;
        QString command;
        std::vector<Lane> lanes;
    };

    void apply(const Event& e);
    void reset();
    void refreshLocks();
    int processRow(int pid) const;

    models::SessionLog* session_;
    std::vector<Process> processes_;
    LockState locks_; // at the session's instant
};

} // namespace txs::record_view
