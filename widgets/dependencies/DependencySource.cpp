#include "widgets/dependencies/DependencySource.h"

#include "widgets/models/SessionLog.h"

#include <QElapsedTimer>
#include <algorithm>

namespace txs::dependencies {

DependencySource::DependencySource(models::SessionLog* session, QObject* parent)
    : QObject(parent), session_(session)
{
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, &DependencySource::refresh);
    // A zero-time timer: the next slice after the input and paints already waiting.
    releaseTimer_.setSingleShot(true);
    connect(&releaseTimer_, &QTimer::timeout, this, &DependencySource::freeASlice);
    connect(session_, &models::SessionLog::reset, this, &DependencySource::clear);
    connect(session_, &models::SessionLog::eventsApplied, this, [this] {
        keep(session_->lastBatch());
        stale_ = true;
        schedule();
    });
    connect(session_, &models::SessionLog::instantChanged, this, [this] {
        stale_ = true;
        schedule();
    });
}

void DependencySource::keep(std::span<const Event> batch)
{
    for (const Event& e : batch)
        if (analysis::dependencyGraphReads(e)) {
            if (overLimit_) return;
            if (events_.size() >= maxKept_) {
                overLimit_ = true;
                letGo(); // its memory back, a slice per turn
                report_ = {};
                emit reportChanged();
                return;
            }
            events_.push_back(e);
        }
}

void DependencySource::setExact(bool exact)
{
    if (exact_ == exact) return;
    exact_ = exact;
    stale_ = true;
    schedule();
}

void DependencySource::setActive(bool active)
{
    active_ = active;
    if (active_ && stale_) schedule();
}

void DependencySource::schedule()
{
    if (!active_) return;
    // Time travel and stepping answer at once; a live run at most every liveIntervalMs_.
    // A long run's analysis takes a while (a million events, a second or so): while live, the
    // GUI thread spends at most a tenth of its time on it.
    const int delay = session_->isLive() ? std::max<int>(liveIntervalMs_, 10 * lastCostMs_) : 0;
    if (!timer_.isActive() || delay == 0) timer_.start(delay);
}

void DependencySource::letGo()
{
    if (events_.empty()) return;
    retired_.push_back(std::move(events_)); // leaves events_ empty (ChunkedVector's move)
    if (!releaseTimer_.isActive()) releaseTimer_.start(0);
}

void DependencySource::freeASlice()
{
    std::size_t budget = releaseSlice_;
    while (budget > 0 && !retired_.empty()) {
        ChunkedVector<Event>& newest = retired_.back();
        const std::size_t n = std::min(budget, newest.size());
        newest.truncate(newest.size() - n);
        budget -= n;
        if (newest.empty()) retired_.pop_back();
    }
    if (!retired_.empty()) releaseTimer_.start(0);
}

std::size_t DependencySource::eventsToRelease() const
{
    std::size_t n = 0;
    for (const auto& copy : retired_)
        n += copy.size();
    return n;
}

void DependencySource::clear()
{
    letGo();
    overLimit_ = false;
    report_ = {};
    stale_ = true;
    emit reportChanged();
}

void DependencySource::refresh()
{
    timer_.stop();
    if (!stale_) return;
    stale_ = false;
    if (!exact_ || overLimit_) {
        report_ = {};
        emit reportChanged();
        return;
    }
    std::uint64_t until = UINT64_MAX;
    if (!session_->isLive()) {
        const std::int64_t t = session_->instant();
        const auto end = std::partition_point(events_.begin(), events_.end(),
                                              [t](const Event& e) { return e.timeNs <= t; });
        until = end == events_.begin() ? 0 : std::prev(end)->seq;
        if (end == events_.begin()) {
            report_ = {};
            emit reportChanged();
            return;
        }
    }
    QElapsedTimer cost;
    cost.start();
    report_ = analysis::analyzeEvents(events_, true, until);
    lastCostMs_ = cost.elapsed();
    emit reportChanged();
}

} // namespace txs::dependencies
