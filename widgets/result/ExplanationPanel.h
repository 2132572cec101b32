#pragma once
// The Explanations panel: the errors in a table (time, connection, transaction, error,
// message) and, beside it, the selected error's account in full — Why and Fix as wrapped
// paragraphs, visible without scrolling sideways. Until the user picks a row, the first one is
// shown, so the explanation is on screen by default.
//
// Above them, one line counts the rows as the status bar counts errors (ErrorTally): a row is an
// error of the run, or a wait its statement got past by trying again (the "Came to" column says
// which), so three SQLITE_BUSY rows beside "errors 1" read as one error and two waits.

#include "widgets/result/ErrorTally.h"

#include <QWidget>

class QAbstractItemModel;
class QLabel;
class QModelIndex;
class QSplitter;
class QTextBrowser;

namespace txs {
class ColumnFitter;
class HintedTableView;
} // namespace txs

namespace txs::result {

class ExplanationPanel : public QWidget
{
    Q_OBJECT

public:
    // `model` is an ExplanationsModel (or a proxy of one): its columns and roles are read.
    explicit ExplanationPanel(QAbstractItemModel* model, QWidget* parent = nullptr);

    HintedTableView* view() const { return view_; }
    QTextBrowser* detail() const { return detail_; }
    // The counts above the table (the window sets them with the status bar's).
    void setTally(const ErrorTally& tally);
    ErrorTally tally() const { return tally_; }
    QLabel* summary() const { return summary_; }
    // The text the detail area shows (tests).
    QString detailText() const;
    // Selects the row of error event `seq`; false when the panel has none.
    bool selectSeq(quint64 seq);

signals:
    // The user picked a row (click, keys): the error's event and the instant its story is whole.
    void errorPicked(quint64 seq, qint64 explainedNs);

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showDetail();
    void fitWidths();
    void fitMessage();
    int columnsWidth(bool withMessage) const;
    QModelIndex shownIndex() const;

    QAbstractItemModel* model_;
    HintedTableView* view_;
    ColumnFitter* fitter_ = nullptr; // owned by view_
    QSplitter* splitter_ = nullptr;
    bool userSplit_ = false; // the user moved the splitter: their sizes stay
    QTextBrowser* detail_;
    QLabel* summary_;
    ErrorTally tally_;
    bool tallySet_ = false;
};

} // namespace txs::result
