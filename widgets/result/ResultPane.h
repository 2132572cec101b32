#pragma once
// The result pane: after every run, what the run came to, where the user looks. A banner says
// PASS or FAIL and why in one line; below it each failed expectation (line, expected, actual),
// each worker that gave up and each failed statement (clicking a row with a line goes there);
// then the causes of the run's errors with their counts; the selected cause's Why and Fix (the
// first cause's until one is picked) are wrapped to the pane's width below the list, never
// pushed off to the side. Clicking a cause goes to its first occurrence.

#include "widgets/result/CauseModel.h"
#include "widgets/result/RunVerdict.h"
#include "widgets/result/VerdictModel.h"

#include <QWidget>

class QLabel;
class QTableView;
class QTextBrowser;

namespace txs::result {

class FittedText;

class ResultPane : public QWidget
{
    Q_OBJECT

public:
    explicit ResultPane(QWidget* parent = nullptr);

    void setVerdict(const RunVerdict& verdict);
    void setCauses(std::vector<CauseRow> causes);
    // The banner alone, for what is not a run of a script (a recording, a replayed session).
    void setHeadline(RunVerdict::State state, const QString& text) { setBanner(state, text); }
    void clear();

    QString headline() const;
    VerdictModel& verdictModel() { return *verdict_; }
    CauseModel& causeModel() { return *causes_; }
    QTableView* verdictView() const { return verdictView_; }
    QTableView* causeView() const { return causeView_; }
    QString causeDetail() const;
    // The height at which everything shown is read without scrolling, the whole Why and Fix of
    // the selected cause included, at the pane's present width: what the window gives the
    // dock after a run when it can.
    int heightToRead() const;
    // Where the selected cause's Fix is drawn, in the pane's coordinates (empty when none is).
    QRect fixRect() const;
    // Selects the cause whose first occurrence is event `seq` (the way back from the timeline);
    // false when none is.
    bool selectCauseOf(quint64 seq);

signals:
    void lineActivated(int line);
    // A cause picked: its first error and where its story is whole (CauseModel::ExplainedTimeRole).
    void causeActivated(quint64 firstSeq, qint64 explainedNs);

protected:
    // Presentation mode enlarges the font after the pane is built: the minimum width follows it.
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void fitMinimumWidth();
    void fitCauseView();
    void fitVerdictView();
    void fitVerdictColumns();
    static constexpr int kMaxVerdictRows = 3; // shown at once; more scroll
    void setBanner(RunVerdict::State state, const QString& text);
    void showCauseDetail();

    QLabel* banner_;
    QLabel* problemsTitle_;
    QLabel* causesTitle_;
    VerdictModel* verdict_;
    CauseModel* causes_;
    QTableView* verdictView_;
    QTableView* causeView_;
    FittedText* causeDetail_;
    FittedText* causeFix_;
};

} // namespace txs::result
