// The Dependencies panel: its layout (plain pixel math, no screen), the anomaly list under
// QAbstractItemModelTester through time travel, and the panel itself on a real write-skew run
// (its cycle highlighted, clicking an edge asks for the edge's two statements), an acyclic run
// and a run whose reads are not known (SQLite).

#include "engine/analysis/Anomaly.h"
#include "tests/widgets/support/RecordedRun.h"
#include "widgets/dependencies/AnomalyListModel.h"
#include "widgets/dependencies/DependenciesPanel.h"
#include "widgets/dependencies/DependencyGraphView.h"
#include "widgets/dependencies/DependencyLayout.h"
#include "widgets/dependencies/DependencySource.h"
#include "widgets/models/SessionLog.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QListView>
#include <QSignalSpy>
#include <QTest>

using namespace txs;
using namespace txs::dependencies;

namespace {

// Write skew in its smallest form: T1 and T2 each read both rows and write the other one.
const char* kWriteSkew = R"(journal_mode: mvcc
setup:
  CREATE TABLE t (id INTEGER PRIMARY KEY, v INT);
  INSERT INTO t VALUES (1, 10), (2, 20);
T1: BEGIN CONCURRENT;
T2: BEGIN CONCURRENT;
T1: SELECT v FROM t WHERE id = 2;
T2: SELECT v FROM t WHERE id = 1;
T1: UPDATE t SET v = 11 WHERE id = 1;
T2: UPDATE t SET v = 22 WHERE id = 2;
T1: COMMIT;
T2: COMMIT;
)";

// The same transactions one after the other: serializable.
const char* kSerial = R"(journal_mode: mvcc
setup:
  CREATE TABLE t (id INTEGER PRIMARY KEY, v INT);
  INSERT INTO t VALUES (1, 10), (2, 20);
T1: BEGIN CONCURRENT;
T1: SELECT v FROM t WHERE id = 2;
T1: UPDATE t SET v = 11 WHERE id = 1;
T1: COMMIT;
T2: BEGIN CONCURRENT;
T2: SELECT v FROM t WHERE id = 1;
T2: UPDATE t SET v = 22 WHERE id = 2;
T2: COMMIT;
)";

std::shared_ptr<TraceLog> logOf(const std::vector<Event>& events)
{
    auto log = std::make_shared<TraceLog>();
    for (Event e : events)
        log->append(std::move(e));
    return log;
}

const analysis::Edge* rwEdge(const analysis::DependencyGraph& g, const std::string& from)
{
    for (const auto& e : g.edges)
        if (e.type == analysis::EdgeType::RW && g.connectionName(g.nodes[e.from].connection) == from)
            return &e;
    return nullptr;
}

} // namespace

