#pragma once
// The causes of a run's errors, for the readable log (the last section) and for --json.

#include "Json.h"
#include "engine/workload/RunReport.h"

#include <string>

namespace txs::cli {

// "writer-0, writer-3 and writer-7"; past `shown` names, "... and N more".
std::string causeConnections(const RunSummary& summary, const Cause& cause, std::size_t shown = 6);

// The "== causes" section: each cause, most frequent first, with its count, times, connections,
// and its Why and Fix wrapped to the terminal's width. Empty when the run had no errors.
std::string causesText(const RunSummary& summary);

// The JSON array `[{code, rule, count, first_ms, last_ms, connections, why, fix}, ...]`.
Json causesJson(const RunSummary& summary);

} // namespace txs::cli
