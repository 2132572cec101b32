#include "widgets/dependencies/DependencyGraphView.h"

#include "engine/analysis/AnomalyStory.h"
#include "widgets/dependencies/DependencyColors.h"

#include <QEvent>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace txs::dependencies {

namespace {

bool contains(const std::vector<std::size_t>& v, std::size_t x)
{
    return std::find(v.begin(), v.end(), x) != v.end();
}

QString edgeLabel(const analysis::DependencyGraph& g, const analysis::Edge& e)
{
    QString type = QString::fromLatin1(analysis::edgeTypeName(e.type));
    if (e.predicate) type += QStringLiteral(" (predicate)");
    if (!e.table) return type;
    return QStringLiteral("%1 · %2 row %3")
        .arg(type, QString::fromStdString(g.tableName(e.table)))
        .arg(e.key);
}

void drawArrow(QPainter& p, const EdgeLayout& l, const QColor& colour, double width, Qt::PenStyle style)
{
    QPainterPath path(l.p0);
    path.cubicTo(l.c1, l.c2, l.p3);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(colour, width, style, Qt::RoundCap));
    p.drawPath(path);
    // The head points along the curve's last stretch.
    QPointF dir = l.p3 - l.pointAt(0.9);
    const double len = std::hypot(dir.x(), dir.y());
    if (len < 1e-6) return;
    dir /= len;
    const QPointF normal(-dir.y(), dir.x());
    const double size = 5 + width * 1.6;
    const QPointF base = l.p3 - dir * size;
    p.setPen(Qt::NoPen);
    p.setBrush(colour);
    p.drawPolygon(QPolygonF({l.p3, base + normal * size * 0.5, base - normal * size * 0.5}));
}

} // namespace

