#pragma once
// Every statement begun by the session's instant, from the log's StatementBegin/StatementEnd
// pairs: what ran on which connection, in which transaction, its result and duration. A
// statement still running at the instant shows as running.

#include "widgets/models/InstantTableModel.h"

namespace txs::models {

class StatementLogModel : public InstantTableModel
{
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        ConnectionColumn,
        TxColumn,
        SqlColumn,
        ResultColumn,
        ChangesColumn,
        DurationColumn,
        ColumnCount
    };

    explicit StatementLogModel(SessionLog* session, QObject* parent = nullptr);

    // The Result column of a statement that changed the database's journal mode.
    static QString journalChangeText(const StatementRecord& s);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    std::size_t rowsAt(std::int64_t t) const override;
    const TouchLog* touchLog() const override { return &projection().statements.touched(); }

private:
    Outcome outcomeAt(const StatementRecord& s) const;
    const ExplainedError* errorEventOf(const StatementRecord& s) const;
    QVariant display(const StatementRecord& s, int column) const;
};

} // namespace txs::models
