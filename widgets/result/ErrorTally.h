#pragma once
// The Explanations panel's count of its rows at an instant, in the status bar's terms: the rows
// that are errors of the run's counts, the rows that were waits (a step-mode try that ended
// blocked and was tried again: not an error), and the errors that have no row (a constraint, a
// syntax error: no Busy or Conflict event) — so that "1 error" in the status bar and three
// SQLITE_BUSY rows in the panel do not contradict each other.
//
// Invariant: errors + otherErrors == the status bar's error count at the same instant, as long as
// that count is at least the rows' (it is: both follow CountingRule's test of a failed try).

#include "engine/trace/ExplanationProjection.h"

#include <QString>
#include <cstdint>
#include <vector>

namespace txs::result {

struct ErrorTally
{
    std::uint64_t errors = 0;       // rows whose statement failed with them, by the instant
    std::uint64_t waitedRan = 0;    // rows of tries that were waits, whose statement then ran
    std::uint64_t waitedFailed = 0; // ... whose statement finally failed
    std::uint64_t waiting = 0;      // ... whose statement is still blocked
    std::uint64_t otherErrors = 0;  // errors of the counts that have no row
    std::uint64_t waits() const { return waitedRan + waitedFailed + waiting; }
    bool operator==(const ErrorTally&) const = default;
};

// `countedErrors`: the status bar's (MetricsAt::errors()) at `t`. A row counts once its
// outcome is settled by t (an error when its statement ended; a wait when its try ended);
// a wait's later fate (ran, failed) is told as the whole log knows it.
ErrorTally errorTally(const std::vector<ExplainedError>& rows, std::int64_t t, std::uint64_t countedErrors);

// "1 error · 2 waits (then ran)", in rich text, the errors' number in the error colour.
QString describeTally(const ErrorTally& tally);

} // namespace txs::result
