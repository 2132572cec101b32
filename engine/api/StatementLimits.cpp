#include "engine/api/StatementLimits.h"

#include <sqlite3.h>

namespace txs {

namespace {

// Virtual-machine instructions between two checks: a few microseconds of work, so Stop and
// the timeout act well within 100 ms while the clock is read rarely enough not to show.
constexpr int kInstructionsPerCheck = 1000;

// "500ms", "1500us": the way a .txs header writes it (api is the ground: no workload/ here).
std::string durationText(std::chrono::microseconds d)
{
    if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "ms";
    return std::to_string(d.count()) + "us";
}

int onProgress(void* clock)
{
    return static_cast<StatementClock*>(clock)->shouldStop() ? 1 : 0;
}

} // namespace

void StatementClock::begin()
{
    timedOut_ = false;
    deadline_ = limits_.timeout.count() > 0 ? std::chrono::steady_clock::now() + limits_.timeout
                                            : std::chrono::steady_clock::time_point::max();
}

bool StatementClock::shouldStop()
{
    if (cancelled()) return true;
    if (deadline_ != std::chrono::steady_clock::time_point::max() &&
        std::chrono::steady_clock::now() >= deadline_) {
        timedOut_ = true;
        return true;
    }
    return false;
}

std::string StatementClock::interruptMessage() const
{
    if (timedOut_)
        return "interrupted: the statement ran longer than statement_timeout (" +
               durationText(limits_.timeout) + ")";
    if (cancelled()) return "interrupted: the run was stopped";
    return "interrupted";
}

void StatementClock::install(sqlite3* db, StatementClock* clock)
{
    sqlite3_progress_handler(db, kInstructionsPerCheck, &onProgress, clock);
}

} // namespace txs
