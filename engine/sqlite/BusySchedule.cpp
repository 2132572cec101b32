#include "engine/sqlite/BusySchedule.h"

#include <cstdint>

namespace txs::sqlite {

int busyDelayMs(int count, int timeoutMs)
{
    static constexpr int delays[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
    static constexpr int totals[] = {0, 1, 3, 8, 18, 33, 53, 78, 103, 128, 178, 228};
    constexpr int n = sizeof delays / sizeof delays[0];
    if (count < 0) return 0;
    std::int64_t delay = 0, prior = 0;
    if (count < n) {
        delay = delays[count];
        prior = totals[count];
    } else {
        delay = delays[n - 1];
        prior = totals[n - 1] + delay * (static_cast<std::int64_t>(count) - (n - 1));
    }
    if (prior + delay > timeoutMs) {
        delay = timeoutMs - prior;
        if (delay <= 0) return 0;
    }
    return static_cast<int>(delay);
}

} // namespace txs::sqlite
