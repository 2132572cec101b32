#pragma once
// The Dependencies panel: the dependency graph of the transactions committed by the session's
// instant (DependencyGraphView), a sentence saying what it means (no anomaly, which ones, or why
// there is no graph), a legend of the edge types, and the list of anomalies with the story of
// the one selected, whose cycle the graph highlights. Clicking an edge asks for its two
// statements to be selected (statementsPicked: the window selects them in the other panels).

#include <QWidget>

class QCheckBox;
class QLabel;
class QListView;
class QScrollArea;
class QSplitter;

namespace txs::models {
class SessionLog;
}

namespace txs::dependencies {

class AnomalyListModel;
class DependencyGraphView;
class DependencySource;

class DependenciesPanel : public QWidget
{
    Q_OBJECT

public:
    explicit DependenciesPanel(models::SessionLog* session, QWidget* parent = nullptr);

    DependencySource& source() { return *source_; }
    AnomalyListModel& anomalies() { return *anomalies_; }
    DependencyGraphView& graphView() { return *graph_; }
    QListView& anomalyView() { return *anomalyView_; }
    QString verdictText() const;
    QString storyText() const;
    // Highlights anomaly `row`'s cycle and shows its story.
    void selectAnomaly(int row);
    // Draw only the selected anomaly's transactions (a large run's graph is a thicket); by
    // default, only when the whole graph does not fit the panel's height.
    void setCycleOnly(bool only);

signals:
    // The statements (StatementBegin seqs; 0 = not known) of the edge clicked.
    void statementsPicked(quint64 fromSeq, quint64 toSeq);

protected:
    void changeEvent(QEvent* e) override;
    bool eventFilter(QObject* watched, QEvent* e) override;

private:
    void onReportChanged();
    void showAnomaly(int row);
    void updateLegend();
    void showGraph();

    DependencySource* source_;
    AnomalyListModel* anomalies_;
    DependencyGraphView* graph_;
    QLabel* verdict_;
    QLabel* legend_;
    QCheckBox* cycleOnly_;
    bool userChoseCycleOnly_ = false; // else "Only the cycle" follows whether the graph fits
    QLabel* story_;
    QListView* anomalyView_;
    QScrollArea* graphScroll_;
    QWidget* side_;
    QSplitter* split_;
};

} // namespace txs::dependencies
