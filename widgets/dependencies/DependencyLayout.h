#pragma once
// Where the Dependencies panel draws a dependency graph: pixel math only, no painting, so it is
// tested without a screen.
//
// Why not Graphviz's layered layout: it ranks nodes so that edges point down, and the graphs worth
// looking at here are exactly the ones with cycles, which it must break arbitrarily; it also
// places nodes by edge crossings, not by time, so the picture no longer matches the timeline
// beside it. Transactions of one connection never overlap, and what makes an anomaly is which
// transactions overlapped and in which order they read and wrote. So the layout is the timeline's:
// one lane per connection (in the order connections first appear), each transaction a box from
// its first event to its end, and each edge an arrow from the statement of its `from` transaction
// that made it to the statement of its `to` transaction. The x axis is the order of those events
// (one column per begin, end or edge statement), not wall time, so a long setup or an idle pause
// never squeezes the interesting part into a few pixels.
//
// Invariants: lanes do not overlap and keep their order; every node lies inside its lane; a box's left edge
// is at its first event's column and its right edge at its end's (at least minBoxWidth wide); columns
// increase with seq.

#include "engine/analysis/DependencyGraph.h"

#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QString>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace txs::dependencies {

struct LayoutMetrics
{
    double labelWidth = 90;    // the lane names' column at the left
    double laneHeight = 40;    // preferred; shrinks to fit the height, down to minLaneHeight
    double minLaneHeight = 22; // below this the lanes overflow the height (the view scrolls)
    double boxHeightRatio = 0.5;
    double minBoxWidth = 36;
    double margin = 10;        // around the drawing
    double arcHeight = 18;     // how far an edge between two boxes of one lane bulges above it
    double minColumnStep = 16; // below this the columns overflow the width (the view scrolls)
    // The width of a label in the view's font; the default guesses 7 pixels a character.
    std::function<double(const QString&)> textWidth;
};

struct LaneLayout
{
    std::uint32_t connection = 0;
    QString name;
    double top = 0, height = 0;
};

struct NodeLayout
{
    std::size_t node = 0; // index into DependencyGraph::nodes
    QRectF box;
    QString label; // "Alice · tx 7", or "tx 7" when the box is too narrow for the name
};

// A cubic Bézier from p0 to p3 with controls c1, c2; the arrowhead is at p3.
struct EdgeLayout
{
    std::size_t edge = 0; // index into DependencyGraph::edges
    QPointF p0, c1, c2, p3;
    QPointF pointAt(double t) const;
    QPointF labelAnchor() const { return pointAt(0.5); }
};

struct DependencyLayout
{
    std::vector<LaneLayout> lanes;
    std::vector<NodeLayout> nodes; // only those shown (see `shown`)
    std::vector<EdgeLayout> edges; // between shown nodes
    double width = 0, height = 0;  // the drawing's size (may exceed the room given: the view scrolls)

    // The edge drawn nearest to `p`, within `tolerance` pixels; none when no edge is that near.
    std::optional<std::size_t> edgeAt(QPointF p, double tolerance = 6) const; // index into `edges`
    std::optional<std::size_t> nodeAt(QPointF p) const;                       // index into `nodes`
    const NodeLayout* nodeOf(std::size_t graphNode) const;
};

// `shown`: the graph's nodes to draw (empty: all). `room`: the size available. The lanes of the
// `emphasized` nodes (an anomaly's cycle) get twice the height of the others, so the edges
// between them have room to be seen and labelled.
DependencyLayout layoutDependencies(const analysis::DependencyGraph& graph,
                                    const std::vector<std::size_t>& shown, QSizeF room,
                                    const LayoutMetrics& metrics = {},
                                    const std::vector<std::size_t>& emphasized = {});

// Which nodes to draw when the graph is large: all up to `limit`; beyond, those of the anomalies'
// cycles (and the readers of bad reads), or, when there is none, the `limit` that ended last.
std::vector<std::size_t> nodesToShow(const analysis::DependencyGraph& graph,
                                     const std::vector<std::vector<std::size_t>>& cycles, std::size_t limit);

} // namespace txs::dependencies
