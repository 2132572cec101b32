#include "widgets/dependencies/DependencyLayout.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace txs::dependencies {

QPointF EdgeLayout::pointAt(double t) const
{
    const double u = 1 - t;
    return u * u * u * p0 + 3 * u * u * t * c1 + 3 * u * t * t * c2 + t * t * t * p3;
}

namespace {

double distanceToSegment(QPointF p, QPointF a, QPointF b)
{
    const QPointF ab = b - a;
    const double len2 = QPointF::dotProduct(ab, ab);
    const double t = len2 > 0 ? std::clamp(QPointF::dotProduct(p - a, ab) / len2, 0.0, 1.0) : 0.0;
    const QPointF d = p - (a + t * ab);
    return std::hypot(d.x(), d.y());
}

} // namespace

std::optional<std::size_t> DependencyLayout::edgeAt(QPointF p, double tolerance) const
{
    constexpr int kSegments = 24;
    std::optional<std::size_t> best;
    double bestDistance = tolerance;
    for (std::size_t i = 0; i < edges.size(); ++i) {
        QPointF previous = edges[i].p0;
        for (int s = 1; s <= kSegments; ++s) {
            const QPointF next = edges[i].pointAt(static_cast<double>(s) / kSegments);
            const double d = distanceToSegment(p, previous, next);
            if (d <= bestDistance) {
                bestDistance = d;
                best = i;
            }
            previous = next;
        }
    }
    return best;
}

std::optional<std::size_t> DependencyLayout::nodeAt(QPointF p) const
{
    for (std::size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].box.contains(p)) return i;
    return std::nullopt;
}

const NodeLayout* DependencyLayout::nodeOf(std::size_t graphNode) const
{
    for (const NodeLayout& n : nodes)
        if (n.node == graphNode) return &n;
    return nullptr;
}

std::vector<std::size_t> nodesToShow(const analysis::DependencyGraph& graph,
                                     const std::vector<std::vector<std::size_t>>& cycles, std::size_t limit)
{
    std::vector<std::size_t> out;
    if (graph.nodes.size() <= limit) {
        for (std::size_t i = 0; i < graph.nodes.size(); ++i)
            out.push_back(i);
        return out;
    }
    for (const auto& cycle : cycles)
        out.insert(out.end(), cycle.begin(), cycle.end());
    if (out.empty()) {
        for (std::size_t i = 0; i < graph.nodes.size(); ++i)
            out.push_back(i);
        std::sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
            return graph.nodes[a].endSeq > graph.nodes[b].endSeq;
        });
        out.resize(limit);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

