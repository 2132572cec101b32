#pragma once
// The Explanations panel: the errors in a table (time, connection, transaction, error,
// message) and, beside it, the selected error's account in full — Why and Fix as wrapped
// paragraphs, visible without scrolling sideways. Until the user picks a row, the first one is
// shown, so the explanation is on screen by default.

#include <QWidget>

class QAbstractItemModel;
class QModelIndex;
class QTextBrowser;

namespace txs {
class HintedTableView;
}

namespace txs::result {

class ExplanationPanel : public QWidget
{
    Q_OBJECT

public:
    // `model` is an ExplanationsModel (or a proxy of one): its columns and roles are read.
    explicit ExplanationPanel(QAbstractItemModel* model, QWidget* parent = nullptr);

    HintedTableView* view() const { return view_; }
    QTextBrowser* detail() const { return detail_; }
    // The text the detail area shows (tests).
    QString detailText() const;
    // Selects the row of error event `seq`; false when the panel has none.
    bool selectSeq(quint64 seq);

signals:
    // The user picked a row (click, keys): the error's event and the instant its story is whole.
    void errorPicked(quint64 seq, qint64 explainedNs);

private:
    void showDetail();
    QModelIndex shownIndex() const;

    QAbstractItemModel* model_;
    HintedTableView* view_;
    QTextBrowser* detail_;
};

} // namespace txs::result
