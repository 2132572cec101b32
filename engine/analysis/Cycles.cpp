#include "engine/analysis/Cycles.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <unordered_map>

namespace txs::analysis {

std::vector<std::vector<std::size_t>> stronglyConnectedComponents(const IndexGraph& g)
{
    constexpr std::size_t unvisited = std::numeric_limits<std::size_t>::max();
    std::vector<std::size_t> index(g.nodes, unvisited), low(g.nodes, 0);
    std::vector<char> onStack(g.nodes, 0);
    std::vector<std::size_t> stack;
    std::vector<std::pair<std::size_t, std::size_t>> call; // (node, next out-edge position)
    std::vector<std::vector<std::size_t>> result;
    std::size_t counter = 0;
    for (std::size_t root = 0; root < g.nodes; ++root) {
        if (index[root] != unvisited) continue;
        call.push_back({root, 0});
        index[root] = low[root] = counter++;
        stack.push_back(root);
        onStack[root] = 1;
        while (!call.empty()) {
            auto& [v, pos] = call.back();
            if (pos < g.out[v].size()) {
                const std::size_t w = g.target[g.out[v][pos++]];
                if (index[w] == unvisited) {
                    index[w] = low[w] = counter++;
                    stack.push_back(w);
                    onStack[w] = 1;
                    call.push_back({w, 0});
                } else if (onStack[w]) {
                    low[v] = std::min(low[v], index[w]);
                }
                continue;
            }
            const std::size_t done = v;
            call.pop_back();
            if (!call.empty()) low[call.back().first] = std::min(low[call.back().first], low[done]);
            if (low[done] != index[done]) continue;
            std::vector<std::size_t> component;
            std::size_t w;
            do {
                w = stack.back();
                stack.pop_back();
                onStack[w] = 0;
                component.push_back(w);
            } while (w != done);
            if (component.size() > 1) {
                std::sort(component.begin(), component.end());
                result.push_back(std::move(component));
            }
        }
    }
    return result;
}

std::vector<std::size_t> shortestPath(const IndexGraph& g, std::size_t from, std::size_t to,
                                      const std::vector<char>& inComponent,
                                      const std::function<bool(std::size_t)>& allowed)
{
    // Breadth first; via[n] is the edge that first reached n. Hash maps, not arrays over every
    // node: only the component is touched, so one search costs what the component costs.
    std::unordered_map<std::size_t, std::size_t> via;
    std::deque<std::size_t> queue{from};
    std::size_t closing = std::numeric_limits<std::size_t>::max();
    while (!queue.empty() && closing == std::numeric_limits<std::size_t>::max()) {
        const std::size_t v = queue.front();
        queue.pop_front();
        for (std::size_t e : g.out[v]) {
            const std::size_t w = g.target[e];
            if (!inComponent[w] || !allowed(e)) continue;
            if (w == to) {
                closing = e;
                break;
            }
            if (w == from || !via.try_emplace(w, e).second) continue;
            queue.push_back(w);
        }
    }
    if (closing == std::numeric_limits<std::size_t>::max()) return {};
    std::vector<std::size_t> path{closing};
    for (std::size_t n = g.source[closing]; n != from; n = g.source[path.back()])
        path.push_back(via.at(n));
    std::reverse(path.begin(), path.end());
    return path;
}

} // namespace txs::analysis
