#pragma once
// Cycles of a directed graph: strongly connected components (Tarjan) and the shortest cycle
// inside one component that uses only some edges. Plain index graphs, no knowledge of anomalies.

#include <cstddef>
#include <functional>
#include <vector>

namespace txs::analysis {

struct IndexGraph
{
    std::size_t nodes = 0;
    // out[n]: indexes of the edges leaving n; source[e], target[e]: where edge e starts and goes.
    std::vector<std::vector<std::size_t>> out;
    std::vector<std::size_t> source, target;
};

// Components with more than one node (a graph without self-loops has no other cycles), each
// sorted ascending. Iterative: a run's graph may be deep.
std::vector<std::vector<std::size_t>> stronglyConnectedComponents(const IndexGraph& g);

// The shortest path of edges from `from` to `to` (from == to: the shortest cycle through it)
// using only nodes with inComponent[n] and edges with allowed(e). Empty when there is none.
std::vector<std::size_t> shortestPath(const IndexGraph& g, std::size_t from, std::size_t to,
                                      const std::vector<char>& inComponent,
                                      const std::function<bool(std::size_t)>& allowed);

} // namespace txs::analysis
