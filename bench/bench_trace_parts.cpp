// What the parts of a traced statement cost on this machine, in nanoseconds an operation: the
// log's clock read (TraceClock: the time-stamp counter where the kernel trusts it), the same read
// behind a load fence (a kept statement end's, StatementFold.h), the steady clock (the runner's
// latencies, and the trace clock where the counter is not trusted), and an atomic increment of a
// counter on a line of its own against one that two threads on two cores increment at once (the
// log's sequence number, which every append takes). These are the parts docs/performance.md
// weighs when it asks where a traced transaction's time goes; the ratios between them matter,
// not the absolute figures, which differ from machine to machine (a virtual machine's counter
// read can cost three times a bare one's).
//
// usage: bench_trace_parts [OPERATIONS, default 20000000]

#include "engine/trace/TraceClock.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <latch>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

using namespace txs;

namespace {

// Nanoseconds an iteration of `body`, run `n` times.
template <typename Body> double nsPer(long n, Body body)
{
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i)
        body();
    return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() /
           static_cast<double>(n);
}

struct alignas(64) Counter
{
    std::atomic<std::uint64_t> value{0};
};

// Nanoseconds an increment when `threads` threads each increment `counterOf(t)` n times at once.
template <typename CounterOf> double incrementNs(int threads, long n, CounterOf counterOf)
{
    std::latch ready(threads + 1);
    std::vector<std::thread> pool;
    std::vector<double> ns(static_cast<std::size_t>(threads));
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            std::atomic<std::uint64_t>& c = counterOf(t);
            ready.arrive_and_wait();
            ns[static_cast<std::size_t>(t)] = nsPer(n, [&c] { c.fetch_add(1, std::memory_order_relaxed); });
        });
    ready.arrive_and_wait();
    for (auto& t : pool)
        t.join();
    double worst = 0;
    for (double v : ns)
        worst = std::max(worst, v);
    return worst;
}

} // namespace

int main(int argc, char** argv)
{
    const long n = argc > 1 ? std::atol(argv[1]) : 20000000;
    if (n < 4) { // the two-thread and steady-clock rows run n / 4
        std::fprintf(stderr, "usage: bench_trace_parts [OPERATIONS]\n");
        return 1;
    }
    const TraceClock clock;
    volatile std::int64_t sink = 0;
    const double traceClock = nsPer(n, [&] { sink = sink + clock.now(); });
    const double fencedClock = nsPer(n, [&] {
#if defined(__x86_64__) || defined(__i386__)
        _mm_lfence();
#endif
        sink = sink + clock.now();
    });
    const double steadyClock =
        nsPer(n / 4, [&] { sink = sink + std::chrono::steady_clock::now().time_since_epoch().count(); });
    Counter shared;
    Counter own[2];
    const double alone = incrementNs(1, n, [&](int) -> std::atomic<std::uint64_t>& { return own[0].value; });
    const double ownLines =
        incrementNs(2, n / 4, [&](int t) -> std::atomic<std::uint64_t>& { return own[t].value; });
    const double sharedLine =
        incrementNs(2, n / 4, [&](int) -> std::atomic<std::uint64_t>& { return shared.value; });
    std::printf("%u hardware threads, %ld operations\n", std::thread::hardware_concurrency(), n);
    std::printf("trace clock read                 %6.1f ns  (%s)\n", traceClock,
                clock.readsCounter() ? "the time-stamp counter"
                                     : "the steady clock: the counter is not trusted");
    std::printf("trace clock read behind lfence   %6.1f ns\n", fencedClock);
    std::printf("steady_clock::now                %6.1f ns\n", steadyClock);
    std::printf("fetch_add, one thread            %6.1f ns\n", alone);
    std::printf("fetch_add, two threads, own line %6.1f ns\n", ownLines);
    std::printf("fetch_add, two threads, one line %6.1f ns  (%.1fx its own line)\n", sharedLine,
                sharedLine / ownLines);
    return 0;
}
