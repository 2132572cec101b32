#include "widgets/record/WalGaugePlot.h"

#include "widgets/models/SessionLog.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace txs::record_view {

using record::WalGaugeKind;

WalGaugePlot::WalGaugePlot(models::SessionLog* session, QWidget* parent)
    : QWidget(parent), session_(session), plot_(new QCustomPlot(this)), hint_(new QLabel(this)),
      chooser_(new QComboBox(this))
{
    hint_->setWordWrap(true);
    hint_->setMargin(8);
    hint_->setText("No WAL gauges. They show, for a recording of a program whose database uses WAL, "
                   "the WAL's size, its committed and backfilled frames and every reader's read mark, "
                   "sampled while it ran (txscope --record, txscope-cli record).");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(hint_);
    chooser_->setToolTip("The database whose WAL the plot shows");
    chooser_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    chooser_->setMinimumContentsLength(12);
    // "WAL of [database]" on one row, the rest of it empty: hidden with the chooser.
    chooserRow_ = new QWidget(this);
    auto* row = new QHBoxLayout(chooserRow_);
    row->setContentsMargins(6, 2, 6, 0);
    row->addWidget(new QLabel("WAL of", chooserRow_));
    row->addWidget(chooser_);
    row->addStretch(1);
    chooserRow_->hide();
    layout->addWidget(chooserRow_);
    layout->addWidget(plot_, 1);
    plot_->setMinimumHeight(120);
    plot_->yAxis->setLabel("WAL frames");
    plot_->yAxis2->setLabel("WAL KiB");
    plot_->yAxis2->setVisible(true);
    plot_->xAxis->setLabel("time since the recording started (ms)");
    // The legend in a row of its own under the plot, wrapped: inside a small dock it would
    // cover the lines.
    plot_->legend->setVisible(true);
    plot_->legend->setFont(font());
    plot_->plotLayout()->addElement(1, 0, plot_->legend);
    plot_->plotLayout()->setRowStretchFactor(1, 0.001);
    plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot_->legend->setWrap(4);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->axisRect()->setRangeDrag(Qt::Horizontal);
    plot_->axisRect()->setRangeZoom(Qt::Horizontal);
    plot_->hide();

    connect(chooser_, &QComboBox::activated, this, [this](int index) {
        shown_ = chooser_->itemData(index).toUInt();
        rebuild();
    });
    connect(session_, &models::SessionLog::reset, this, [this] {
        series_.clear();
        shown_ = 0;
        rebuild();
    });
    connect(session_, &models::SessionLog::eventsApplied, this, [this] {
        bool gauges = false;
        for (const Event& e : session_->lastBatch())
            if (e.kind == EventKind::WalGauge) {
                series_.apply(e);
                gauges = true;
            }
        if (gauges) rebuild();
    });
    connect(session_, &models::SessionLog::instantChanged, this, &WalGaugePlot::moveCursor);
}

void WalGaugePlot::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) rebuild();
}

// The theme's colours (dark or light), as the Metrics plots take them.
void WalGaugePlot::applyPalette()
{
    const QPalette& pal = palette();
    const QColor text = pal.color(QPalette::WindowText);
    plot_->setBackground(pal.brush(QPalette::Base));
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis, plot_->yAxis2}) {
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->setTickLabelFont(font());
        axis->setLabelFont(font());
    }
    plot_->legend->setBrush(pal.brush(QPalette::Base));
    plot_->legend->setTextColor(text);
    plot_->legend->setBorderPen(QPen(pal.color(QPalette::Mid)));
    plot_->legend->setFont(font());
}

