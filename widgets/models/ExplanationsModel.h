#pragma once
// Every SQLITE_BUSY and conflict by the session's instant, with the explainer's account of
// why and how to fix it (once the explanation had been given): the explanations panel.
// SeqRole gives the error's event, so selecting a row can select it on the timeline.

#include "widgets/models/InstantTableModel.h"

namespace txs::models {

class ExplanationsModel : public InstantTableModel
{
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        ConnectionColumn,
        TxColumn,
        CodeColumn,
        MessageColumn,
        WhyColumn,
        FixColumn,
        ColumnCount
    };

    explicit ExplanationsModel(SessionLog* session, QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    std::size_t rowsAt(std::int64_t t) const override;
    const TouchLog* touchLog() const override { return &projection().explanations.touched(); }

private:
    QVariant display(const ExplainedError& x, int column) const;
};

} // namespace txs::models
