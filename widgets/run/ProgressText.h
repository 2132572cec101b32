#pragma once
// What the status bar says about a run in progress: how far it is (worker transactions done of
// their total, or steps done of all), how long it has run, and an estimate of what is left.
// Plain functions of the runner's counters and the elapsed time, so they are tested without
// running anything.

#include "engine/workload/Runner.h"

#include <QString>
#include <cstdint>
#include <optional>

namespace txs::run {

struct ProgressFraction
{
    std::uint64_t done = 0, total = 0;
    bool transactions = false; // worker transactions; otherwise statements of setup/steps/check
};

// The part of the run that is under way: worker transactions during the workers phase, the
// statements of the script otherwise. Total 0 when there is nothing to count.
ProgressFraction fractionOf(const RunProgress& progress);

// Time left at the rate so far; none until there is a rate to go by (the first 2% or 0.5 s).
std::optional<std::int64_t> estimateRemainingMs(std::uint64_t done, std::uint64_t total,
                                                std::int64_t elapsedMs);

// "12.3 s", "4 min 05 s", "250 ms".
QString formatElapsed(std::int64_t ms);

// "workers: 1 234 of 128 000 transactions (1 %) · 3.2 s · about 4 min 10 s left".
QString describeProgress(const RunProgress& progress, std::int64_t elapsedMs);

} // namespace txs::run
