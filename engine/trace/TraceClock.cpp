#include "engine/trace/TraceClock.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

namespace txs {

namespace {

using Steady = std::chrono::steady_clock;

struct Pair
{
    Steady::time_point steady;
    std::uint64_t ticks;
};

#if defined(__x86_64__) || defined(__i386__)
// One reading of both clocks, taken as close together as this thread can: of a few tries, the
// one whose counter readings around the steady clock's are nearest (least disturbed).
Pair readBoth()
{
    Pair best{};
    std::uint64_t bestSpread = ~std::uint64_t{0};
    for (int i = 0; i < 5; ++i) {
        const std::uint64_t before = __rdtsc();
        const Steady::time_point steady = Steady::now();
        const std::uint64_t after = __rdtsc();
        if (after - before < bestSpread) {
            bestSpread = after - before;
            best = {steady, before + (after - before) / 2};
        }
    }
    return best;
}

// The kernel keeps time with the counter only when it trusts it: invariant across frequency
// changes and sleep states, and synchronised across CPUs.
bool kernelTrustsCounter()
{
    if (const char* choice = std::getenv("TXSCOPE_TRACE_CLOCK"); choice && std::strcmp(choice, "steady") == 0)
        return false;
    std::ifstream source("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    std::string name;
    return source >> name && name == "tsc";
}

// The process's first reading of both clocks: every later clock measures the counter's rate
// from here, over a baseline that grows with the process's age.
const Pair* firstPair()
{
    static const Pair* const first = kernelTrustsCounter() ? new Pair(readBoth()) : nullptr;
    return first;
}
#endif

} // namespace

TraceClock::TraceClock()
{
#if defined(__x86_64__) || defined(__i386__)
    if (const Pair* first = firstPair()) {
        // A young process waits out the rest of the baseline once (the first log of a CLI run).
        const Steady::duration age = Steady::now() - first->steady;
        if (age < kMinBaseline) std::this_thread::sleep_for(kMinBaseline - age);
        const Pair now = readBoth();
        const double ns = std::chrono::duration<double, std::nano>(now.steady - first->steady).count();
        const double ticks = static_cast<double>(now.ticks - first->ticks);
        if (ns > 0 && ticks > 0) {
            nsPerTickQ32_ = static_cast<std::uint64_t>(ns / ticks * 4294967296.0);
            start_ = now.steady;
            startTicks_ = now.ticks;
            return;
        }
    }
#endif
    start_ = Steady::now();
}

} // namespace txs
