#include "engine/trace/MetricsProjection.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <utility>

namespace txs {

int LatencyHistogram::bucketOf(std::int64_t latencyNs)
{
    // latencyNs >= 1000 << (b - 1) exactly when latencyNs / 1000 >= 1 << (b - 1) (integers).
    if (latencyNs < 1000) return 0;
    return std::min(static_cast<int>(std::bit_width(static_cast<std::uint64_t>(latencyNs / 1000))),
                    kBuckets - 1);
}

MetricsProjection::MetricsProjection(std::int64_t bucketNs, std::size_t latencyBlock)
    : bucketNs_(bucketNs > 0 ? bucketNs : 1), latencyBlock_(latencyBlock > 0 ? latencyBlock : 1)
{}

SortedTimes& MetricsProjection::times(Counted what)
{
    return const_cast<SortedTimes&>(std::as_const(*this).times(what));
}

const SortedTimes& MetricsProjection::times(Counted what) const
{
    switch (what) {
    case Counted::Commit:
        return commits_;
    case Counted::Rollback:
        return rollbacks_;
    case Counted::Retry:
        return retries_;
    case Counted::Conflict:
        return conflicts_;
    case Counted::Busy:
        return busy_;
    case Counted::BusySnapshot:
        return busySnapshot_;
    case Counted::OtherError:
        break;
    }
    return otherErrors_;
}

void MetricsProjection::apply(const Event& e)
{
    settled_.clear();
    rule_.apply(e, settled_);
    for (const Tally& t : settled_) {
        times(t.what).add(t.timeNs);
        if (t.what == Counted::Commit) addLatency(t.timeNs, t.timeNs - t.beginNs);
    }
}

void MetricsProjection::LatencyCounts::add(std::int64_t latencyNs)
{
    fine.record(latencyNs);
    ++coarse[static_cast<std::size_t>(LatencyHistogram::bucketOf(latencyNs))];
    maxNs = std::max(maxNs, latencyNs);
}

void MetricsProjection::addLatency(std::int64_t endNs, std::int64_t latencyNs)
{
    const std::size_t index = latencies_.size();
    if (index % latencyBlock_ == 0) {
        // A block starts: checkpoint the counts of everything before it.
        latencyCheckpoints_.push_back({std::make_shared<const LatencyCounts>(allLatencies_), latestEndNs_});
        blockMinEndNs_.push_back(endNs);
    }
    latencies_.push_back({endNs, latencyNs});
    allLatencies_.add(latencyNs);
    latestEndNs_ = std::max(latestEndNs_, endNs);
    blockMinEndNs_.back() = std::min(blockMinEndNs_.back(), endNs);
}

MetricsAt MetricsProjection::at(std::int64_t t) const
{
    MetricsAt m;
    m.commits = commits_.countAt(t);
    m.rollbacks = rollbacks_.countAt(t);
    m.retries = retries_.countAt(t);
    m.conflicts = conflicts_.countAt(t);
    m.busy = busy_.countAt(t);
    m.busySnapshot = busySnapshot_.countAt(t);
    m.otherErrors = otherErrors_.countAt(t);
    // A connection's latest error is not settled until its next event; it counts from its time on.
    rule_.forEachPending([&](const Tally& p) {
        if (p.timeNs <= t) addTo(m, p.what);
    });
    return m;
}

std::vector<ThroughputPoint> MetricsProjection::throughput(std::int64_t t) const
{
    std::vector<ThroughputPoint> out;
    if (t < 0) return out;
    const std::int64_t buckets = t / bucketNs_ + 1;
    out.reserve(static_cast<std::size_t>(buckets));
    for (std::int64_t b = 0; b < buckets; ++b) {
        const std::int64_t start = b * bucketNs_;
        const std::int64_t last = std::min(start + bucketNs_ - 1, t);
        ThroughputPoint p;
        p.startNs = start;
        p.commits = commits_.countBetween(start - 1, last);
        p.perSecond = static_cast<double>(p.commits) * 1e9 / static_cast<double>(last - start + 1);
        out.push_back(p);
    }
    return out;
}

LatencyHistogram MetricsProjection::histogramOf(const LatencyCounts& c)
{
    LatencyHistogram h;
    h.counts.assign(c.coarse.begin(), c.coarse.end());
    h.total = c.fine.count();
    h.maxNs = c.maxNs;
    // The midpoint of the bucket holding the max may lie above it.
    auto percentile = [&](double p) {
        return std::min(static_cast<std::int64_t>(std::llround(c.fine.percentileNs(p))), c.maxNs);
    };
    h.p50Ns = h.total ? percentile(0.50) : 0;
    h.p99Ns = h.total ? percentile(0.99) : 0;
    return h;
}

LatencyHistogram MetricsProjection::latency(std::int64_t t) const
{
    // The live instant (and any later one): every sample counts.
    if (t >= latestEndNs_) return histogramOf(allLatencies_);
    // The last checkpoint whose samples all ended by t (maxEndNs only grows); checkpoint 0 has
    // none. Then the samples after it that ended by t: only the blocks that hold any, which,
    // times being nearly sorted, are the one or two at t.
    const auto it =
        std::upper_bound(latencyCheckpoints_.begin(), latencyCheckpoints_.end(), t,
                         [](std::int64_t time, const LatencyCheckpoint& c) { return time < c.maxEndNs; });
    if (it == latencyCheckpoints_.begin()) return histogramOf(LatencyCounts{});
    const std::size_t first = static_cast<std::size_t>(it - latencyCheckpoints_.begin()) - 1;
    LatencyCounts counts = *latencyCheckpoints_[first].counts;
    for (std::size_t block = first; block < blockMinEndNs_.size(); ++block) {
        if (blockMinEndNs_[block] > t) continue;
        const std::size_t end = std::min(latencies_.size(), (block + 1) * latencyBlock_);
        for (std::size_t i = block * latencyBlock_; i < end; ++i)
            if (latencies_[i].endNs <= t) counts.add(latencies_[i].latencyNs);
    }
    return histogramOf(counts);
}

} // namespace txs
