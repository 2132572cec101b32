#pragma once
// The WAL gauges of a recording over time (engine/record/WalGauges.h): the WAL's committed
// frames, how many are backfilled, and each reader slot's read mark, as step lines on a frame
// axis, with the WAL file's size on a second axis; a line marks the session's instant. A WAL
// that keeps growing while a read mark stays low is a reader holding back the checkpoint.
// A recording of a program with several databases has gauges for each: a chooser above the
// plot picks one (the first by default), and shows only when there is a choice.

#include "engine/record/WalGauges.h"

#include <QWidget>

class QCustomPlot;
class QCPItemStraightLine;
class QComboBox;
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
    // The chooser of databases (hidden while the recording has gauges of one database only).
    QComboBox* databaseChooser() const { return chooser_; }
    // The database whose gauges are shown (0: none yet).
    std::uint32_t shownDatabase() const { return shown_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyPalette();
    void rebuild();
    void moveCursor();
    void updateChooser();

    models::SessionLog* session_;
    record::WalGaugeSeries series_;
    QCustomPlot* plot_;
    QLabel* hint_;
    QComboBox* chooser_;
    QWidget* chooserRow_ = nullptr; // the chooser and its label
    std::uint32_t shown_ = 0;       // the database the user chose, or the first one
    QCPItemStraightLine* cursor_ = nullptr;
};

} // namespace txs::record_view
