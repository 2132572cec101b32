#pragma once
// Each connection's locks at the session's instant and whom it waits for: the lock panel.
// Rows are the connections that had opened by then; the lock state comes from
// LockProjection (LockState at t), computed once per refresh.

#include "widgets/models/InstantTableModel.h"

namespace txs::models {

class LocksModel : public InstantTableModel
{
    Q_OBJECT

public:
    enum Column {
        ConnectionColumn,
        DbFileColumn,  // SQLite's database-file lock level
        WalColumn,     // WAL shm slots held
        MvccColumn,    // the MVCC engine's exclusive slot and commit lock
        WaitingColumn, // what it waits for
        SinceColumn,   // since when
        BlockedByColumn,
        ColumnCount
    };

    explicit LocksModel(SessionLog* session, QObject* parent = nullptr);

    // What the panel says when no row shows: a closed connection holds nothing and leaves the panel.
    static constexpr const char* EmptyHint =
        "No connection holds a lock at this instant: every connection has closed (a closed connection "
        "holds nothing and leaves this panel) or none has opened yet. Move the timeline's cursor into "
        "the run to see who held which lock and who waited for whom.";

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const LockState& lockState() const { return state_; }

protected:
    std::size_t rowsAt(std::int64_t t) const override;
    void prepare(std::int64_t t) override;

private:
    QVariant display(const ConnectionRecord& c, int column) const;

    LockState state_;
};

} // namespace txs::models
