#include "engine/trace/MetricsProjection.h"

#include "engine/api/Error.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace txs {

namespace {

bool mentionsConflict(const std::string& message)
{
    std::string lower(message);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return lower.find("conflict") != std::string::npos;
}

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

void MetricsProjection::apply(const Event& e, const TransactionProjection& transactions)
{
    const auto& ends = transactions.endOrder();
    for (; endsSeen_ < ends.size(); ++endsSeen_) {
        const TransactionRecord& r = transactions.all()[ends[endsSeen_]];
        connections_[r.connection].transactionEnded = true;
        if (r.endPhase == TxPhase::Committed) {
            commits_.add(r.endNs);
            latencies_.push_back({r.endNs, r.endNs - r.beginNs});
        } else {
            rollbacks_.add(r.endNs);
        }
    }
    switch (e.kind) {
    case EventKind::StatementBegin: {
        ConnectionState& c = connections_[e.connection];
        c.statementBeginNs = e.timeNs;
        c.transactionEnded = false;
        return;
    }
    case EventKind::StatementEnd: {
        ConnectionState& c = connections_[e.connection];
        if (e.a == 0) {
            // SQLite's autocommit write: a change outside any transaction of the log.
            if (e.txId == 0 && e.b > 0 && !c.transactionEnded) {
                commits_.add(e.timeNs);
                latencies_.push_back({e.timeNs, e.timeNs - c.statementBeginNs});
            }
        } else if (e.a == rc::BusySnapshot) {
            busySnapshot_.add(e.timeNs);
        } else if ((e.a & 0xff) == rc::Busy) {
            busy_.add(e.timeNs);
        } else if (e.a == rc::Error && mentionsConflict(e.text)) {
            conflicts_.add(e.timeNs);
        } else {
            otherErrors_.add(e.timeNs);
        }
        return;
    }
    case EventKind::TxRetry:
        retries_.add(e.timeNs);
        return;
    default:
        return;
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
