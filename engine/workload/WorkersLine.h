#pragma once
// The line that opens a workers block:
//   workers NAME xN [repeat R] [retry(KINDS; max M[, backoff SPEC])]:
// `repeat` defaults to 1; without `retry(...)` an error ends the worker.

#include "engine/workload/Workload.h"

#include <optional>
#include <string>
#include <string_view>

namespace txs {

// More threads than this is a typo, not a workload this machine could run.
inline constexpr int kMaxWorkers = 1024;
inline constexpr std::int64_t kMaxRepeat = 1000000000;

// Parses the whole line (which starts with the word `workers`) into a block without a body and
// without its line number. On failure returns nullopt with the reason in `why`.
std::optional<WorkersBlock> parseWorkersLine(std::string_view line, std::string& why);

} // namespace txs
