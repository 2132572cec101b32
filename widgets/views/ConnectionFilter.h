#pragma once
// Keeps the panels about the workload's own connections: hides the engine's internal connection
// (id 0: the SQLite backend's opener that sets the journal mode, the MVCC engine itself) unless
// asked, and, for the Locks panel, connections already closed at the instant. Decides on the
// models' typed roles (ConnectionIdRole, OpenRole), never on names.

#include <QSortFilterProxyModel>

namespace txs {

class ConnectionFilter : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit ConnectionFilter(QObject* parent = nullptr);

    void setShowInternal(bool show);
    bool showInternal() const { return showInternal_; }
    // Rows whose OpenRole is false are hidden (models without the role are unaffected).
    void setHideClosed(bool hide);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool showInternal_ = false;
    bool hideClosed_ = false;
};

} // namespace txs
