#pragma once
// SQLite's default busy-timeout schedule (sqliteDefaultBusyCallback in main.c), the one copy of
// it: the SQLite backend's recording handler, the MVCC front end's lock wait and the step
// runner's virtual-time wait all sleep by it, so every backend waits exactly as long as
// sqlite3_busy_timeout would (probed facts: docs and DOMAIN.md).

#include <cstdint>

namespace txs {

// Milliseconds to sleep before retry number `count` (0 = first call) when the busy timeout is
// `timeoutMs` in total; 0 means give up. The delays are 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50,
// then 100 ms, and the last one is shortened so that the total never exceeds the timeout.
int busyDelayMs(int count, int timeoutMs);

// What calls 0..count-1 slept together when none was cut by the timeout.
std::int64_t busySleptBeforeMs(int count);

// From call number kBusySteadyFrom on, every delay is kBusySteadyMs (until the timeout cuts it).
inline constexpr int kBusySteadyFrom = 11;
inline constexpr int kBusySteadyMs = 100;

} // namespace txs
