#include "app/gui/MetricsPanel.h"

#include "widgets/models/SessionLog.h"
#include "widgets/models/ThroughputSteps.h"

#include <QLabel>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace {

void stylePlot(QCustomPlot* plot, const QPalette& palette, const QString& xLabel, const QString& yLabel)
{
    const QColor text = palette.color(QPalette::WindowText);
    plot->setBackground(palette.brush(QPalette::Base));
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
    }
    plot->xAxis->setLabel(xLabel);
    plot->yAxis->setLabel(yLabel);
    plot->setMinimumHeight(120);
}

} // namespace

MetricsPanel::MetricsPanel(txs::models::SessionLog* session, QWidget* parent)
    : QWidget(parent), session_(session), counts_(new QLabel(this)), throughput_(new QCustomPlot(this)),
      latency_(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    counts_->setTextFormat(Qt::RichText);
    counts_->setWordWrap(true);
    layout->addWidget(counts_);
    layout->addWidget(throughput_, 1);
    layout->addWidget(latency_, 1);

    stylePlot(throughput_, palette(), "time (ms)", "commits/s");
    throughputGraph_ = throughput_->addGraph();
    throughputGraph_->setPen(QPen(QColor(0x22, 0x8b, 0x3b), 2));
    throughputGraph_->setBrush(QColor(0x22, 0x8b, 0x3b, 50));
    throughputGraph_->setLineStyle(QCPGraph::lsStepLeft);

    stylePlot(latency_, palette(), "transaction latency", "count");
    latencyBars_ = new QCPBars(latency_->xAxis, latency_->yAxis);
    latencyBars_->setBrush(QColor(0x3b, 0x82, 0xf6));
    latencyBars_->setPen(Qt::NoPen);
    latencyBars_->setWidth(0.8);
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int b = 0; b < txs::LatencyHistogram::kBuckets; b += 5) {
        const double ns = static_cast<double>(txs::LatencyHistogram::lowerNs(b));
        ticker->addTick(b, ns < 1e6 ? QString("%1µs").arg(ns / 1e3) : QString("%1ms").arg(ns / 1e6));
    }
    latency_->xAxis->setTicker(ticker);

    connect(session_, &txs::models::SessionLog::instantChanged, this, &MetricsPanel::refresh);
    connect(session_, &txs::models::SessionLog::reset, this, &MetricsPanel::refresh);
    refresh();
}

void MetricsPanel::refresh()
{
    const auto& metrics = session_->projection().metrics;
    const qint64 t = std::max<qint64>(0, session_->instant());
    const auto m = metrics.at(t);
    counts_->setText(
        QString("<b>%1</b> committed · <b>%2</b> rolled back · <b>%3</b> retries<br>"
                "errors: <b>%4</b> conflict · <b>%5</b> busy · <b>%6</b> busy_snapshot · <b>%7</b> other")
            .arg(m.commits)
            .arg(m.rollbacks)
            .arg(m.retries)
            .arg(m.conflicts)
            .arg(m.busy)
            .arg(m.busySnapshot)
            .arg(m.otherErrors));

    const auto steps = txs::models::throughputSteps(metrics, t);
    throughputGraph_->setData(steps.keysMs, steps.perSecond, true);
    throughput_->rescaleAxes();
    // Framed on the run, from its start to the instant: a run shorter than one bucket is one
    // step across the whole width, not a spike on an axis of its own invention.
    throughput_->xAxis->setRange(0, steps.endMs());
    throughput_->yAxis->setRangeLower(0);
    throughput_->replot(QCustomPlot::rpQueuedReplot);

    const auto histogram = metrics.latency(t);
    QVector<double> buckets, counts;
    int last = 0;
    for (int b = 0; b < txs::LatencyHistogram::kBuckets; ++b)
        if (histogram.counts[b]) last = b;
    for (int b = 0; b <= std::max(last, 10); ++b) {
        buckets << b;
        counts << static_cast<double>(histogram.counts[b]);
    }
    latencyBars_->setData(buckets, counts, true);
    latency_->rescaleAxes();
    latency_->xAxis->setRange(-0.5, buckets.size() - 0.5);
    latency_->yAxis->setRangeLower(0);
    latency_->replot(QCustomPlot::rpQueuedReplot);
}
