#pragma once
// Anomalies of a run, named the way Adya and Hermitage name them, each with the transactions,
// the edges of its cycle, the statements that made them, and a story in plain language.
//
// Per strongly connected component of the dependency graph, the most severe class wins and its
// shortest cycle is reported: G0 (a cycle of ww edges), else G1c (ww and wr), else G-single (exactly
// one rw edge: read skew), else G2-item (rw edges on rows read: write skew), else G2 (an rw edge
// found only through a scanned key range: a predicate read). G1a (a read of an aborted write) and
// G1b (of a version its writer replaced before committing) need no cycle.

#include "engine/analysis/DependencyGraph.h"

#include <string>
#include <vector>

namespace txs::analysis {

enum class AnomalyKind : std::uint8_t { G0, G1a, G1b, G1c, GSingle, G2Item, G2 };
const char* anomalyKindName(AnomalyKind kind);  // "G0", "G1a", ..., "G-single", "G2-item", "G2"
const char* anomalyKindTitle(AnomalyKind kind); // "write cycle", ..., "read skew", "write skew"

struct Anomaly
{
    AnomalyKind kind = AnomalyKind::G2Item;
    std::vector<std::size_t> transactions; // nodes of the graph, in cycle order
    std::vector<Edge> edges;               // the cycle, in order (G1a/G1b: the read, as wr)
    std::vector<std::uint64_t> statements; // StatementBegin seqs of the edges' statements, in order, once
    std::string story;
};

struct AnomalyReport
{
    DependencyGraph graph;
    std::vector<Anomaly> anomalies;
    // One line for people: "serializable: graph acyclic (5 transactions, 4 edges)" or what was found.
    std::string verdict() const;
};

std::vector<Anomaly> findAnomalies(const DependencyGraph& graph);

// The whole analysis of a log (DependencyGraph.h for the arguments).
AnomalyReport analyzeEvents(const std::vector<Event>& events, bool mvcc, std::uint64_t untilSeq = UINT64_MAX);
AnomalyReport analyzeEvents(const ChunkedVector<Event>& events, bool mvcc,
                            std::uint64_t untilSeq = UINT64_MAX);

} // namespace txs::analysis
