#pragma once
// Counts and rates of a session at any instant: commits, rollbacks, retries, errors by kind,
// throughput over time and the latency of transactions.
//
// What counts is CountingRule's (see CountingRule.h, the one rule every view and the CLI use):
// the same transactions as TransactionProjection; SQLite's autocommit writes, which have no
// transaction in the log, count as one commit each (latency: their statement); a step-mode try
// that ended blocked is a wait, not an error.

#include "engine/trace/CountingRule.h"
#include "engine/trace/Event.h"
#include "engine/trace/ProjectionTimes.h"

#include <cstdint>
#include <vector>

namespace txs {

struct ThroughputPoint
{
    std::int64_t startNs = 0; // bucket start
    std::uint64_t commits = 0;
    double perSecond = 0; // over the part of the bucket up to the instant
};

struct LatencyHistogram
{
    // Bucket i holds latencies in [lowerNs(i), lowerNs(i + 1)): 0..1 µs, 1..2 µs, 2..4 µs, ...
    static constexpr int kBuckets = 40;
    static std::int64_t lowerNs(int bucket) { return bucket == 0 ? 0 : std::int64_t{1000} << (bucket - 1); }
    static int bucketOf(std::int64_t latencyNs);

    std::vector<std::uint64_t> counts = std::vector<std::uint64_t>(kBuckets, 0);
    std::uint64_t total = 0;
    std::int64_t p50Ns = 0, p99Ns = 0, maxNs = 0; // exact, over the committed transactions
};

class MetricsProjection
{
public:
    explicit MetricsProjection(std::int64_t bucketNs = 100'000'000);

    // Events in seq order.
    void apply(const Event& event);

    MetricsAt at(std::int64_t t) const;
    // Commits per bucket from time 0 to the bucket holding t.
    std::vector<ThroughputPoint> throughput(std::int64_t t) const;
    // Latency (begin to commit) of the transactions committed by t.
    LatencyHistogram latency(std::int64_t t) const;
    std::int64_t bucketNs() const { return bucketNs_; }

private:
    struct Sample
    {
        std::int64_t endNs, latencyNs;
    };
    SortedTimes& times(Counted what);
    const SortedTimes& times(Counted what) const;

    std::int64_t bucketNs_;
    CountingRule rule_;
    std::vector<Tally> settled_; // scratch for rule_.apply
    SortedTimes commits_, rollbacks_, retries_, conflicts_, busy_, busySnapshot_, otherErrors_;
    std::vector<Sample> latencies_;
};

} // namespace txs
