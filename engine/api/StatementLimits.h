#pragma once
// How long a statement may run, and a way to stop it from another thread. A workload is
// untrusted: `WITH RECURSIVE` without a limit or a join of huge ranges never ends, and Stop must
// end it anyway. Both backends check the clock from SQLite's progress handler (every few hundred
// virtual-machine instructions) and before each busy-wait sleep, and end the statement with
// SQLITE_INTERRUPT.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

struct sqlite3;

namespace txs {

struct StatementLimits
{
    // Once true, the running statement and every later one stop with SQLITE_INTERRUPT.
    // Shared: one flag stops every connection of a run.
    std::shared_ptr<const std::atomic<bool>> cancel;
    std::chrono::microseconds timeout{0}; // 0: no statement_timeout
};

// The state a connection keeps to enforce its limits. begin() at the start of each statement;
// shouldStop() is cheap enough for SQLite's progress handler. Used by one thread at a time
// (the connection's), except `limits.cancel`, which any thread may set.
class StatementClock
{
public:
    void setLimits(StatementLimits limits) { limits_ = std::move(limits); }
    void begin();
    bool shouldStop(); // records why in timedOut()
    bool cancelled() const { return limits_.cancel && limits_.cancel->load(std::memory_order_relaxed); }
    bool timedOut() const { return timedOut_; }
    // The message of a statement ended by SQLITE_INTERRUPT: which limit ended it.
    std::string interruptMessage() const;

    // Installs shouldStop() as `db`'s progress handler; `clock` must outlive the handle's use.
    static void install(sqlite3* db, StatementClock* clock);

private:
    StatementLimits limits_;
    std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
    bool timedOut_ = false;
};

} // namespace txs
