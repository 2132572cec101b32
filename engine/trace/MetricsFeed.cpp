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
    std::uint64_t skipped = 0;
    // In place: the rule keeps nothing of an event, so copying each (and its text) would only
    // cost (it was half of what counting from the log cost).
    next = log->visitSince(
        next,
        [this](const Event& e) {
            tallies.clear();
            rule.apply(e, tallies);
            for (const Tally& t : tallies)
                addTo(settled, t.what);
        },
        &skipped);
    missed += skipped;
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
