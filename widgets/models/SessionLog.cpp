#include "widgets/models/SessionLog.h"

#include <QElapsedTimer>
#include <algorithm>

namespace txs::models {

SessionLog::SessionLog(QObject* parent) : SessionLog(nullptr, parent) {}

SessionLog::SessionLog(std::shared_ptr<TraceLog> log, QObject* parent)
    : QObject(parent), log_(std::move(log)), projection_(std::make_unique<SessionProjection>())
{
    connect(&timer_, &QTimer::timeout, this, &SessionLog::tick);
    // The next slice of a backlog is a timer, not a posted call: Qt's loop runs timers only after
    // the posted events and input pending, so paints, key presses and every other timer (the
    // views' refresh, the status bar) run between two slices. A chain of posted calls would run
    // slice after slice and starve the timers until the backlog is gone (tst_drain_yields).
    timer_.setObjectName("drain");
    sliceTimer_.setObjectName("drain slice");
    viewsTimer_.setObjectName("views");
    sliceTimer_.setSingleShot(true);
    connect(&sliceTimer_, &QTimer::timeout, this, &SessionLog::tick);
    viewsTimer_.setSingleShot(true);
    connect(&viewsTimer_, &QTimer::timeout, this, [this] {
        sinceViews_.start();
        emit viewsDue();
    });
}

SessionLog::~SessionLog() = default;

void SessionLog::setLog(std::shared_ptr<TraceLog> log)
{
    emit aboutToReset();
    log_ = std::move(log);
    projection_ = std::make_unique<SessionProjection>();
    nextSeq_ = 0;
    batch_.clear();
    sliceWasFull_ = false;
    viewsTimer_.stop();
    nsPerEvent_ = 0;
    handlerNsPerEvent_ = 0;
    instant_ = -1;
    const bool wasLive = live_;
    live_ = true;
    emit reset();
    if (!wasLive) emit liveChanged(true);
    emit instantChanged(instant_);
}

void SessionLog::start(int intervalMs)
{
    timer_.start(intervalMs);
}

void SessionLog::stop()
{
    timer_.stop();
    sliceTimer_.stop();
}

void SessionLog::tick()
{
    const std::size_t applied = drain();
    // Work off a backlog in slices, letting the event loop paint and handle input between them.
    if (applied > 0 && sliceWasFull_ && timer_.isActive()) sliceTimer_.start(0);
}

std::size_t SessionLog::backlog() const
{
    if (!log_) return 0;
    const std::uint64_t next = std::max(nextSeq_, log_->droppedCount());
    const std::uint64_t appended = log_->appendedCount();
    return appended > next ? static_cast<std::size_t>(appended - next) : 0;
}

std::size_t SessionLog::nextSliceLimit() const
{
    if (!budget_.isSet()) return batchLimit_;
    // Nothing measured yet (a new log): a first slice of batchLimit (50,000 in the window) would
    // hold the loop for 100 ms or more; a small one measures the cost per event.
    if (nsPerEvent_ <= 0) return std::min(batchLimit_, kFirstSliceEvents);
    const double fit = static_cast<double>(budget_.budgetNs()) / nsPerEvent_;
    const std::size_t floor = std::min(batchLimit_, kMinSliceEvents);
    return std::clamp(static_cast<std::size_t>(fit), floor, batchLimit_);
}

std::size_t SessionLog::drain()
{
    if (!log_) return 0;
    // The slice is read, not only applied, a bounded count at a time: a backlog of millions of
    // events (the window was busy, a long run ended) is never copied out of the log at once.
    budget_.start();
    const std::size_t limit = nextSliceLimit();
    batch_.clear();
    nextSeq_ = log_->readSince(nextSeq_, limit, batch_);
    // A read of `limit` stored events gives more when some unfold (StatementFold.h): at least
    // `limit` is a full slice (a short one that unfolded to `limit` only costs one more drain).
    sliceWasFull_ = batch_.size() >= limit;
    if (batch_.empty()) return 0;
    const std::uint64_t firstSeq = batch_.front().seq;
    std::size_t applied = batch_.size();
    if (budget_.isSet()) {
        // Applied in steps, the clock read between two: the slice stops after the step that
        // spent the budget, the handlers' share for what was applied counted in. The rest is read
        // again by the next slice (seqs are consecutive in a read, so the first one not applied
        // is where it continues).
        applied = 0;
        while (applied < batch_.size()) {
            const std::size_t to = std::min(batch_.size(), applied + kBudgetCheckEvents);
            projection_->apply(batch_, applied, to);
            applied = to;
            if (budget_.spent(static_cast<std::int64_t>(handlerNsPerEvent_ * static_cast<double>(applied))))
                break;
        }
        // A StatementEnd folded into the Begin after it is read as the pair, and with a carried
        // TxBegin as three, all with the Begin's seq (engine/trace/StatementFold.h): a slice
        // never ends inside such a group, or the next read from that seq would apply its first
        // events again.
        while (applied > 0 && applied < batch_.size() && batch_[applied].seq == batch_[applied - 1].seq) {
            projection_->apply(batch_, applied, applied + 1);
            ++applied;
        }
        if (applied < batch_.size()) {
            nextSeq_ = batch_[applied].seq;
            batch_.resize(applied);
            sliceWasFull_ = true;
        }
    } else {
        projection_->apply(batch_);
    }
    const bool advanced = live_ && projection_->latestNs() != instant_;
    if (live_) instant_ = projection_->latestNs();
    // The batch stays readable (lastBatch) while the signal runs: views that keep their own
    // projection (the timeline) take it from here rather than read the log a second time.
    lastBatch_ = std::span<const Event>(batch_.data(), applied);
    const std::int64_t handlersFrom = budget_.isSet() ? budget_.elapsedNs() : 0;
    emit eventsApplied(firstSeq, projection_->nextSeq());
    lastBatch_ = {};
    if (budget_.isSet()) {
        const double sample =
            static_cast<double>(std::max<std::int64_t>(budget_.elapsedNs() - handlersFrom, 0)) /
            static_cast<double>(applied);
        handlerNsPerEvent_ = handlerNsPerEvent_ <= 0 ? sample : 0.5 * handlerNsPerEvent_ + 0.5 * sample;
    }
    // Give the memory of a large slice back rather than keep it for the next small one.
    if (batch_.capacity() > 4 * kMinSliceEvents && batch_.capacity() > 2 * limit)
        std::vector<Event>().swap(batch_);
    if (advanced) emit instantChanged(instant_);
    viewsApplied();
    if (budget_.isSet()) {
        // Smoothed so one slow slice (a first paint, a page fault burst) does not starve the next
        // ones.
        const double sample = static_cast<double>(budget_.elapsedNs()) / static_cast<double>(applied);
        nsPerEvent_ = nsPerEvent_ <= 0 ? sample : 0.5 * nsPerEvent_ + 0.5 * sample;
    }
    return applied;
}

void SessionLog::viewsApplied()
{
    if (viewRefreshMs_ <= 0) {
        emit viewsDue();
        return;
    }
    // At most one refresh of the views per period, always in a turn of its own (the timer, a zero
    // one when the period is over): a refresh inside a slice would add its whole cost to the
    // slice's budget. The timer refreshes them once with everything applied meanwhile.
    if (viewsTimer_.isActive()) return;
    const qint64 wait =
        sinceViews_.isValid() ? std::max<qint64>(viewRefreshMs_ - sinceViews_.elapsed(), 0) : 0;
    viewsTimer_.start(static_cast<int>(wait));
}

void SessionLog::flushViews()
{
    if (!viewsTimer_.isActive()) return;
    viewsTimer_.stop();
    sinceViews_.start();
    emit viewsDue();
}

void SessionLog::drainAll()
{
    // drain() reads the log again whenever it has applied everything read before, so it
    // returns 0 only once nothing new has been published.
    while (drain() > 0) {
    }
    flushViews();
}

void SessionLog::setInstant(qint64 timeNs)
{
    const bool wasLive = live_;
    live_ = false;
    instant_ = timeNs;
    viewsTimer_.stop(); // the move refreshes every view
    if (wasLive) emit liveChanged(false);
    emit instantMoved(instant_);
    emit instantChanged(instant_);
}

void SessionLog::followLive()
{
    const bool wasLive = live_;
    live_ = true;
    instant_ = projection_->latestNs();
    if (!wasLive) emit liveChanged(true);
    emit instantMoved(instant_);
    emit instantChanged(instant_);
}

} // namespace txs::models
