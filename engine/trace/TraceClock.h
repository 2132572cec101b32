#pragma once
// The trace log's clock: nanoseconds since the log began, read once per event.
//
// Reading it was the largest single cost of tracing (bench_runner_overhead under perf: about a
// third of the extra samples of a traced run): std::chrono::steady_clock goes through the vDSO's
// clock_gettime, which serialises the pipeline (lfence; rdtsc) inside a seqlock, about 33 ns on
// this kind of machine, eleven times per transaction. Where the kernel itself keeps time with the
// time-stamp counter (its clocksource is "tsc": invariant and synchronised across CPUs, or the
// kernel would not have chosen it), the clock reads the counter directly, unserialised, and
// scales it with a rate measured against the steady clock. Everywhere else, and when
// TXSCOPE_TRACE_CLOCK=steady is set (to compare the two), it reads the steady clock.
//
// Invariants: the readings of one clock never go backwards on one thread; readings on different
// threads are as comparable as the kernel's own (the counter is synchronised across CPUs); the
// scale is fixed for the clock's life, so durations within one log are consistent. The rate's
// error (two readings of each clock, a few tens of ns apart, at least kMinBaseline apart) is
// below 1e-5: under a millisecond over a run of a hundred seconds.

#include <chrono>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace txs {

class TraceClock
{
public:
    TraceClock(); // starts at 0 now
    std::int64_t now() const
    {
#if defined(__x86_64__) || defined(__i386__)
        if (nsPerTickQ32_ != 0) {
            // Fixed point: (ticks * nsPerTick * 2^32) >> 32, the product in 128 bits (one
            // multiply), so that it cannot overflow for runs up to centuries at any counter
            // frequency.
            const std::uint64_t ticks = readCounter() - startTicks_;
            return static_cast<std::int64_t>((static_cast<unsigned __int128>(ticks) * nsPerTickQ32_) >> 32);
        }
#endif
        return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_)
            .count();
    }
    // Whether this clock reads the time-stamp counter (false: the steady clock).
    bool readsCounter() const
    {
        return nsPerTickQ32_ != 0;
    }
    // The steady clock's reading at this clock's 0.
    std::chrono::steady_clock::time_point start() const
    {
        return start_;
    }

    // The shortest time between the two pairs of readings that measure the counter's rate.
    static constexpr std::chrono::milliseconds kMinBaseline{5};

private:
    static std::uint64_t readCounter()
    {
#if defined(__x86_64__) || defined(__i386__)
        return __rdtsc();
#else
        return 0;
#endif
    }
    std::chrono::steady_clock::time_point start_;
    std::uint64_t startTicks_ = 0;
    std::uint64_t nsPerTickQ32_ = 0; // nanoseconds per tick << 32; 0: read the steady clock
};

} // namespace txs
