#include "engine/trace/MetricsProjection.h"

#include <algorithm>
#include <utility>

namespace txs {

namespace {

std::int64_t nthLatency(std::vector<std::int64_t>& values, double p)
{
    if (values.empty()) return 0;
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
    return values[index];
}

} // namespace

int LatencyHistogram::bucketOf(std::int64_t latencyNs)
{
    int bucket = 0;
    while (bucket + 1 < kBuckets && latencyNs >= lowerNs(bucket + 1))
        ++bucket;
    return bucket;
}

MetricsProjection::MetricsProjection(std::int64_t bucketNs) : bucketNs_(bucketNs > 0 ? bucketNs : 1) {}

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
        if (t.what == Counted::Commit) latencies_.push_back({t.timeNs, t.timeNs - t.beginNs});
    }
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

LatencyHistogram MetricsProjection::latency(std::int64_t t) const
{
    LatencyHistogram h;
    std::vector<std::int64_t> values;
    for (const Sample& s : latencies_) {
        if (s.endNs > t) continue;
        ++h.counts[static_cast<std::size_t>(LatencyHistogram::bucketOf(s.latencyNs))];
        values.push_back(s.latencyNs);
        h.maxNs = std::max(h.maxNs, s.latencyNs);
    }
    h.total = values.size();
    h.p50Ns = nthLatency(values, 0.50);
    h.p99Ns = nthLatency(values, 0.99);
    return h;
}

} // namespace txs
