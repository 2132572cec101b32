#include "engine/workload/VirtualBusyWait.h"

#include "engine/api/BusySchedule.h"

namespace txs {

bool VirtualBusyWait::call(int timeoutMs)
{
    const int delay = busyDelayMs(calls, timeoutMs);
    ++calls;
    if (delay <= 0) return false;
    waitedMs += delay;
    return true;
}

void VirtualBusyWait::runOut(int timeoutMs)
{
    // From the 12th call on every sleep is 100 ms (the last one cut to the timeout): skip the
    // whole ones arithmetically, so a timeout of days costs nothing.
    constexpr int kSteadyFrom = kBusySteadyFrom, kSteadyMs = kBusySteadyMs;
    if (calls >= kSteadyFrom) {
        const std::int64_t whole = (static_cast<std::int64_t>(timeoutMs) - waitedMs) / kSteadyMs - 1;
        if (whole > 0) {
            calls += static_cast<int>(whole);
            waitedMs += whole * kSteadyMs;
        }
    }
    while (call(timeoutMs)) {
        if (calls >= kSteadyFrom && static_cast<std::int64_t>(timeoutMs) - waitedMs > 2 * kSteadyMs)
            return runOut(timeoutMs);
    }
}

} // namespace txs
