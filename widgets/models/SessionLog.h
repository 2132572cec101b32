#pragma once
// The GUI's view of a trace log: drains it on a timer into the session's projections and
// holds the instant every panel shows.
//
// Draining is batched: each tick reads at most batchLimit() of the events the writers published
// since the last one (TraceLog::readSince with a limit: a backlog is never copied whole),
// applies them to the projections, and then signals once. A backlog (a paused GUI, a burst of 100k+ events/s)
// is worked off in bounded slices, each its own turn of the event loop behind a zero timer: the
// posted events, input and due timers pending run between two slices, so the GUI stays responsive.
//
// With a time budget (setSliceBudgetMs, the window's 12 ms), a slice is also bounded in time:
// each drain measures what it cost per event — applying to the projections AND the views'
// eventsApplied handlers — and sizes the next read to fit the budget (never below
// kMinSliceEvents, so a backlog always moves); and while it applies, it looks at the clock every
// kBudgetCheckEvents events and stops once the budget is spent (SliceBudget): the events read
// and not applied are read again by the next slice. A slice thus ends after the check that
// crossed the budget even when the cost per event jumps (a burst of long statements). The views'
// eventsApplied handlers run after the apply, on everything applied, in the same turn: each check
// counts their measured cost per event for the events applied so far (a reserve), so the slice
// stops when the apply and its handlers together fill the budget. The views' refresh (viewsDue)
// under a refresh period is its own turn of the loop (a zero timer), never inside a slice. Input
// waits at most about one slice.
//
// The instant: live mode follows the newest event applied (t = now); setInstant() leaves live
// mode and moves t anywhere (time travel); followLive() comes back.

#include "engine/trace/SessionProjection.h"
#include "engine/trace/TraceLog.h"
#include "widgets/models/SliceBudget.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <algorithm>
#include <memory>
#include <span>
#include <vector>

namespace txs::models {

class SessionLog : public QObject
{
    Q_OBJECT

public:
    explicit SessionLog(QObject* parent = nullptr);
    explicit SessionLog(std::shared_ptr<TraceLog> log, QObject* parent = nullptr);
    ~SessionLog() override;

    // Starts over on `log` (null: none); models reset.
    void setLog(std::shared_ptr<TraceLog> log);
    const std::shared_ptr<TraceLog>& log() const { return log_; }
    const SessionProjection& projection() const { return *projection_; }

    // Drains every `intervalMs` until stop().
    void start(int intervalMs = 50);
    void stop();
    bool isRunning() const { return timer_.isActive(); }
    void setBatchLimit(std::size_t maxEvents) { batchLimit_ = maxEvents > 0 ? maxEvents : 1; }
    std::size_t batchLimit() const { return batchLimit_; }
    // 0 (the default): slices are bounded by batchLimit() only, deterministic for tests.
    void setSliceBudgetMs(double ms)
    {
        budget_.setBudgetNs(ms > 0 ? static_cast<std::int64_t>(ms * 1e6) : 0);
    }
    double sliceBudgetMs() const { return static_cast<double>(budget_.budgetNs()) / 1e6; }
    // The events the next drain may apply: batchLimit(), or fewer under a time budget.
    std::size_t nextSliceLimit() const;
    static constexpr std::size_t kMinSliceEvents = 256;
    static constexpr std::size_t kFirstSliceEvents = 1024; // under a budget, before any measure
    static constexpr std::size_t kBudgetCheckEvents = 128; // events applied between two clock reads
    // The clock the budget is read on (tests drive it); null: the steady clock.
    void setSliceClock(SliceBudget::Clock clock) { budget_.setClock(std::move(clock)); }
    // Events appended to the log and not applied yet (some may still be being published).
    std::size_t backlog() const;
    // Views (tables, trees) refresh at most once per `ms` while live: a drain that comes sooner
    // leaves viewsDue() to a timer, which signals once for everything applied meanwhile. 0 (the
    // default): viewsDue() follows every drain, deterministic for tests.
    void setViewRefreshMs(int ms) { viewRefreshMs_ = std::max(ms, 0); }
    int viewRefreshMs() const { return viewRefreshMs_; }
    // Signals a viewsDue() that is waiting for its period now (the end of a run).
    void flushViews();

    std::int64_t instant() const { return instant_; }
    bool isLive() const { return live_; }
    std::int64_t latestTimeNs() const { return projection_->latestNs(); }
    // The events of the drain being signalled: valid only inside eventsApplied handlers (empty
    // elsewhere). Every view is fed from this one drain.
    std::span<const Event> lastBatch() const { return lastBatch_; }

public slots:
    // Reads the log and applies up to batchLimit() events; returns how many it applied.
    std::size_t drain();
    // Drains until everything published so far is applied (tests, end of a run).
    void drainAll();
    void setInstant(qint64 timeNs);
    void followLive();

signals:
    void aboutToReset();
    void reset();
    // After a drain applied events with seq in [firstSeq, endSeq).
    void eventsApplied(quint64 firstSeq, quint64 endSeq);
    // The user moved the instant (setInstant, followLive): every view projects anew.
    void instantMoved(qint64 timeNs);
    // The instant changed for any reason, live advance included (cursors, labels).
    void instantChanged(qint64 timeNs);
    void liveChanged(bool live);
    // Live: the projections moved on since the views last refreshed (after eventsApplied, at most
    // once per viewRefreshMs()). Models that read only the projections refresh here; what needs
    // every batch (lastBatch) listens to eventsApplied.
    void viewsDue();

private:
    void tick();
    void viewsApplied();

    std::shared_ptr<TraceLog> log_;
    std::unique_ptr<SessionProjection> projection_;
    std::uint64_t nextSeq_ = 0; // next seq to read from the log
    std::vector<Event> batch_;  // the slice being applied
    bool sliceWasFull_ = false; // the last read returned its limit: more may be waiting
    std::span<const Event> lastBatch_;
    int viewRefreshMs_ = 0;
    QElapsedTimer sinceViews_;
    QTimer viewsTimer_;
    std::size_t batchLimit_ = 50'000;
    SliceBudget budget_;
    double nsPerEvent_ = 0;        // measured cost of a drain per event (smoothed), 0 before the first
    double handlerNsPerEvent_ = 0; // of the eventsApplied handlers alone (smoothed): the reserve
    std::int64_t instant_ = -1;
    bool live_ = true;
    QTimer timer_;
    QTimer sliceTimer_; // the next slice of a backlog, after the input and timers pending
};

} // namespace txs::models
