#pragma once
// `--json`: the run's summary as the one JSON object of DESIGN.md's command-line contract, with
// exactly its fields and nothing else (scripts compare runs across journal modes with it).

#include "Json.h"
#include "engine/workload/RunReport.h"

#include <string>

namespace txs::cli {

std::string summaryToJson(const RunSummary& summary);
// The same document before printing, for `--anomalies` to add its field to.
Json summaryDocument(const RunSummary& summary);

} // namespace txs::cli
