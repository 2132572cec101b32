#pragma once
// The busy handler of a statement the step runner holds as blocked, run in virtual time: each
// try that finds the lock taken is one busy-handler call, which "sleeps" exactly what SQLite's
// default handler (sqliteDefaultBusyCallback) would for the connection's busy_timeout. So the
// figures a user sees (calls, ms waited) are those the real handler would have produced, and a
// timed-out wait has waited exactly busy_timeout ms, as in SQLite.

#include <cstdint>

namespace txs {

struct VirtualBusyWait
{
    int calls = 0;             // busy-handler calls so far, the one that gave up included
    std::int64_t waitedMs = 0; // what they slept, summed; never more than the timeout

    // One more handler call: sleeps the next delay of the schedule and returns true, or returns
    // false when the busy_timeout has run out (the handler gives up; SQLite returns BUSY).
    bool call(int timeoutMs);
    // The calls of a wait that nothing will end: every remaining sleep, then the call that
    // gives up. Constant time for any timeout.
    void runOut(int timeoutMs);
};

} // namespace txs
