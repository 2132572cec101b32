#include "widgets/dependencies/DependenciesPanel.h"

#include "widgets/dependencies/AnomalyListModel.h"
#include "widgets/dependencies/DependencyColors.h"
#include "widgets/dependencies/DependencyGraphView.h"
#include "widgets/dependencies/DependencySource.h"

#include <QCheckBox>
#include <QEvent>
#include <QLabel>
#include <QListView>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

namespace txs::dependencies {

namespace {

// Past this many transactions the graph shows those of the anomalies (or the latest ones):
// thousands of boxes tell nothing.
constexpr std::size_t kMaxShownNodes = 60;

// The graph's index of an anomaly's edge (the anomaly keeps copies).
std::optional<std::size_t> edgeIndex(const analysis::DependencyGraph& g, const analysis::Edge& e)
{
    for (std::size_t i = 0; i < g.edges.size(); ++i) {
        const analysis::Edge& x = g.edges[i];
        if (x.from == e.from && x.to == e.to && x.type == e.type) return i;
    }
    return std::nullopt;
}

} // namespace

DependenciesPanel::DependenciesPanel(models::SessionLog* session, QWidget* parent)
    : QWidget(parent), source_(new DependencySource(session, this)),
      anomalies_(new AnomalyListModel(source_, this)), graph_(new DependencyGraphView(this)),
      verdict_(new QLabel(this)), legend_(new QLabel(this)),
      cycleOnly_(new QCheckBox("Only the cycle", this)), story_(new QLabel(this)),
      anomalyView_(new QListView(this)), graphScroll_(new QScrollArea(this)), side_(new QWidget(this)),
      split_(new QSplitter(Qt::Horizontal, this))
{
    verdict_->setObjectName("dependenciesVerdict");
    verdict_->setWordWrap(true);
    verdict_->setTextFormat(Qt::PlainText);
    legend_->setObjectName("dependenciesLegend");
    legend_->setTextFormat(Qt::RichText);
    story_->setObjectName("anomalyStory");
    story_->setWordWrap(true);
    story_->setTextFormat(Qt::PlainText);
    story_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    story_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    anomalyView_->setObjectName("anomalyList");
    anomalyView_->setModel(anomalies_);
    anomalyView_->setSelectionMode(QAbstractItemView::SingleSelection);
    anomalyView_->setWordWrap(true);
    graph_->setObjectName("dependencyGraph");
    graphScroll_->setWidget(graph_);
    graphScroll_->setWidgetResizable(true);
    graphScroll_->setFrameShape(QFrame::NoFrame);

    auto* storyScroll = new QScrollArea(side_);
    storyScroll->setWidget(story_);
    storyScroll->setWidgetResizable(true);
    storyScroll->setFrameShape(QFrame::NoFrame);
    cycleOnly_->setObjectName("cycleOnly");
    cycleOnly_->setToolTip("Draw only the transactions of the selected anomaly's cycle");
    connect(cycleOnly_, &QCheckBox::toggled, this, [this] {
        userChoseCycleOnly_ = true;
        showAnomaly(anomalyView_->currentIndex().isValid() ? anomalyView_->currentIndex().row() : -1);
    });
    graphScroll_->installEventFilter(this);
    auto* sideLayout = new QVBoxLayout(side_);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(cycleOnly_);
    sideLayout->addWidget(anomalyView_, 1);
    sideLayout->addWidget(storyScroll, 3);
    // The legend under the graph it explains, so the sentence above has the panel's width.
    auto* graphColumn = new QWidget(this);
    auto* graphLayout = new QVBoxLayout(graphColumn);
    graphLayout->setContentsMargins(0, 0, 0, 0);
    graphLayout->setSpacing(2);
    graphLayout->addWidget(graphScroll_, 1);
    graphLayout->addWidget(legend_);
    split_->addWidget(graphColumn);
    split_->addWidget(side_);
    split_->setStretchFactor(0, 3);
    split_->setStretchFactor(1, 2);
    // The story reads in lines of thirty characters or more.
    side_->setMinimumWidth(fontMetrics().averageCharWidth() * 30);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(verdict_);
    layout->addWidget(split_, 1);

    connect(source_, &DependencySource::reportChanged, this, &DependenciesPanel::onReportChanged);
    connect(anomalyView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { showAnomaly(current.isValid() ? current.row() : -1); });
    connect(graph_, &DependencyGraphView::edgeClicked, this, [this](std::size_t edge) {
        const auto& g = source_->report().graph;
        if (edge < g.edges.size()) emit statementsPicked(g.edges[edge].fromSeq, g.edges[edge].toSeq);
    });
    updateLegend();
    onReportChanged();
}

QString DependenciesPanel::verdictText() const
{
    return verdict_->text();
}

QString DependenciesPanel::storyText() const
{
    return story_->text();
}

void DependenciesPanel::onReportChanged()
{
    const auto& report = source_->report();
    const int previous = anomalyView_->currentIndex().isValid() ? anomalyView_->currentIndex().row() : 0;
    std::vector<std::vector<std::size_t>> cycles;
    for (const auto& a : report.anomalies)
        cycles.push_back(a.transactions);
    const auto shown = nodesToShow(report.graph, cycles, kMaxShownNodes);

    const std::size_t n = report.graph.nodes.size();
    QString text;
    if (!source_->exact()) {
        text = "No dependency graph for this run: its trace does not say which rows each transaction read "
               "(SQLite records no reads), so no read or anti-dependency can be derived. SQLite lets one "
               "writer commit at a time, so what it runs is serializable. Choose MVCC as the engine to see "
               "who read what from whom.";
    } else if (source_->overLimit()) {
        text = QString("No graph for a run this long: it passed %L1 events the analysis reads, more "
                       "transactions than a graph can show. txscope-cli run FILE --anomalies analyzes "
                       "the whole run.")
                   .arg(static_cast<qulonglong>(DependencySource::kMaxKeptEvents));
    } else if (n == 0) {
        text =
            "No transaction has committed by this instant. Run the workload (F5) or step through it (F10): "
            "each committed transaction appears here with what it read from and overwrote of the others.";
    } else if (report.anomalies.empty()) {
        text =
            QString("No anomaly: the graph is acyclic. Running these %1 transactions one after another, in "
                    "some order, gives the same result.")
                .arg(n);
    } else {
        QStringList kinds;
        for (const auto& a : report.anomalies)
            kinds << QString("%1 (%2)").arg(analysis::anomalyKindName(a.kind),
                                            analysis::anomalyKindTitle(a.kind));
        text =
            QString(
                "Not serializable: %1. Its cycle is drawn bold; click an edge to select its two statements.")
                .arg(kinds.join(", "));
    }
    if (shown.size() < n)
        text += QString(" Showing %1 of the %2 transactions: %3.")
                    .arg(shown.size())
                    .arg(n)
                    .arg(report.anomalies.empty() ? "those that ended last" : "those of the anomalies");
    verdict_->setText(text);
    split_->setVisible(source_->exact() && n > 0);
    legend_->setVisible(source_->exact() && n > 0);
    const bool storyShown = !report.anomalies.empty();
    if (storyShown && side_->isHidden()) {
        // A splitter gives a widget shown again the size it had hidden (none): the story gets
        // two fifths again.
        side_->show();
        const int w = std::max(split_->width(), 500);
        split_->setSizes({w * 3 / 5, w * 2 / 5});
    }
    side_->setVisible(storyShown);
    // One anomaly needs no list to choose from: its story gets the room.
    anomalyView_->setVisible(report.anomalies.size() > 1);
    const int row = report.anomalies.empty()
                        ? -1
                        : std::clamp(previous, 0, static_cast<int>(report.anomalies.size()) - 1);
    {
        const QSignalBlocker quiet(anomalyView_->selectionModel());
        anomalyView_->setCurrentIndex(anomalies_->index(row));
    }
    showAnomaly(row);
}

void DependenciesPanel::setCycleOnly(bool only)
{
    cycleOnly_->setChecked(only);
    userChoseCycleOnly_ = true;
}

// The nodes to draw: the selected anomaly's with "Only the cycle", else all (or, in a large
// graph, those of every anomaly, or the latest). The caller highlights the cycle after.
void DependenciesPanel::showGraph()
{
    const auto& report = source_->report();
    const QModelIndex current = anomalyView_->currentIndex();
    const bool anomaly =
        current.isValid() && static_cast<std::size_t>(current.row()) < report.anomalies.size();
    std::vector<std::vector<std::size_t>> cycles;
    for (const auto& a : report.anomalies)
        cycles.push_back(a.transactions);
    graph_->setGraph(&report.graph, nodesToShow(report.graph, cycles, kMaxShownNodes));
    // Until the user chooses, a graph whose lanes do not fit the panel's height (a projector's
    // large font, a short dock) shows only the cycle: the anomaly must be seen without scrolling.
    if (!userChoseCycleOnly_) {
        const QSignalBlocker quiet(cycleOnly_);
        cycleOnly_->setChecked(anomaly && graph_->minimumSizeHint().height() > graphScroll_->height());
    }
    if (cycleOnly_->isChecked() && anomaly)
        graph_->setGraph(&report.graph,
                         report.anomalies[static_cast<std::size_t>(current.row())].transactions);
}

bool DependenciesPanel::eventFilter(QObject* watched, QEvent* e)
{
    if (watched == graphScroll_ && e->type() == QEvent::Resize && !userChoseCycleOnly_) {
        // The anomaly selected when it runs (the report may change before).
        QTimer::singleShot(0, this, [this] {
            showAnomaly(anomalyView_->currentIndex().isValid() ? anomalyView_->currentIndex().row() : -1);
        });
    }
    return QWidget::eventFilter(watched, e);
}

void DependenciesPanel::selectAnomaly(int row)
{
    anomalyView_->setCurrentIndex(anomalies_->index(row));
    showAnomaly(row);
}

void DependenciesPanel::showAnomaly(int row)
{
    const auto& report = source_->report();
    showGraph();
    if (row < 0 || static_cast<std::size_t>(row) >= report.anomalies.size()) {
        graph_->setHighlight({}, {});
        story_->clear();
        return;
    }
    const analysis::Anomaly& a = report.anomalies[static_cast<std::size_t>(row)];
    std::vector<std::size_t> edges;
    for (const analysis::Edge& e : a.edges)
        if (const auto i = edgeIndex(report.graph, e)) edges.push_back(*i);
    graph_->setHighlight(std::move(edges), a.transactions);
    story_->setText(QString::fromStdString(a.story));
}

void DependenciesPanel::updateLegend()
{
    const DependencyColors c = DependencyColors::fromPalette(palette());
    auto item = [](const QColor& colour, const QString& dash, const QString& name, const QString& meaning) {
        return QString("<span style='color:%1'><b>%2</b></span>&nbsp;<span title='%4'>%3</span>")
            .arg(colour.name(), dash, name, meaning);
    };
    legend_->setText(
        item(c.ww, "━━", "ww", "wrote the next version of a row the other wrote") + "&nbsp;&nbsp; " +
        item(c.wr, "━━", "wr", "read a version the other wrote") + "&nbsp;&nbsp; " +
        item(c.rw, "━━", "rw", "read a version the other then replaced (anti-dependency)") + "&nbsp;&nbsp; " +
        item(c.predicate, "╍╍", "rw predicate", "the other wrote a row inside a range it scanned"));
    legend_->setToolTip("ww: wrote the next version of a row the other wrote\n"
                        "wr: read a version the other wrote\n"
                        "rw: read a version the other then replaced (anti-dependency)\n"
                        "rw predicate: the other wrote a row inside a range it scanned");
}

void DependenciesPanel::changeEvent(QEvent* e)
{
    QWidget::changeEvent(e);
    if (e->type() == QEvent::PaletteChange) updateLegend();
}

} // namespace txs::dependencies
