#pragma once
// Counts and rates of a session at any instant: commits, rollbacks, retries, errors by kind,
// throughput over time and the latency of transactions.
//
// Transactions are those of TransactionProjection (fed the same event first), so the counts
// agree with the transactions table; SQLite's autocommit writes, which have no transaction in
// the log, count as one commit each (latency: their statement). Errors are statements that
// ended with an error, by result code: a step the runner retries while it is blocked counts
// once per try, as each try did get SQLITE_BUSY.

#include "engine/trace/Event.h"
#include "engine/trace/ProjectionTimes.h"
#include "engine/trace/TransactionProjection.h"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace txs {

struct MetricsAt
{
    std::uint64_t commits = 0, rollbacks = 0, retries = 0;
    std::uint64_t conflicts = 0, busy = 0, busySnapshot = 0, otherErrors = 0;
    std::uint64_t errors() const { return conflicts + busy + busySnapshot + otherErrors; }
    bool operator==(const MetricsAt&) const = default;
};

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

    // `transactions` must already have applied `event`.
    void apply(const Event& event, const TransactionProjection& transactions);

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
    struct ConnectionState
    {
        std::int64_t statementBeginNs = 0;
        bool transactionEnded = false; // a transaction of the connection ended during the statement
    };

    std::int64_t bucketNs_;
    std::size_t endsSeen_ = 0; // cursor into transactions.endOrder()
    SortedTimes commits_, rollbacks_, retries_, conflicts_, busy_, busySnapshot_, otherErrors_;
    std::vector<Sample> latencies_;
    std::unordered_map<std::uint32_t, ConnectionState> connections_;
};

} // namespace txs