void WalGaugePlot::rebuild()
{
    applyPalette();
    plot_->clearGraphs();
    cursor_ = nullptr;
    plot_->clearItems();
    const bool any = !series_.empty();
    hint_->setVisible(!any);
    plot_->setVisible(any);
    updateChooser();
    if (!any) {
        plot_->replot();
        return;
    }
    const auto all = series_.all();
    const std::uint32_t database = shown_;
    std::string databaseName;
    const std::int64_t end = std::max<std::int64_t>(session_->latestTimeNs(), 1);
    double maxKiB = 1;
    static const QColor colours[record::kWalGaugeKinds] = {
        QColor(150, 150, 150), QColor(33, 102, 172),  QColor(26, 152, 80),  QColor(215, 48, 39),
        QColor(244, 109, 67),  QColor(153, 112, 171), QColor(191, 129, 45), QColor(90, 174, 97)};
    for (const auto* s : all) {
        if (s->database != database) continue;
        databaseName = s->databaseName;
        // A read slot no reader used in the whole recording says nothing.
        if (std::all_of(s->points.begin(), s->points.end(), [](const auto& p) { return p.value < 0; }))
            continue;
        const bool bytes = s->kind == WalGaugeKind::WalBytes;
        QCPGraph* g = plot_->addGraph(plot_->xAxis, bytes ? plot_->yAxis2 : plot_->yAxis);
        g->setName(QString("%1%2").arg(record::walGaugeName(s->kind), bytes ? " (KiB, right)" : ""));
        g->setLineStyle(QCPGraph::lsStepLeft);
        QPen pen(colours[static_cast<int>(s->kind)]);
        pen.setWidthF(bytes ? 1.0 : 2.0);
        if (bytes) pen.setStyle(Qt::DashLine);
        g->setPen(pen);
        QVector<double> x, y;
        for (const auto& p : s->points) {
            if (p.value < 0) {
                // A read mark not in use: a gap, not a zero.
                x << p.timeNs / 1e6;
                y << std::numeric_limits<double>::quiet_NaN();
                continue;
            }
            x << p.timeNs / 1e6;
            y << (bytes ? p.value / 1024.0 : static_cast<double>(p.value));
            if (bytes) maxKiB = std::max(maxKiB, p.value / 1024.0);
        }
        // The last value holds to the end of the recording.
        if (!s->points.empty()) {
            x << end / 1e6;
            y << y.back();
        }
        g->setData(x, y, true);
    }
    plot_->xAxis->setRange(0, end / 1e6);
    plot_->yAxis->setRange(0, std::max<double>(series_.maxFrames(database), 1) * 1.1);
    plot_->yAxis2->setRange(0, maxKiB * 1.1);
    plot_->yAxis->setLabel(QString("WAL frames of %1").arg(QString::fromStdString(databaseName)));
    cursor_ = new QCPItemStraightLine(plot_);
    cursor_->setPen(QPen(palette().color(QPalette::WindowText), 1, Qt::DotLine));
    moveCursor();
}

// One entry per database with gauges, in the order they appeared; keeps the user's choice, and
// falls back to the first database when there is none (or the chosen one is gone: a new session).
void WalGaugePlot::updateChooser()
{
    std::vector<std::pair<std::uint32_t, std::string>> databases;
    for (const auto* s : series_.all())
        if (databases.empty() || databases.back().first != s->database)
            databases.emplace_back(s->database, s->databaseName);
    const bool chosenExists =
        std::any_of(databases.begin(), databases.end(), [this](const auto& d) { return d.first == shown_; });
    if (!chosenExists) shown_ = databases.empty() ? 0 : databases.front().first;
    if (chooser_->count() != static_cast<int>(databases.size())) {
        const QSignalBlocker block(chooser_);
        chooser_->clear();
        for (const auto& [number, name] : databases)
            chooser_->addItem(QString::fromStdString(name), QVariant::fromValue(number));
    }
    chooser_->setCurrentIndex(chooser_->findData(QVariant::fromValue(shown_)));
    chooserRow_->setVisible(databases.size() > 1);
}

void WalGaugePlot::moveCursor()
{
    if (!cursor_ || !plot_->isVisible()) return;
    const double t = std::max<std::int64_t>(session_->instant(), 0) / 1e6;
    cursor_->point1->setCoords(t, 0);
    cursor_->point2->setCoords(t, 1);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace txs::record_view
