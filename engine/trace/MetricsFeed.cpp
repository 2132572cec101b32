#include "engine/trace/MetricsFeed.h"

namespace txs {

MetricsFeed::MetricsFeed(std::shared_ptr<TraceLog> log)
    : log_(std::move(log)), state_(std::make_shared<State>())
{
    state_->log = log_.get();
    if (log_)
        log_->setCatchUp([state = state_] {
            std::lock_guard lock(state->mutex);
            return state->pull();
        });
}

MetricsFeed::~MetricsFeed()
{
    if (log_) log_->setCatchUp(nullptr);
}

std::uint64_t MetricsFeed::State::pull()
{
    batch.clear();
    std::uint64_t skipped = 0;
    next = log->readSince(next, batch, &skipped);
    missed += skipped;
    for (const Event& e : batch) {
        tallies.clear();
        rule.apply(e, tallies);
        for (const Tally& t : tallies)
            addTo(settled, t.what);
    }
    batch.clear();
    return next;
}

MetricsAt MetricsFeed::totals()
{
    std::lock_guard lock(state_->mutex);
    if (!log_) return {};
    state_->pull();
    MetricsAt m = state_->settled;
    if (const auto& p = state_->rule.pending()) addTo(m, p->what);
    return m;
}

std::uint64_t MetricsFeed::missed() const
{
    std::lock_guard lock(state_->mutex);
    return state_->missed;
}

} // namespace txs
