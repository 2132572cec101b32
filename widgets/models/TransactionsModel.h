#pragma once
// Every transaction that had begun by the session's instant, with its state at that instant:
// the transactions table.

#include "widgets/models/InstantTableModel.h"

namespace txs::models {

class TransactionsModel : public InstantTableModel
{
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        ConnectionColumn,
        ModeColumn,
        StateColumn,
        BeginTsColumn,
        CommitTsColumn,
        RowsColumn,
        RetriesColumn,
        OutcomeColumn,
        BeginMsColumn,
        EndMsColumn,
        ColumnCount
    };

    explicit TransactionsModel(SessionLog* session, QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The row of a transaction (-1 when it is not shown), to select it from elsewhere.
    int rowOf(std::uint64_t txId) const;
    // The text of `column` for the transaction `record` of totalRows(), shown or not (the
    // export writes every transaction, not only the window's rows).
    QString cellText(std::size_t record, int column) const;

protected:
    std::size_t rowsAt(std::int64_t t) const override;
    const TouchLog* touchLog() const override { return &projection().transactions.touched(); }

private:
    QVariant display(const TransactionRecord& r, int column) const;
};

} // namespace txs::models
