#pragma once
// The plain-language story of an anomaly: what each transaction read and wrote, in the order of
// its cycle, and why no serial order of the transactions gives the result.

#include "engine/analysis/Anomaly.h"

#include <string>

namespace txs::analysis {

std::string edgeSentence(const DependencyGraph& graph, const Edge& edge); // one edge, no final period
std::string anomalyStory(const DependencyGraph& graph, const Anomaly& anomaly);
std::string badReadStory(const DependencyGraph& graph, const BadRead& read, AnomalyKind kind);

} // namespace txs::analysis
