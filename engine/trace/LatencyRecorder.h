#pragma once
// Transaction latencies of a run in fixed memory, however many transactions it commits: a
// log-bucket histogram in the manner of HdrHistogram. Values below 128 ns have a bucket each;
// above, every power of two [2^e, 2^(e+1)) is split into 128 equal buckets, so a bucket is at
// most 1/128 of its lower bound wide and its midpoint is within 1/256 (0.4 %) of any value in it.
// A percentile is then the midpoint of the bucket holding the value of that rank: within 0.4 %
// of the exact one (the value at rank round(p * (n - 1)) of the sorted samples).
//
// 7,552 counters (59 KiB) whatever the run's length. One recorder per thread, merged at the end.

#include <array>
#include <cstdint>

namespace txs {

class LatencyRecorder
{
public:
    static constexpr int kSubBits = 7;
    static constexpr std::uint64_t kSub = std::uint64_t{1} << kSubBits; // buckets per power of two
    static constexpr std::size_t kBuckets = kSub + (64 - kSubBits) * kSub;
    static constexpr double kMaxRelativeError = 1.0 / (2 * kSub);

    void record(std::int64_t nanoseconds);
    void merge(const LatencyRecorder& other);

    std::uint64_t count() const { return count_; }
    std::uint64_t countIn(std::size_t bucket) const { return counts_[bucket]; }
    // The latency at rank round(p * (count - 1)) of the sorted values, in ns, within
    // kMaxRelativeError of the exact one; 0 when nothing was recorded.
    double percentileNs(double p) const;

    static std::size_t bucketOf(std::uint64_t nanoseconds);
    static double midpointNs(std::size_t bucket);

private:
    std::array<std::uint64_t, kBuckets> counts_{};
    std::uint64_t count_ = 0;
};

} // namespace txs
