#pragma once
// Counts and rates of a session at any instant: commits, rollbacks, retries, errors by kind,
// throughput over time and the latency of transactions.
//
// What counts is CountingRule's (see CountingRule.h, the one rule every view and the CLI use):
// the same transactions as TransactionProjection; SQLite's autocommit writes, which have no
// transaction in the log, count as one commit each (latency: their statement); a step-mode try
// that ended blocked is a wait, not an error.

#include "engine/trace/ChunkedVector.h"
#include "engine/trace/CountingRule.h"
#include "engine/trace/Event.h"
#include "engine/trace/LatencyRecorder.h"
#include "engine/trace/ProjectionTimes.h"

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
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
    // Over the committed transactions. maxNs is exact; p50Ns and p99Ns are the value at rank
    // round(p * (total - 1)) to within LatencyRecorder::kMaxRelativeError (0.4 %, the midpoint
    // of its log bucket), and never above maxNs.
    std::int64_t p50Ns = 0, p99Ns = 0, maxNs = 0;
};

class MetricsProjection
{
public:
    static constexpr std::size_t kLatencyBlock = 32768;
    // latencyBlock: samples between two checkpoints of the latency counts (tests use small ones).
    explicit MetricsProjection(std::int64_t bucketNs = 100'000'000, std::size_t latencyBlock = kLatencyBlock);

    // Events in seq order.
    void apply(const Event& event);

    MetricsAt at(std::int64_t t) const;
    // Commits per bucket from time 0 to the bucket holding t.
    std::vector<ThroughputPoint> throughput(std::int64_t t) const;
    // Latency (begin to commit) of the transactions committed by t. O(buckets) at the live end
    // (t at or after every commit); for an earlier t, a checkpoint of the counts plus at most a
    // few blocks of samples (latencyBlock each), however long the run.
    LatencyHistogram latency(std::int64_t t) const;
    std::int64_t bucketNs() const { return bucketNs_; }

private:
    struct Sample
    {
        std::int64_t endNs, latencyNs;
    };
    // Latency counts of a set of samples: the fine log buckets (percentiles), the panel's coarse
    // ones, and the largest.
    struct LatencyCounts
    {
        LatencyRecorder fine;
        std::array<std::uint64_t, LatencyHistogram::kBuckets> coarse{};
        std::int64_t maxNs = 0;
        void add(std::int64_t latencyNs);
    };
    // The counts of samples [0, i * kLatencyBlock) and the latest end among them.
    struct LatencyCheckpoint
    {
        std::shared_ptr<const LatencyCounts> counts;
        std::int64_t maxEndNs;
    };
    static LatencyHistogram histogramOf(const LatencyCounts& c);
    void addLatency(std::int64_t endNs, std::int64_t latencyNs);
    SortedTimes& times(Counted what);
    const SortedTimes& times(Counted what) const;

    std::int64_t bucketNs_;
    std::size_t latencyBlock_;
    CountingRule rule_;
    std::vector<Tally> settled_; // scratch for rule_.apply
    SortedTimes commits_, rollbacks_, retries_, conflicts_, busy_, busySnapshot_, otherErrors_;
    // In apply order; endNs nearly sorted (threads stamp their own events), not strictly.
    ChunkedVector<Sample> latencies_;
    LatencyCounts allLatencies_;                        // every sample: the live instant
    std::int64_t latestEndNs_ = kNeverBefore;           // max endNs of every sample
    std::vector<LatencyCheckpoint> latencyCheckpoints_; // [i]: before block i
    std::vector<std::int64_t> blockMinEndNs_;           // [i]: the earliest end in block i
    static constexpr std::int64_t kNeverBefore = std::numeric_limits<std::int64_t>::min();
};

} // namespace txs
