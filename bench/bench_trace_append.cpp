// Appends per second into the trace log with 1, 2 and 16 threads: the per-thread-buffer TraceLog
// against the mutex+vector log it replaced, as ratios from one run (absolute rates on a shared
// machine mean little). Usage: bench_trace_append [events per configuration, default 1600000]

#include "engine/trace/TraceLog.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

using namespace txs;

namespace {

// The first TraceLog: one lock around one vector.
class MutexVectorLog
{
public:
    void append(Event event)
    {
        std::lock_guard lock(mutex_);
        event.seq = events_.size();
        if (event.timeNs == 0) event.timeNs = now();
        events_.push_back(std::move(event));
    }

    std::size_t size() const
    {
        std::lock_guard lock(mutex_);
        return events_.size();
    }

private:
    std::int64_t now() const
    {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_)
            .count();
    }

    const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    mutable std::mutex mutex_;
    std::vector<Event> events_;
};

std::size_t eventCount(const TraceLog& log)
{
    return log.appendedCount();
}
std::size_t eventCount(const MutexVectorLog& log)
{
    return log.size();
}

// Appends per second for `threads` threads sharing `total` appends, each into a fresh log.
template <typename Log> double appendsPerSecond(int threads, std::int64_t total)
{
    Log log;
    const std::int64_t perThread = total / threads;
    std::latch start(threads + 1);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            start.arrive_and_wait();
            for (std::int64_t n = 0; n < perThread; ++n) {
                Event e;
                e.kind = EventKind::LockAcquire; // a typical small event: no heap text
                e.connection = static_cast<std::uint32_t>(t + 1);
                e.txId = static_cast<std::uint64_t>(n);
                e.a = static_cast<std::int64_t>(LockResource::MvccCommit);
                e.b = static_cast<std::int64_t>(LockLevel::Exclusive);
                log.append(std::move(e));
            }
        });
    start.arrive_and_wait();
    const auto begin = std::chrono::steady_clock::now();
    for (auto& w : workers)
        w.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    if (eventCount(log) != static_cast<std::size_t>(perThread * threads)) {
        std::fprintf(stderr, "lost events\n");
        std::exit(1);
    }
    return static_cast<double>(perThread * threads) / seconds;
}

} // namespace

int main(int argc, char** argv)
{
    const std::int64_t total = argc > 1 ? std::atoll(argv[1]) : 1600000;
    constexpr int kRepeats = 5;
    std::printf("%lld appends per configuration, best of %d, %u hardware threads\n",
                static_cast<long long>(total), kRepeats, std::thread::hardware_concurrency());
    std::printf("%8s %16s %16s %8s\n", "threads", "mutex+vector/s", "TraceLog/s", "ratio");
    for (int threads : {1, 2, 16}) {
        double baseline = 0, perThreadBuffers = 0;
        // Alternate the two so that neither always runs on a warmer (or busier) machine.
        for (int r = 0; r < kRepeats; ++r) {
            baseline = std::max(baseline, appendsPerSecond<MutexVectorLog>(threads, total));
            perThreadBuffers = std::max(perThreadBuffers, appendsPerSecond<TraceLog>(threads, total));
        }
        std::printf("%8d %16.0f %16.0f %7.2fx\n", threads, baseline, perThreadBuffers,
                    perThreadBuffers / baseline);
    }
    return 0;
}