DependencyGraphView::DependencyGraphView(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

LayoutMetrics DependencyGraphView::metrics() const
{
    LayoutMetrics m;
    const QFontMetricsF fm(font());
    const double line = fm.height();
    m.laneHeight = line * 4.5;
    m.minLaneHeight = line * 1.8;
    m.minBoxWidth = fm.horizontalAdvance(QStringLiteral("tx 000")) + 10;
    m.minColumnStep = line * 1.1;
    m.arcHeight = line * 1.4;
    m.labelWidth = fm.horizontalAdvance(QStringLiteral("connection")) + 12;
    const QFont f = font();
    m.textWidth = [f](const QString& s) { return QFontMetricsF(f).horizontalAdvance(s); };
    return m;
}

void DependencyGraphView::setGraph(const analysis::DependencyGraph* graph, std::vector<std::size_t> shown)
{
    graph_ = graph;
    shown_ = std::move(shown);
    selectedEdge_.reset();
    relayout();
}

void DependencyGraphView::setHighlight(std::vector<std::size_t> cycleEdges,
                                       std::vector<std::size_t> cycleNodes)
{
    cycleEdges_ = std::move(cycleEdges);
    cycleNodes_ = std::move(cycleNodes);
    relayout(); // the cycle's lanes get more room
}

void DependencyGraphView::setSelectedEdge(std::optional<std::size_t> edge)
{
    selectedEdge_ = edge;
    update();
}

void DependencyGraphView::relayout()
{
    if (!graph_ || graph_->nodes.empty()) {
        layout_ = {};
        minimum_ = {};
    } else {
        const auto m = metrics();
        const DependencyLayout smallest = layoutDependencies(*graph_, shown_, QSizeF(0, 0), m, cycleNodes_);
        minimum_ =
            QSize(static_cast<int>(std::ceil(smallest.width)), static_cast<int>(std::ceil(smallest.height)));
        layout_ = layoutDependencies(*graph_, shown_, QSizeF(size()), m, cycleNodes_);
    }
    updateGeometry();
    update();
}

QSize DependencyGraphView::minimumSizeHint() const
{
    return minimum_;
}

// What it asks of a splitter: room for a small graph; a larger one scrolls.
QSize DependencyGraphView::sizeHint() const
{
    return QSize(400, 160);
}

void DependencyGraphView::resizeEvent(QResizeEvent* e)
{
    QWidget::resizeEvent(e);
    if (graph_ && !graph_->nodes.empty())
        layout_ = layoutDependencies(*graph_, shown_, QSizeF(size()), metrics(), cycleNodes_);
}

void DependencyGraphView::changeEvent(QEvent* e)
{
    QWidget::changeEvent(e);
    if (e->type() == QEvent::FontChange || e->type() == QEvent::PaletteChange) relayout();
}

void DependencyGraphView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const DependencyColors c = DependencyColors::fromPalette(palette());
    p.fillRect(rect(), c.background);
    if (!graph_ || layout_.nodes.empty()) return;
    const QFontMetricsF fm(font());

    for (std::size_t i = 0; i < layout_.lanes.size(); ++i) {
        const LaneLayout& lane = layout_.lanes[i];
        const QRectF band(0, lane.top, width(), lane.height);
        if (i % 2) p.fillRect(band, c.zebra);
        p.setPen(c.text);
        p.drawText(QRectF(6, lane.top, band.width(), lane.height), Qt::AlignVCenter | Qt::AlignLeft,
                   lane.name);
    }

    const bool focused = !cycleEdges_.empty();
    // Edges under the boxes, faded ones first, so the cycle is drawn on top.
    for (int pass = 0; pass < 2; ++pass) {
        for (const EdgeLayout& l : layout_.edges) {
            const analysis::Edge& e = graph_->edges[l.edge];
            const bool strong = contains(cycleEdges_, l.edge) || selectedEdge_ == l.edge;
            if (strong != (pass == 1)) continue;
            QColor colour = c.of(e);
            if (focused && !strong) colour.setAlphaF(0.35);
            const Qt::PenStyle style = e.predicate ? Qt::DashLine : Qt::SolidLine;
            if (selectedEdge_ == l.edge) drawArrow(p, l, c.text, 6.5, Qt::SolidLine);
            drawArrow(p, l, colour, strong ? 3.2 : 1.6, style);
        }
    }

    for (const NodeLayout& n : layout_.nodes) {
        const bool inCycle = contains(cycleNodes_, n.node);
        p.setPen(QPen(inCycle ? c.cycle : c.boxBorder, inCycle ? 2.5 : 1));
        p.setBrush(c.box);
        p.drawRoundedRect(n.box, 4, 4);
        p.setPen(c.text);
        const QString text = fm.elidedText(n.label, Qt::ElideRight, n.box.width() - 4);
        p.drawText(n.box, Qt::AlignCenter, text);
    }

    // The highlighted edges' labels, on a background pill so they read over lines and lanes; a
    // label that would cover one placed before moves right of it (two edges crossing in an X
    // have their middles at one place).
    std::vector<QRectF> placed;
    for (const EdgeLayout& l : layout_.edges) {
        if (!contains(cycleEdges_, l.edge) && selectedEdge_ != l.edge) continue;
        const analysis::Edge& e = graph_->edges[l.edge];
        const QString label = edgeLabel(*graph_, e);
        const QSizeF size(fm.horizontalAdvance(label) + 10, fm.height() + 2);
        QRectF pill(l.labelAnchor() - QPointF(size.width() / 2, size.height() / 2), size);
        pill.moveLeft(std::clamp(pill.left(), 0.0, std::max(0.0, width() - pill.width())));
        for (bool moved = true; moved;) {
            moved = false;
            for (const QRectF& other : placed)
                if (pill.intersects(other)) {
                    pill.moveLeft(other.right() + 4);
                    moved = true;
                }
        }
        placed.push_back(pill);
        p.setPen(QPen(c.of(e), 1.5));
        p.setBrush(c.background);
        p.drawRoundedRect(pill, size.height() / 2, size.height() / 2);
        p.setPen(c.text);
        p.drawText(pill, Qt::AlignCenter, label);
    }
}

void DependencyGraphView::mousePressEvent(QMouseEvent* e)
{
    if (e->button() != Qt::LeftButton) return QWidget::mousePressEvent(e);
    const auto hit = layout_.edgeAt(e->position());
    if (!hit) return;
    const std::size_t edge = layout_.edges[*hit].edge;
    setSelectedEdge(edge);
    emit edgeClicked(edge);
}

bool DependencyGraphView::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip && graph_) {
        auto* help = static_cast<QHelpEvent*>(e);
        if (const auto hit = layout_.edgeAt(help->pos())) {
            const analysis::Edge& edge = graph_->edges[layout_.edges[*hit].edge];
            QToolTip::showText(help->globalPos(),
                               QString::fromStdString(analysis::edgeSentence(*graph_, edge)) +
                                   QStringLiteral(".\nClick to select its two statements."),
                               this);
        } else if (const auto node = layout_.nodeAt(help->pos())) {
            QToolTip::showText(help->globalPos(),
                               QString::fromStdString(graph_->txLabel(layout_.nodes[*node].node)), this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(e);
}

} // namespace txs::dependencies
