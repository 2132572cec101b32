#include "engine/api/BusySchedule.h"

namespace txs {

namespace {
constexpr int kDelays[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
constexpr int kTotals[] = {0, 1, 3, 8, 18, 33, 53, 78, 103, 128, 178, 228};
constexpr int kCount = sizeof kDelays / sizeof kDelays[0];
static_assert(kCount == kBusySteadyFrom + 1 && kDelays[kCount - 1] == kBusySteadyMs);
} // namespace

std::int64_t busySleptBeforeMs(int count)
{
    if (count <= 0) return 0;
    if (count < kCount) return kTotals[count];
    return kTotals[kCount - 1] + static_cast<std::int64_t>(kBusySteadyMs) * (count - (kCount - 1));
}

int busyDelayMs(int count, int timeoutMs)
{
    if (count < 0) return 0;
    std::int64_t delay = count < kCount ? kDelays[count] : kBusySteadyMs;
    const std::int64_t prior = busySleptBeforeMs(count);
    if (prior + delay > timeoutMs) {
        delay = timeoutMs - prior;
        if (delay <= 0) return 0;
    }
    return static_cast<int>(delay);
}

} // namespace txs
