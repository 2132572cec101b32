#include "widgets/timeline/TimelineRefill.h"

#include "engine/trace/TraceLog.h"
#include "widgets/timeline/TimelineWidget.h"

#include <algorithm>
#include <vector>

namespace txs::timeline {

TimelineRefill::TimelineRefill(TimelineWidget* timeline, QObject* parent)
    : QObject(parent), timeline_(timeline)
{
    timer_.setObjectName("timeline refill");
    timer_.setSingleShot(true);
    timer_.setInterval(0);
    connect(&timer_, &QTimer::timeout, this, &TimelineRefill::runSlice);
}

void TimelineRefill::start(std::shared_ptr<const TraceLog> log, TimeWarp warp, Applied applied)
{
    cancel();
    if (!log) return;
    log_ = std::move(log);
    warp_ = std::move(warp);
    applied_ = std::move(applied);
    next_ = 0;
    slices_ = 0;
    busy_ = true;
    runSlice();
}

void TimelineRefill::cancel()
{
    timer_.stop();
    busy_ = false;
    log_.reset();
}

void TimelineRefill::runSlice()
{
    if (!busy_) return;
    ++slices_;
    budget_.start();
    std::vector<Event> events;
    for (;;) {
        const std::uint64_t applied = applied_();
        if (next_ >= applied) {
            cancel();
            emit sliceDone(next_);
            emit finished();
            return;
        }
        events.clear();
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(applied - next_, readEvents_));
        const std::uint64_t end = log_->readSince(next_, want, events);
        // Nothing more published (the log was cleared under us): stop rather than spin.
        if (end <= next_) {
            next_ = applied;
            continue;
        }
        next_ = end;
        if (!warp_.isIdentity())
            for (auto& e : events)
                e.timeNs = warp_.toAxis(e.timeNs);
        timeline_->appendEvents(events);
        if (budget_.spent()) break;
    }
    emit sliceDone(next_);
    if (busy_) timer_.start();
}

} // namespace txs::timeline
