#pragma once
// The WAL gauges of a recording over time (engine/record/WalGauges.h): the WAL's committed
// frames, how many are backfilled, and each reader slot's read mark, as step lines on a frame
// axis, with the WAL file's size on a second axis; a line marks the session's instant. A WAL
// that keeps growing while a read mark stays low is a reader holding back the checkpoint.

#include "engine/record/WalGauges.h"

#include <QWidget>

class QCustomPlot;
class QCPItemStraightLine;
class QLabel;

namespace txs::models {
class SessionLog;
}

namespace txs::record_view {

class WalGaugePlot : public QWidget
{
    Q_OBJECT

public:
    explicit WalGaugePlot(models::SessionLog* session, QWidget* parent = nullptr);

    const record::WalGaugeSeries& series() const { return series_; }
    QCustomPlot* plot() const { return plot_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyPalette();
    void rebuild();
    void moveCursor();

    models::SessionLog* session_;
    record::WalGaugeSeries series_;
    QCustomPlot* plot_;
    QLabel* hint_;
    QCPItemStraightLine* cursor_ = nullptr;
};

} // namespace txs::record_view
