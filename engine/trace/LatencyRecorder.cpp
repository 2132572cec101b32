#include "engine/trace/LatencyRecorder.h"

#include <bit>
#include <cmath>

namespace txs {

std::size_t LatencyRecorder::bucketOf(std::uint64_t v)
{
    if (v < kSub) return static_cast<std::size_t>(v);
    const int exponent = std::bit_width(v) - 1; // >= kSubBits
    const int shift = exponent - kSubBits;
    const std::uint64_t mantissa = v >> shift; // in [kSub, 2 * kSub)
    return static_cast<std::size_t>(kSub + static_cast<std::uint64_t>(shift) * kSub + (mantissa - kSub));
}

double LatencyRecorder::midpointNs(std::size_t bucket)
{
    if (bucket < kSub) return static_cast<double>(bucket);
    const std::size_t shift = (bucket - kSub) / kSub;
    const std::uint64_t mantissa = kSub + (bucket - kSub) % kSub;
    const double lower = std::ldexp(static_cast<double>(mantissa), static_cast<int>(shift));
    const double width = std::ldexp(1.0, static_cast<int>(shift));
    return lower + (width - 1) / 2;
}

void LatencyRecorder::record(std::int64_t nanoseconds)
{
    ++counts_[bucketOf(nanoseconds > 0 ? static_cast<std::uint64_t>(nanoseconds) : 0)];
    ++count_;
}

void LatencyRecorder::merge(const LatencyRecorder& other)
{
    for (std::size_t i = 0; i < kBuckets; ++i)
        counts_[i] += other.counts_[i];
    count_ += other.count_;
}

double LatencyRecorder::percentileNs(double p) const
{
    if (count_ == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(p * static_cast<double>(count_ - 1) + 0.5);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
        seen += counts_[i];
        if (seen > rank) return midpointNs(i);
    }
    return midpointNs(kBuckets - 1);
}

} // namespace txs
