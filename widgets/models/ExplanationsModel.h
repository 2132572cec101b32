#pragma once
// Every SQLITE_BUSY and conflict by the session's instant, with the explainer's account of
// why and how to fix it (once the explanation had been given): the explanations panel.
// SeqRole gives the error's event, so selecting a row can select it on the timeline.
// Each row says what it came to (OutcomeColumn, ErrorOutcomeRole: the projection's
// ErrorOutcome): an error of the run's counts, or a wait that the statement got through (or not);
// only errors are drawn in the error colour, so the rows called errors are the status bar's.

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
        OutcomeColumn,
        MessageColumn,
        WhyColumn,
        FixColumn,
        ColumnCount
    };

    // What the Outcome column says for each ErrorOutcome (the panel's summary uses the same words).
    static QString outcomeText(ErrorOutcome outcome);

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
