#include "engine/analysis/Anomaly.h"

#include "engine/analysis/AnomalyStory.h"
#include "engine/analysis/Cycles.h"

#include <algorithm>

namespace txs::analysis {

const char* anomalyKindName(AnomalyKind kind)
{
    switch (kind) {
    case AnomalyKind::G0:
        return "G0";
    case AnomalyKind::G1a:
        return "G1a";
    case AnomalyKind::G1b:
        return "G1b";
    case AnomalyKind::G1c:
        return "G1c";
    case AnomalyKind::GSingle:
        return "G-single";
    case AnomalyKind::G2Item:
        return "G2-item";
    case AnomalyKind::G2:
        return "G2";
    }
    return "?";
}

const char* anomalyKindTitle(AnomalyKind kind)
{
    switch (kind) {
    case AnomalyKind::G0:
        return "write cycle";
    case AnomalyKind::G1a:
        return "aborted read";
    case AnomalyKind::G1b:
        return "intermediate read";
    case AnomalyKind::G1c:
        return "circular information flow";
    case AnomalyKind::GSingle:
        return "read skew";
    case AnomalyKind::G2Item:
        return "write skew";
    case AnomalyKind::G2:
        return "anti-dependency cycle with a predicate read";
    }
    return "?";
}

namespace {

// A component can be large (a long run with many retries); searching from every node would cost
// its size squared. The cycle reported is the shortest among these starts.
constexpr std::size_t maxStarts = 64;

Anomaly fromCycle(const DependencyGraph& graph, AnomalyKind kind, const std::vector<std::size_t>& cycle)
{
    Anomaly a;
    a.kind = kind;
    for (std::size_t e : cycle) {
        a.edges.push_back(graph.edges[e]);
        a.transactions.push_back(graph.edges[e].from);
    }
    // Start the story with the transaction that began first: the timeline's order.
    auto first = std::min_element(a.transactions.begin(), a.transactions.end());
    const auto shift = first - a.transactions.begin();
    std::rotate(a.transactions.begin(), a.transactions.begin() + shift, a.transactions.end());
    std::rotate(a.edges.begin(), a.edges.begin() + shift, a.edges.end());
    for (const Edge& e : a.edges)
        for (std::uint64_t seq : {e.fromSeq, e.toSeq})
            if (seq && std::find(a.statements.begin(), a.statements.end(), seq) == a.statements.end())
                a.statements.push_back(seq);
    std::sort(a.statements.begin(), a.statements.end());
    a.story = anomalyStory(graph, a);
    return a;
}

std::vector<std::size_t> shortestCycle(const IndexGraph& ig, const std::vector<std::size_t>& component,
                                       const std::vector<char>& in,
                                       const std::function<bool(std::size_t)>& allowed)
{
    std::vector<std::size_t> best;
    for (std::size_t i = 0; i < component.size() && i < maxStarts; ++i) {
        auto cycle = shortestPath(ig, component[i], component[i], in, allowed);
        if (!cycle.empty() && (best.empty() || cycle.size() < best.size())) best = std::move(cycle);
        if (best.size() == 2) break; // nothing shorter exists
    }
    return best;
}

} // namespace

std::vector<Anomaly> findAnomalies(const DependencyGraph& graph)
{
    std::vector<Anomaly> result;
    for (const BadRead& r : graph.badReads) {
        Anomaly a;
        a.kind = r.kind == BadRead::Kind::Aborted ? AnomalyKind::G1a : AnomalyKind::G1b;
        a.transactions = {r.reader};
        a.statements = {r.writeSeq, r.readSeq};
        std::sort(a.statements.begin(), a.statements.end());
        a.story = badReadStory(graph, r, a.kind);
        result.push_back(std::move(a));
    }

    IndexGraph ig;
    ig.nodes = graph.nodes.size();
    ig.out.resize(ig.nodes);
    for (std::size_t e = 0; e < graph.edges.size(); ++e) {
        ig.out[graph.edges[e].from].push_back(e);
        ig.source.push_back(graph.edges[e].from);
        ig.target.push_back(graph.edges[e].to);
    }
    std::vector<char> in(ig.nodes, 0);
    for (const auto& component : stronglyConnectedComponents(ig)) {
        for (std::size_t n : component)
            in[n] = 1;
        const auto type = [&](std::size_t e) { return graph.edges[e].type; };
        auto cycle = shortestCycle(ig, component, in, [&](std::size_t e) { return type(e) == EdgeType::WW; });
        AnomalyKind kind = AnomalyKind::G0;
        if (cycle.empty()) {
            kind = AnomalyKind::G1c;
            cycle = shortestCycle(ig, component, in, [&](std::size_t e) { return type(e) != EdgeType::RW; });
        }
        if (cycle.empty()) {
            // Exactly one rw edge: close each rw edge of the component with ww/wr edges only.
            kind = AnomalyKind::GSingle;
            std::size_t tried = 0;
            for (std::size_t n : component) {
                for (std::size_t e : ig.out[n]) {
                    if (type(e) != EdgeType::RW || !in[ig.target[e]] || ++tried > maxStarts * 4) continue;
                    auto back = shortestPath(ig, ig.target[e], n, in,
                                             [&](std::size_t x) { return type(x) != EdgeType::RW; });
                    if (back.empty() || (!cycle.empty() && back.size() + 1 >= cycle.size())) continue;
                    cycle = {e};
                    cycle.insert(cycle.end(), back.begin(), back.end());
                }
            }
        }
        if (cycle.empty()) {
            kind = AnomalyKind::G2Item;
            cycle =
                shortestCycle(ig, component, in, [&](std::size_t e) { return !graph.edges[e].predicate; });
        }
        if (cycle.empty()) {
            kind = AnomalyKind::G2;
            cycle = shortestCycle(ig, component, in, [](std::size_t) { return true; });
        }
        if (!cycle.empty()) result.push_back(fromCycle(graph, kind, cycle));
        for (std::size_t n : component)
            in[n] = 0;
    }
    return result;
}

std::string AnomalyReport::verdict() const
{
    const std::string size = std::to_string(graph.nodes.size()) + " transactions, " +
                             std::to_string(graph.edges.size()) + " edges";
    if (anomalies.empty()) {
        if (graph.exact) return "serializable: graph acyclic (" + size + ")";
        return "serializable: graph acyclic (" + size +
               "; SQLite runs one writer at a time; which rows each read is not traced)";
    }
    std::string kinds;
    for (const Anomaly& a : anomalies) {
        if (!kinds.empty()) kinds += ", ";
        kinds += anomalyKindName(a.kind);
    }
    return "not serializable: " + std::to_string(anomalies.size()) + " anomal" +
           (anomalies.size() == 1 ? "y" : "ies") + " (" + kinds + "; " + size + ")";
}

AnomalyReport analyzeEvents(const std::vector<Event>& events, bool mvcc, std::uint64_t untilSeq)
{
    AnomalyReport report;
    report.graph = buildDependencyGraph(events, mvcc, untilSeq);
    report.anomalies = findAnomalies(report.graph);
    return report;
}

AnomalyReport analyzeEvents(const ChunkedVector<Event>& events, bool mvcc, std::uint64_t untilSeq)
{
    AnomalyReport report;
    report.graph = buildDependencyGraph(events, mvcc, untilSeq);
    report.anomalies = findAnomalies(report.graph);
    return report;
}

} // namespace txs::analysis
