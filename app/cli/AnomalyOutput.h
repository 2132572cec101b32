#pragma once
// How `run --anomalies`, `analyze` and `matrix` show the anomaly checker's findings
// (engine/analysis): a log section for people and the JSON of the contract,
// anomalies[{kind, transactions, edges[{from, to, type, table, key}], story}].

#include "Json.h"
#include "engine/analysis/Anomaly.h"

#include <string>

namespace txs::cli {

// "\n== anomalies\n..." with each anomaly's story, transactions and statements, then the verdict.
std::string anomaliesText(const analysis::AnomalyReport& report);

Json anomaliesJson(const analysis::AnomalyReport& report);
// {transactions, edges, exact, serializable}: the size of the graph and the verdict.
Json dependenciesJson(const analysis::AnomalyReport& report);

} // namespace txs::cli
