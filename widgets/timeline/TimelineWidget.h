#pragma once
// The timeline of a run: one lane per connection with its transactions (coloured by outcome),
// statements, lock waits and lock levels, and markers for BUSY, conflicts, busy-handler calls,
// lock waits and retries, linked from each aborted attempt to its retry. A time cursor sets the
// instant t every other panel shows (time travel); in live mode the view follows the run.
//
// Mouse: wheel zooms time around the pointer (Shift+wheel scrolls lanes); dragging pans;
// clicking a span or marker selects it; clicking empty space, or dragging the cursor line,
// moves the cursor. Keys: +/- zoom, Left/Right pan, Up/Down scroll lanes, Home shows all,
// End follows live, Esc clears the selection. Hovering shows what is under the pointer.
//
// Drawing cost follows what is visible, not the run's length: see SpanPlottable.

#include "widgets/timeline/TimelineScene.h"

#include <QElapsedTimer>
#include <QTimer>
#include <qcustomplot.h>
#include <span>
#include <vector>

namespace txs {

namespace timeline {
class SpanPlottable;
class MarkerPlottable;
class TimelineOverlay;
class RowLabels;
class TimelineLegend;
} // namespace timeline

class TimelineWidget : public QCustomPlot
{
    Q_OBJECT
public:
    explicit TimelineWidget(QWidget* parent = nullptr);
    ~TimelineWidget() override;

    // Live updates: adds events that follow those already shown (TraceLog::readSince batches).
    // Costs the batch, not the run: nothing is rebuilt. The replot that shows them is paced:
    // after a replot that took D, the next one for appended events comes kLiveShareDivisor × D
    // after it began (at least kLiveFrameMs): replotting takes at most a quarter of the
    // window's thread however long the run grows (the whole-run view draws every span), and a
    // short run still updates at every frame. Anything else (zoom, selection, resize) replots
    // at once.
    void appendEvents(std::span<const Event> events);
    static constexpr int kLiveFrameMs = 33;
    static constexpr int kLiveShareDivisor = 4;
    static constexpr int kLiveMaxWaitMs = 400; // the view never lags the run by more than this
    // A replot for appended events is waiting for its turn.
    bool liveReplotPending() const { return liveReplot_.isActive(); }
    void clear();
    // Lanes for the engine's internal connection (off by default); clears: the caller feeds
    // the events again.
    void setShowInternal(bool show)
    {
        scene_.model.setShowInternal(show);
        clear();
    }

    // Live mode: the view keeps the latest events in sight and the cursor reads "now". Panning,
    // moving the cursor with the mouse or selecting something off-screen turns it off (and emits
    // followLiveChanged); End or setFollowLive(true) turns it back on.
    void setFollowLive(bool follow);
    bool followLive() const { return followLive_; }

    // The instant t (ns since the run started). Setting it from outside moves the cursor only:
    // it emits nothing and leaves live following as it is (a live session sets t on every tick).
    void setCursorTime(qint64 timeNs);
    qint64 cursorTime() const { return scene_.cursorTime(); }

    // Select and scroll into view: the marker of event `seq` (or the error an Explanation event
    // explains, or the span the event begins or ends); the span of a transaction. False when
    // the timeline has no such thing. Emit nothing (the caller knows).
    bool selectEvent(quint64 seq);
    bool selectTransaction(quint64 txId);
    void clearSelection();
    std::optional<timeline::ItemRef> selection() const { return scene_.selection; }

    // The time range on screen, in ns; zoomToFit shows the whole run.
    void setVisibleTime(qint64 fromNs, qint64 toNs);
    std::pair<qint64, qint64> visibleTime() const;
    void zoomToFit();
    // The horizontal axis's ticks: `steps` > 0 labels the columns of a step axis (TimeWarp's
    // Steps mode: step i at [i, i+1] × kStepWidthNs) "1", "2", …; 0 goes back to time ticks.
    // `label` names the axis.
    void setAxisTicks(int steps, const QString& label);

    // What is under a point (widget pixels), and its tooltip text (empty when nothing).
    std::optional<timeline::ItemRef> itemAt(QPointF pos) const;
    QString toolTipAt(QPointF pos) const;
    // Where `timeNs` on the row `row` of `lane` is drawn, in widget pixels.
    QPointF pixelOf(qint64 timeNs, std::size_t lane, timeline::Track row) const;
    // The centre of a marker's glyph, or the middle of a span, in widget pixels.
    QPointF centreOf(const timeline::ItemRef& ref) const;

    const timeline::TimelineModel& model() const { return scene_.model; }
    const timeline::LaneGeometry& laneGeometry() const { return scene_.geometry; }
    const timeline::TimelineColors& colors() const { return scene_.colors; }

    // PNG, PDF or SVG by the file's suffix (savePng / savePdf of QCustomPlot, QSvgGenerator), at
    // width x height (0: the widget's size), with `title` on top, without the live cursor.
    bool exportTo(const QString& fileName, int width = 0, int height = 0, const QString& title = {});
    bool saveSvg(const QString& fileName, int width, int height, const QString& title = {});

signals:
    void cursorMoved(qint64 timeNs);
    // A click on a transaction span, or on a statement inside a transaction.
    void transactionSelected(quint64 txId);
    // A click on a marker (its event), or on a statement, wait or lock span (the event that began it).
    void eventSelected(quint64 seq);
    void followLiveChanged(bool follow);

protected:
    bool event(QEvent* e) override;
    void changeEvent(QEvent* e) override;
    void paintEvent(QPaintEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void wheelEvent(QWheelEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;

private:
    void applyPalette();
    void rebuildLaneLabels();
    void fitLaneRange();
    void clampTimeRange(const QCPRange& range);
    void clampLaneRange(const QCPRange& range);
    void followLatest();
    void fitWholeRun(); // zoomToFit without the replot
    void moveCursorToPixel(double x);
    void clickAt(QPointF pos);
    void select(const timeline::ItemRef& ref);
    void scrollTo(const timeline::ItemRef& ref);
    bool nearCursor(QPointF pos) const;
    void repaintOverlay();
    double lanePixelsPerUnit() const;
    void requestLiveReplot();

    timeline::TimelineScene scene_;
    timeline::SpanPlottable* spans_ = nullptr;
    timeline::MarkerPlottable* markers_ = nullptr;
    timeline::TimelineOverlay* overlay_ = nullptr;
    timeline::RowLabels* rowLabels_ = nullptr;
    timeline::TimelineLegend* legend_ = nullptr;
    QSharedPointer<QCPAxisTickerText> laneTicker_;
    QCPLayer* cursorLayer_ = nullptr;

    bool followLive_ = true;
    bool liveShowsAll_ = true; // following live with the whole run in view, until the user zooms
    bool draggingCursor_ = false;
    bool clampingTime_ = false, clampingLanes_ = false;
    QPointF pressPos_;
    std::size_t laneCount_ = 0;
    unsigned lockRows_ = 0;
    QTimer liveReplot_;         // the paced replot of appended events
    QElapsedTimer replotClock_; // since construction
    qint64 replotStartedMs_ = 0, nextLiveReplotMs_ = 0;
};

} // namespace txs
