#pragma once
// The retry clause of a workers block: `retry(conflict, busy; max 1000, backoff exponential 1ms..50ms)`.

#include "engine/api/Error.h"
#include "engine/workload/Backoff.h"

#include <optional>
#include <string>
#include <string_view>

namespace txs {

struct RetryPolicy
{
    // Which errors restart the body. `busy` means every SQLITE_BUSY, busy_snapshot included:
    // that is what SQLITE_BUSY means to an application that reads only primary result codes, and
    // a loop that retries "busy" but dies on BUSY_SNAPSHOT would surprise everyone.
    // `busy_snapshot` alone retries only the stale-snapshot case. `conflict` is the Conflict kind
    // and any other error isRetryable() accepts. `any` sets all three: every retryable error.
    bool conflict = false;
    bool busy = false;
    bool busySnapshot = false;
    int maxRetries = 0; // restarts after the first attempt; 0 when there is no retry clause
    Backoff backoff;    // `backoff yield` unless the clause says otherwise

    bool enabled() const { return maxRetries > 0; }
    // Whether `error` is one of the kinds this policy retries (the attempt count is the runner's).
    bool retries(const Error& error) const;
    // "retry(conflict, busy; max 1000, backoff yield)", or "" without a retry clause.
    std::string describe() const;

    bool operator==(const RetryPolicy&) const = default;
};

// Parses the text between the parentheses of `retry(...)`. On failure returns nullopt with the
// reason in `why`.
std::optional<RetryPolicy> parseRetryClause(std::string_view inside, std::string& why);

} // namespace txs