DependencyLayout layoutDependencies(const analysis::DependencyGraph& graph,
                                    const std::vector<std::size_t>& shownIn, QSizeF room,
                                    const LayoutMetrics& m, const std::vector<std::size_t>& emphasized)
{
    DependencyLayout out;
    std::vector<std::size_t> shown = shownIn;
    if (shown.empty())
        for (std::size_t i = 0; i < graph.nodes.size(); ++i)
            shown.push_back(i);
    if (shown.empty()) return out;
    std::vector<char> isShown(graph.nodes.size(), 0);
    for (std::size_t n : shown)
        isShown[n] = 1;
    auto textWidth = [&](const QString& s) { return m.textWidth ? m.textWidth(s) : 7.0 * s.size(); };

    // Lanes: connections in the order their first shown transaction began (the timeline's order
    // of appearance: setup first, check last).
    std::vector<std::size_t> byBegin = shown;
    std::sort(byBegin.begin(), byBegin.end(), [&](std::size_t a, std::size_t b) {
        return graph.nodes[a].firstSeq < graph.nodes[b].firstSeq;
    });
    std::unordered_map<std::uint32_t, std::size_t> laneOf;
    for (std::size_t n : byBegin) {
        const std::uint32_t c = graph.nodes[n].connection;
        if (laneOf.try_emplace(c, out.lanes.size()).second)
            out.lanes.push_back({c, QString::fromStdString(graph.connectionName(c)), 0, 0});
    }

    // Columns: every begin, end and edge statement of what is shown, in log order.
    std::vector<const analysis::Edge*> edges;
    std::vector<std::size_t> edgeIndex;
    for (std::size_t i = 0; i < graph.edges.size(); ++i) {
        const analysis::Edge& e = graph.edges[i];
        if (isShown[e.from] && isShown[e.to]) {
            edges.push_back(&e);
            edgeIndex.push_back(i);
        }
    }
    std::vector<std::uint64_t> seqs;
    for (std::size_t n : shown) {
        seqs.push_back(graph.nodes[n].firstSeq);
        seqs.push_back(graph.nodes[n].endSeq);
    }
    for (const analysis::Edge* e : edges)
        for (std::uint64_t s : {e->fromSeq, e->toSeq})
            if (s) seqs.push_back(s);
    std::sort(seqs.begin(), seqs.end());
    seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
    auto column = [&](std::uint64_t seq) {
        return static_cast<double>(std::lower_bound(seqs.begin(), seqs.end(), seq) - seqs.begin());
    };

    double labelWidth = m.labelWidth;
    for (const LaneLayout& lane : out.lanes)
        labelWidth = std::max(labelWidth, textWidth(lane.name) + 12);
    const double left = m.margin + labelWidth + m.minBoxWidth / 2;
    const double usable = room.width() - left - m.margin - m.minBoxWidth / 2;
    // The gaps between columns inside an emphasized transaction weigh up to four times the others, so
    // the cycle's boxes are wide and its edges long enough to read (a fisheye on the anomaly).
    // Without the room for that, every gap weighs the same.
    std::vector<double> offset(seqs.size(), 0.0);
    for (double wide : {4.0, 2.5, 1.6, 1.0}) {
        for (std::size_t i = 1; i < seqs.size(); ++i) {
            double w = 1;
            for (std::size_t n : emphasized)
                if (n < graph.nodes.size() && graph.nodes[n].firstSeq <= seqs[i - 1] &&
                    seqs[i] <= graph.nodes[n].endSeq)
                    w = wide;
            offset[i] = offset[i - 1] + w;
        }
        if (usable / std::max(1.0, offset.back()) >= m.minColumnStep) break;
    }
    const double columns = std::max(1.0, offset.back());
    const double step = std::max(m.minColumnStep, usable / columns);
    auto xOf = [&](std::uint64_t seq) {
        return left + offset[std::min(static_cast<std::size_t>(column(seq)), offset.size() - 1)] * step;
    };

    // The arcs of same-lane edges need room above the first lane.
    const double top = m.margin + m.arcHeight * 0.5;
    std::vector<double> weight(out.lanes.size(), 1.0);
    for (std::size_t n : emphasized)
        if (n < graph.nodes.size())
            if (auto it = laneOf.find(graph.nodes[n].connection); it != laneOf.end())
                weight[it->second] = 2.0;
    double weights = 0;
    for (double w : weight)
        weights += w;
    const double unit = std::min(m.laneHeight, (room.height() - top - m.margin) / weights);
    double y = top;
    for (std::size_t i = 0; i < out.lanes.size(); ++i) {
        out.lanes[i].top = y;
        out.lanes[i].height = std::max(m.minLaneHeight, unit * weight[i]);
        y += out.lanes[i].height;
    }

    std::unordered_map<std::size_t, std::size_t> layoutOf; // graph node -> index in out.nodes
    for (std::size_t n : shown) {
        const analysis::TxNode& node = graph.nodes[n];
        const LaneLayout& lane = out.lanes[laneOf[node.connection]];
        const double boxHeight = std::max(m.minLaneHeight, lane.height) * m.boxHeightRatio;
        double x0 = xOf(node.firstSeq) - m.minColumnStep / 3, x1 = xOf(node.endSeq) + m.minColumnStep / 3;
        if (x1 - x0 < m.minBoxWidth) {
            const double mid = (x0 + x1) / 2;
            x0 = mid - m.minBoxWidth / 2;
            x1 = mid + m.minBoxWidth / 2;
        }
        const QRectF box(x0, lane.top + (lane.height - boxHeight) / 2, x1 - x0, boxHeight);
        const QString tx = QStringLiteral("tx %1").arg(node.txId);
        const QString full = lane.name + QStringLiteral(" · ") + tx;
        layoutOf[n] = out.nodes.size();
        out.nodes.push_back({n, box, textWidth(full) + 8 <= box.width() ? full : tx});
    }

    // Edges: from the statement that made them to the one they lead to, leaving and entering the
    // boxes on the sides that face each other. The k-th edge between one pair of boxes bends
    // further, so parallel edges stay apart.
    std::map<std::pair<std::size_t, std::size_t>, int> parallel;
    for (std::size_t i = 0; i < edges.size(); ++i) {
        const analysis::Edge& e = *edges[i];
        const QRectF& from = out.nodes[layoutOf[e.from]].box;
        const QRectF& to = out.nodes[layoutOf[e.to]].box;
        const int k = parallel[{std::min(e.from, e.to), std::max(e.from, e.to)}]++;
        auto xIn = [](const QRectF& box, double x) { return std::clamp(x, box.left() + 3, box.right() - 3); };
        const double fx = xIn(from, e.fromSeq ? xOf(e.fromSeq) : from.center().x());
        const double tx = xIn(to, e.toSeq ? xOf(e.toSeq) : to.center().x());
        EdgeLayout l;
        l.edge = edgeIndex[i];
        if (std::abs(from.center().y() - to.center().y()) < 1) {
            l.p0 = {fx, from.top()};
            l.p3 = {tx, to.top()};
            const double lift = m.arcHeight * (1 + 0.6 * k);
            l.c1 = l.p0 - QPointF(0, lift);
            l.c2 = l.p3 - QPointF(0, lift);
        } else {
            const bool down = to.center().y() > from.center().y();
            l.p0 = {fx, down ? from.bottom() : from.top()};
            l.p3 = {tx, down ? to.top() : to.bottom()};
            const double dy = (l.p3.y() - l.p0.y()) * 0.4;
            const double bend = (k % 2 ? -1.0 : 1.0) * 12.0 * ((k + 1) / 2);
            l.c1 = l.p0 + QPointF(bend, dy);
            l.c2 = l.p3 - QPointF(-bend, dy);
        }
        out.edges.push_back(l);
    }

    out.width = left + columns * step + m.minBoxWidth / 2 + m.margin;
    for (const NodeLayout& n : out.nodes)
        out.width = std::max(out.width, n.box.right() + m.margin);
    out.height = y + m.margin;
    return out;
}

} // namespace txs::dependencies
