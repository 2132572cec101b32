#pragma once
// The timeline drawn again from the trace log (its axis or its lane rule changed), in slices
// that yield to the event loop.
//
// Why: redrawing replays every event the session has applied. Done in one turn it held the
// window's thread as long as the log is long (issue 18: no turn over 50 ms) and copied the whole
// log at once. Here each read takes at most readEvents() events from the log (a bounded read),
// maps their times onto the axis and appends them; a slice stops after the read that spent its
// budget (SliceBudget, a clock tests drive) and the next one runs from a zero timer, so input,
// timers and paints run between slices and the timeline shows the part done.
//
// Invariants: the events appended are exactly seq [0, applied()) of the log, in order, each once,
// where applied() is read again at each read: the refill ends when it reaches the session's
// applied seq as it is then. While busy(), the caller must not append the session's batches (they
// are read from the log when the refill gets there). start() abandons a refill under way.

#include "widgets/models/SliceBudget.h"
#include "widgets/timeline/TimeWarp.h"

#include <QObject>
#include <QTimer>
#include <cstdint>
#include <functional>
#include <memory>

namespace txs {
class TraceLog;
class TimelineWidget;
} // namespace txs

namespace txs::timeline {

class TimelineRefill : public QObject
{
    Q_OBJECT

public:
    using Applied = std::function<std::uint64_t()>;  // the session's next seq to apply
    static constexpr std::size_t kReadEvents = 4096; // about a millisecond of appends

    explicit TimelineRefill(TimelineWidget* timeline, QObject* parent = nullptr);

    void setBudgetNs(std::int64_t ns) { budget_.setBudgetNs(ns); } // 0: everything in one turn
    void setClock(models::SliceBudget::Clock clock) { budget_.setClock(std::move(clock)); }
    void setReadEvents(std::size_t n) { readEvents_ = n > 0 ? n : 1; } // tests

    // Appends seq [0, applied()) of `log` to the (cleared) timeline on `warp`'s axis: the first
    // slice now, the rest in later turns.
    void start(std::shared_ptr<const TraceLog> log, TimeWarp warp, Applied applied);
    void cancel();
    bool busy() const { return busy_; }
    std::uint64_t next() const { return next_; } // the first seq not appended yet
    int slices() const { return slices_; }       // of the refill under way or the last one

signals:
    void sliceDone(std::uint64_t next); // the timer for the next slice is not started yet
    void finished();

private:
    void runSlice();

    TimelineWidget* timeline_;
    models::SliceBudget budget_;
    QTimer timer_;
    std::shared_ptr<const TraceLog> log_;
    TimeWarp warp_;
    Applied applied_;
    std::size_t readEvents_ = kReadEvents;
    std::uint64_t next_ = 0;
    int slices_ = 0;
    bool busy_ = false;
};

} // namespace txs::timeline
