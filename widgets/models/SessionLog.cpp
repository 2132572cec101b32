#include "widgets/models/SessionLog.h"

#include <QElapsedTimer>
#include <algorithm>

namespace txs::models {

SessionLog::SessionLog(QObject* parent) : SessionLog(nullptr, parent) {}

SessionLog::SessionLog(std::shared_ptr<TraceLog> log, QObject* parent)
    : QObject(parent), log_(std::move(log)), projection_(std::make_unique<SessionProjection>())
{
    connect(&timer_, &QTimer::timeout, this, &SessionLog::tick);
}

SessionLog::~SessionLog() = default;

void SessionLog::setLog(std::shared_ptr<TraceLog> log)
{
    emit aboutToReset();
    log_ = std::move(log);
    projection_ = std::make_unique<SessionProjection>();
    nextSeq_ = 0;
    pending_.clear();
    pendingPos_ = 0;
    nsPerEvent_ = 0;
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
}

void SessionLog::tick()
{
    drain();
    // Work off a backlog in slices, letting the event loop paint and handle input between them.
    if (backlog() > 0 && timer_.isActive()) QTimer::singleShot(0, this, &SessionLog::tick);
}

std::size_t SessionLog::nextSliceLimit() const
{
    if (sliceBudgetNs_ <= 0 || nsPerEvent_ <= 0) return batchLimit_;
    const double fit = static_cast<double>(sliceBudgetNs_) / nsPerEvent_;
    const std::size_t floor = std::min(batchLimit_, kMinSliceEvents);
    return std::clamp(static_cast<std::size_t>(fit), floor, batchLimit_);
}

std::size_t SessionLog::drain()
{
    if (!log_) return 0;
    if (pendingPos_ == pending_.size()) {
        pending_.clear();
        pendingPos_ = 0;
        nextSeq_ = log_->readSince(nextSeq_, pending_);
    }
    QElapsedTimer cost; // of the slice, not of the read above (a backlog's read is a copy spread
    cost.start();       // over many slices)
    const std::size_t end = std::min(pending_.size(), pendingPos_ + nextSliceLimit());
    if (end == pendingPos_) return 0;
    const std::uint64_t firstSeq = pending_[pendingPos_].seq;
    projection_->apply(pending_, pendingPos_, end);
    const std::size_t applied = end - pendingPos_;
    const bool advanced = live_ && projection_->latestNs() != instant_;
    if (live_) instant_ = projection_->latestNs();
    // The batch stays readable (lastBatch) while the signal runs: views that keep their own
    // projection (the timeline) take it from here rather than read the log a second time.
    lastBatch_ = std::span<const Event>(pending_.data() + pendingPos_, applied);
    emit eventsApplied(firstSeq, projection_->nextSeq());
    lastBatch_ = {};
    pendingPos_ = end;
    if (pendingPos_ == pending_.size()) {
        // Give the memory of a large burst back rather than keep it for the next small one.
        if (pending_.capacity() > 4 * batchLimit_) std::vector<Event>().swap(pending_);
        pending_.clear();
        pendingPos_ = 0;
    }
    if (advanced) emit instantChanged(instant_);
    if (sliceBudgetNs_ > 0) {
        // Smoothed so one slow slice (a first paint, a page fault burst) does not starve the next
        // ones.
        const double sample = static_cast<double>(cost.nsecsElapsed()) / static_cast<double>(applied);
        nsPerEvent_ = nsPerEvent_ <= 0 ? sample : 0.5 * nsPerEvent_ + 0.5 * sample;
    }
    return applied;
}

void SessionLog::drainAll()
{
    // drain() reads the log again whenever it has applied everything read before, so it
    // returns 0 only once nothing new has been published.
    while (drain() > 0) {
    }
}

void SessionLog::setInstant(qint64 timeNs)
{
    const bool wasLive = live_;
    live_ = false;
    instant_ = timeNs;
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