class TestDependencies : public QObject
{
    Q_OBJECT

private slots:
    // Lanes in the order connections first appear, each box inside its lane, boxes of one lane
    // apart and in time order, the cycle's lanes taller; an edge is found where it is drawn and
    // nowhere far from it.
    void layoutPlacesTransactionsOnTheTimeAxis()
    {
        const auto run = testing::recordRun(kWriteSkew);
        const auto report = analysis::analyzeEvents(run.events, true);
        QCOMPARE(report.anomalies.size(), std::size_t(1));
        const auto& cycle = report.anomalies[0].transactions;
        const auto layout = layoutDependencies(report.graph, {}, QSizeF(800, 300), {}, cycle);

        QCOMPARE(layout.nodes.size(), report.graph.nodes.size());
        QStringList lanes;
        for (const auto& lane : layout.lanes)
            lanes << lane.name;
        QCOMPARE(lanes, (QStringList{"setup", "T1", "T2"}));
        for (std::size_t i = 1; i < layout.lanes.size(); ++i)
            QVERIFY(layout.lanes[i].top >= layout.lanes[i - 1].top + layout.lanes[i - 1].height - 1e-9);
        QVERIFY(layout.lanes[1].height > layout.lanes[0].height); // T1 is in the cycle, setup not
        QCOMPARE(layout.lanes[1].height, layout.lanes[2].height);
        for (const auto& n : layout.nodes) {
            const auto& lane =
                *std::find_if(layout.lanes.begin(), layout.lanes.end(), [&](const LaneLayout& l) {
                    return l.connection == report.graph.nodes[n.node].connection;
                });
            QVERIFY(n.box.top() >= lane.top && n.box.bottom() <= lane.top + lane.height);
            QVERIFY(n.box.width() >= LayoutMetrics{}.minBoxWidth - 1e-9);
            QVERIFY(n.box.right() <= layout.width);
            for (const auto& other : layout.nodes)
                if (other.node != n.node &&
                    report.graph.nodes[other.node].connection == report.graph.nodes[n.node].connection) {
                    QVERIFY(!n.box.intersects(other.box));
                    QCOMPARE(report.graph.nodes[n.node].firstSeq < report.graph.nodes[other.node].firstSeq,
                             n.box.left() < other.box.left());
                }
        }
        // T1 and T2 overlap in time: their boxes overlap on the x axis.
        const QRectF t1 = layout.nodeOf(cycle[0])->box, t2 = layout.nodeOf(cycle[1])->box;
        QVERIFY(t1.left() < t2.right() && t2.left() < t1.right());
        QCOMPARE(layout.nodeOf(cycle[0])->label,
                 QString("T1 · tx %1").arg(report.graph.nodes[cycle[0]].txId));

        QCOMPARE(layout.edges.size(), report.graph.edges.size());
        for (std::size_t i = 0; i < layout.edges.size(); ++i) {
            const auto& e = layout.edges[i];
            const auto hit = layout.edgeAt(e.pointAt(0.5), 0.5);
            QVERIFY(hit);
            // Two edges may cross there; the one found passes through the point.
            QVERIFY(layout.edgeAt(layout.edges[*hit].pointAt(0.5), 0.5));
        }
        QVERIFY(!layout.edgeAt(QPointF(-100, -100)));
        // Each rw edge leaves its reader's box and enters its writer's.
        for (const auto& l : layout.edges) {
            const auto& e = report.graph.edges[l.edge];
            QVERIFY(layout.nodeOf(e.from)->box.adjusted(-1, -1, 1, 1).contains(l.p0));
            QVERIFY(layout.nodeOf(e.to)->box.adjusted(-1, -1, 1, 1).contains(l.p3));
        }
    }

    // A graph too large to draw shows the anomalies' transactions, or the latest.
    void largeGraphsShowTheCycles()
    {
        analysis::DependencyGraph g;
        for (std::uint64_t i = 0; i < 10; ++i)
            g.nodes.push_back({i + 1, 1, 10 * i + 1, 10 * i + 5, 0, 0});
        QCOMPARE(nodesToShow(g, {}, 20).size(), std::size_t(10));
        QCOMPARE(nodesToShow(g, {{7, 3}}, 4), (std::vector<std::size_t>{3, 7}));
        QCOMPARE(nodesToShow(g, {}, 3), (std::vector<std::size_t>{7, 8, 9}));
    }

