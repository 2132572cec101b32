#pragma once
// Draws a dependency graph with DependencyLayout: lanes of connections, transactions as boxes,
// edges as arrows coloured by type. The edges of the highlighted anomaly's cycle are drawn bold
// and labelled (type, table and key), the others faded; hovering an edge tells what it means in
// a sentence; clicking one selects it and emits edgeClicked.

#include "engine/analysis/DependencyGraph.h"
#include "widgets/dependencies/DependencyLayout.h"

#include <QWidget>
#include <optional>

namespace txs::dependencies {

class DependencyGraphView : public QWidget
{
    Q_OBJECT

public:
    explicit DependencyGraphView(QWidget* parent = nullptr);

    // `shown`: the nodes to draw (empty: all); `cycle`: edges (graph indexes) to highlight.
    void setGraph(const analysis::DependencyGraph* graph, std::vector<std::size_t> shown);
    void setHighlight(std::vector<std::size_t> cycleEdges, std::vector<std::size_t> cycleNodes);
    void setSelectedEdge(std::optional<std::size_t> edge);
    std::optional<std::size_t> selectedEdge() const { return selectedEdge_; }
    const DependencyLayout& currentLayout() const { return layout_; }
    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

signals:
    void edgeClicked(std::size_t edge); // index into the graph's edges

protected:
    void paintEvent(QPaintEvent* e) override;
    void resizeEvent(QResizeEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    bool event(QEvent* e) override;
    void changeEvent(QEvent* e) override;

private:
    void relayout();
    LayoutMetrics metrics() const;

    const analysis::DependencyGraph* graph_ = nullptr;
    std::vector<std::size_t> shown_;
    std::vector<std::size_t> cycleEdges_, cycleNodes_;
    std::optional<std::size_t> selectedEdge_;
    DependencyLayout layout_;
    QSize minimum_;
};

} // namespace txs::dependencies
