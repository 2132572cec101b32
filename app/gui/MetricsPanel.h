#pragma once
// Metrics of the run up to the instant: commits, rollbacks, retries and errors as numbers, commits
// per second over time, and the latency histogram of committed transactions.

#include <QWidget>

class QCustomPlot;
class QCPBars;
class QCPGraph;
class QLabel;

namespace txs::models {
class SessionLog;
}

class MetricsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit MetricsPanel(txs::models::SessionLog* session, QWidget* parent = nullptr);
    void refresh();

private:
    txs::models::SessionLog* session_;
    QLabel* counts_;
    QCustomPlot* throughput_;
    QCustomPlot* latency_;
    QCPGraph* throughputGraph_;
    QCPBars* latencyBars_;
};