    // The list follows the cursor: no anomaly before the second commit, one after; the model
    // stays consistent through every reset (the tester is fatal).
    void anomalyListFollowsTheInstant()
    {
        const auto run = testing::recordRun(kWriteSkew);
        models::SessionLog session(logOf(run.events));
        DependencySource source(&session);
        source.setExact(true);
        AnomalyListModel model(&source);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        session.drainAll();
        source.refresh();
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0).data(AnomalyListModel::KindRole).toString(), QString("G2-item"));
        QVERIFY(model.index(0).data().toString().contains("write skew"));
        QVERIFY(model.index(0).data(AnomalyListModel::StoryRole).toString().contains("no serial order"));

        // Just before the last COMMIT: T2 has not committed, so there is no cycle.
        std::int64_t lastCommitNs = 0;
        for (const auto& e : run.events)
            if (e.kind == EventKind::TxCommit) lastCommitNs = e.timeNs;
        session.setInstant(lastCommitNs - 1);
        source.refresh();
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!source.report().graph.nodes.empty());
        session.setInstant(-1);
        source.refresh();
        QVERIFY(source.report().graph.nodes.empty());
        session.followLive();
        source.refresh();
        QCOMPARE(model.rowCount(), 1);
        // Compare with the CLI's analysis of the whole log: the same anomaly, the same edges.
        const auto whole = analysis::analyzeEvents(run.events, true);
        QCOMPARE(source.report().graph.edges.size(), whole.graph.edges.size());
        QCOMPARE(source.report().anomalies[0].story, whole.anomalies[0].story);
    }

    // The panel on write skew: the verdict names it, the cycle's two rw edges are highlighted,
    // and clicking one asks for its reader's and its writer's statements.
    void panelShowsWriteSkewAndClickSelectsStatements()
    {
        const auto run = testing::recordRun(kWriteSkew);
        models::SessionLog session(logOf(run.events));
        DependenciesPanel panel(&session);
        panel.source().setExact(true);
        panel.resize(900, 360);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        session.drainAll();
        panel.source().refresh();
        QVERIFY(panel.verdictText().contains("G2-item (write skew)"));
        QVERIFY(panel.storyText().contains("T1 (tx"));
        QVERIFY(!panel.anomalyView().isVisible()); // one anomaly: no list to choose from
        QCOMPARE(panel.anomalyView().currentIndex().row(), 0);

        const auto& graph = panel.source().report().graph;
        const analysis::Edge* edge = rwEdge(graph, "T1");
        QVERIFY(edge);
        auto& view = panel.graphView();
        const auto& layout = view.currentLayout();
        const auto drawn = std::find_if(layout.edges.begin(), layout.edges.end(),
                                        [&](const EdgeLayout& l) { return &graph.edges[l.edge] == edge; });
        QVERIFY(drawn != layout.edges.end());

        QSignalSpy picked(&panel, &DependenciesPanel::statementsPicked);
        // A point of the edge that no other edge passes near.
        std::optional<QPointF> where;
        for (double t = 0.1; t < 0.95 && !where; t += 0.05)
            if (const auto hit = layout.edgeAt(drawn->pointAt(t), 2); hit && &layout.edges[*hit] == &*drawn)
                where = drawn->pointAt(t);
        QVERIFY(where);
        QTest::mouseClick(&view, Qt::LeftButton, {}, where->toPoint());
        QCOMPARE(picked.count(), 1);
        const quint64 fromSeq = picked[0][0].toULongLong(), toSeq = picked[0][1].toULongLong();
        QCOMPARE(fromSeq, edge->fromSeq);
        QCOMPARE(toSeq, edge->toSeq);
        QCOMPARE(QString::fromStdString(graph.statement(fromSeq)->sql),
                 QString("SELECT v FROM t WHERE id = 2"));
        QCOMPARE(QString::fromStdString(graph.statement(toSeq)->sql),
                 QString("UPDATE t SET v = 22 WHERE id = 2"));
        QVERIFY(view.selectedEdge());
    }

    // A resize handled after the cursor moved keeps the anomaly shown (it once re-showed the
    // selection of the instant the resize happened at: none).
    void resizeDuringTimeTravelKeepsTheAnomaly()
    {
        const auto run = testing::recordRun(kWriteSkew);
        models::SessionLog session(logOf(run.events));
        DependenciesPanel panel(&session);
        panel.source().setExact(true);
        panel.resize(900, 360);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        session.drainAll();
        session.setInstant(run.events[run.events.size() / 2].timeNs);
        panel.source().refresh();
        QCOMPARE(panel.anomalies().rowCount(), 0);
        panel.resize(700, 300);
        session.followLive();
        panel.source().refresh();
        QCOMPARE(panel.anomalies().rowCount(), 1);
        QCoreApplication::processEvents();
        QVERIFY(panel.storyText().contains("T1 (tx"));
        // The story appeared after the panel was laid out without it: it has room.
        QTRY_VERIFY(panel.findChild<QLabel*>("anomalyStory")->width() > 100);
    }

    void acyclicRunSaysSo()
    {
        const auto run = testing::recordRun(kSerial);
        models::SessionLog session(logOf(run.events));
        DependenciesPanel panel(&session);
        panel.source().setExact(true);
        session.drainAll();
        panel.source().refresh();
        QVERIFY(!panel.source().report().graph.edges.empty());
        QVERIFY(panel.verdictText().startsWith("No anomaly: the graph is acyclic"));
        QCOMPARE(panel.anomalies().rowCount(), 0);
    }

    // A run too long for a graph: past the limit nothing more is kept (its copy released) and
    // the panel says why and where to analyze it; a new session starts over.
    void aRunTooLongForAGraphSaysSo()
    {
        const auto run = testing::recordRun(kSerial);
        models::SessionLog session(logOf(run.events));
        DependenciesPanel panel(&session);
        panel.source().setExact(true);
        panel.source().setMaxKeptEvents(5);
        session.drainAll();
        panel.source().refresh();
        QVERIFY(panel.source().overLimit());
        QVERIFY(!panel.source().hasGraph());
        QVERIFY2(panel.verdictText().contains("--anomalies"), qPrintable(panel.verdictText()));
        QVERIFY(panel.graphView().currentLayout().nodes.empty());
        // The same run under the limit has its graph.
        models::SessionLog again(logOf(run.events));
        DependenciesPanel whole(&again);
        whole.source().setExact(true);
        again.drainAll();
        whole.source().refresh();
        QVERIFY(!whole.source().overLimit());
        QVERIFY(whole.source().hasGraph());
    }

    // The copy let go past the limit is freed a slice per turn, not in the turn that crossed the
    // limit (two million events took 60-120 ms to free at once on the window's thread), and all
    // of it in the end; a new session lets its copy go the same way.
    void aCopyLetGoIsFreedASlicePerTurn()
    {
        const auto run = testing::recordRun(kSerial);
        models::SessionLog session(logOf(run.events));
        DependenciesPanel panel(&session);
        auto& source = panel.source();
        source.setExact(true);
        source.setReleaseSlice(3);
        source.setMaxKeptEvents(10);
        session.drainAll();
        QVERIFY(source.overLimit());
        QCOMPARE(source.eventsToRelease(), std::size_t(10)); // nothing freed yet in this turn
        std::size_t left = source.eventsToRelease();
        int turns = 0;
        while (left > 0 && turns < 100) {
            QCoreApplication::processEvents();
            const std::size_t now = source.eventsToRelease();
            QVERIFY2(left - now <= 3, qPrintable(QString("%1 freed in one turn").arg(left - now)));
            left = now;
            ++turns;
        }
        QCOMPARE(left, std::size_t(0));
        QVERIFY(turns >= 4); // 10 events, 3 a turn

        models::SessionLog again(logOf(run.events));
        DependenciesPanel whole(&again);
        whole.source().setExact(true);
        again.drainAll();
        const std::size_t kept = whole.source().eventsToRelease();
        QCOMPARE(kept, std::size_t(0));
        again.setLog(nullptr); // a new session: the copy is let go
        QVERIFY(whole.source().eventsToRelease() > 0);
        QTRY_COMPARE(whole.source().eventsToRelease(), std::size_t(0));
    }

    // A run whose reads are not traced (SQLite) has no graph, and the panel says why.
    void sqliteRunIsEmptyWithAReason()
    {
        const auto run = testing::recordRun(kWriteSkew);
        models::SessionLog session(logOf(run.events));
        DependenciesPanel panel(&session);
        panel.source().setExact(false);
        session.drainAll();
        panel.source().refresh();
        QVERIFY(!panel.source().hasGraph());
        QVERIFY(panel.verdictText().contains("SQLite records no reads"));
        QVERIFY(panel.graphView().currentLayout().nodes.empty());
    }
};

QTEST_MAIN(TestDependencies)
#include "tst_dependencies.moc"
