#pragma once
// SQLite's default busy-timeout schedule (sqliteDefaultBusyCallback in main.c), so the engine's
// own handler, which records every call, waits exactly as long as sqlite3_busy_timeout would.

namespace txs::sqlite {

// Milliseconds to sleep before retry number `count` (0 = first call) when the busy timeout is
// `timeoutMs` in total; 0 means give up. The delays are 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50,
// then 100 ms, and the last one is shortened so that the total never exceeds the timeout.
int busyDelayMs(int count, int timeoutMs);

} // namespace txs::sqlite
