#include "widgets/timeline/TimeWarp.h"

#include <algorithm>

namespace txs::timeline {

namespace {

// Linear interpolation between knots (a, b) ordered by `key`; slope 1 outside the knots.
template <typename Key, typename Other>
std::int64_t interpolate(const std::vector<std::pair<std::int64_t, std::int64_t>>& knots, std::int64_t v,
                         Key key, Other other)
{
    if (knots.size() < 2) return v;
    if (v <= key(knots.front())) return other(knots.front()) - (key(knots.front()) - v);
    if (v >= key(knots.back())) return other(knots.back()) + (v - key(knots.back()));
    const auto hi = std::upper_bound(knots.begin(), knots.end(), v,
                                     [&](std::int64_t x, const auto& k) { return x < key(k); });
    const auto lo = std::prev(hi);
    const double f = static_cast<double>(v - key(*lo)) / static_cast<double>(key(*hi) - key(*lo));
    return other(*lo) + static_cast<std::int64_t>(f * static_cast<double>(other(*hi) - other(*lo)));
}

} // namespace

TimeWarp TimeWarp::steps(std::vector<std::pair<std::int64_t, std::int64_t>> statements)
{
    TimeWarp w;
    w.mode_ = Mode::Steps;
    std::sort(statements.begin(), statements.end());
    // Merge overlapping statements into stretches.
    std::vector<std::pair<std::int64_t, std::int64_t>> stretches;
    for (const auto& [from, to] : statements) {
        if (to < from) continue;
        if (!stretches.empty() && from <= stretches.back().second)
            stretches.back().second = std::max(stretches.back().second, to);
        else
            stretches.emplace_back(from, to);
    }
    const auto W = static_cast<double>(kStepWidthNs);
    std::int64_t lastTime = -1;
    for (const auto& [from, to] : stretches) {
        const double i = w.steps_;
        // A stretch beginning at 0 has no wait before it: it starts its column.
        if (from > lastTime && from > 0)
            w.knots_.emplace_back(from, static_cast<std::int64_t>((i + kGapShare) * W));
        else if (w.knots_.empty())
            w.knots_.emplace_back(from, static_cast<std::int64_t>(i * W));
        if (to > w.knots_.back().first) w.knots_.emplace_back(to, static_cast<std::int64_t>((i + 1) * W));
        lastTime = to;
        ++w.steps_;
    }
    if (!w.knots_.empty() && w.knots_.front().first > 0) w.knots_.insert(w.knots_.begin(), {0, 0});
    if (w.knots_.size() < 2) w.knots_.clear();
    return w;
}

TimeWarp TimeWarp::compressedIdle(std::vector<std::pair<std::int64_t, std::int64_t>> busy,
                                  std::int64_t maxIdleNs)
{
    TimeWarp w;
    w.mode_ = Mode::CompressedIdle;
    std::sort(busy.begin(), busy.end());
    std::int64_t shift = 0; // idle time removed so far
    std::int64_t coveredTo = 0;
    for (const auto& [from, to] : busy) {
        if (to < from) continue;
        if (from > coveredTo && from - coveredTo > maxIdleNs) {
            // The gap (coveredTo, from) is shown maxIdleNs wide.
            w.knots_.emplace_back(coveredTo, coveredTo - shift);
            shift += (from - coveredTo) - maxIdleNs;
            w.knots_.emplace_back(from, from - shift);
        }
        coveredTo = std::max(coveredTo, to);
    }
    if (w.knots_.empty()) return w;
    if (w.knots_.front().first > 0) w.knots_.insert(w.knots_.begin(), {0, 0});
    // Knots must increase strictly in time (a gap starting at 0 gives (0,0) twice).
    w.knots_.erase(std::unique(w.knots_.begin(), w.knots_.end(),
                               [](const auto& a, const auto& b) { return a.first == b.first; }),
                   w.knots_.end());
    if (w.knots_.size() < 2) w.knots_.clear();
    return w;
}

std::int64_t TimeWarp::toAxis(std::int64_t timeNs) const
{
    return interpolate(
        knots_, timeNs, [](const auto& k) { return k.first; }, [](const auto& k) { return k.second; });
}

std::int64_t TimeWarp::toTime(std::int64_t axisNs) const
{
    return interpolate(
        knots_, axisNs, [](const auto& k) { return k.second; }, [](const auto& k) { return k.first; });
}

int TimeWarp::stepAt(std::int64_t axisNs) const
{
    if (mode_ != Mode::Steps || axisNs < 0) return -1;
    return static_cast<int>(axisNs / kStepWidthNs);
}

std::vector<std::int64_t> stepInstants(std::vector<std::int64_t> statementEnds)
{
    std::sort(statementEnds.begin(), statementEnds.end());
    statementEnds.erase(std::unique(statementEnds.begin(), statementEnds.end()), statementEnds.end());
    return statementEnds;
}

std::int64_t previousStep(const std::vector<std::int64_t>& instants, std::int64_t t)
{
    const auto it = std::lower_bound(instants.begin(), instants.end(), t);
    return it == instants.begin() ? 0 : *std::prev(it);
}

} // namespace txs::timeline
