// The Dependencies dock in the workbench, driven like a user: a write-skew run raises it with
// the anomaly named, and clicking one of the cycle's edges selects its two statements in the
// statement log; stepping shows the cycle once the second COMMIT has run; a replayed session
// shows the same; a SQLite run says why there is no graph; the isolation scenarios are in the
// Scenario box under their heading. Offscreen, QTRY_* on what the window shows.

#include "app/gui/MainWindow.h"
#include "engine/trace/SessionFile.h"
#include "tests/gui/support/WindowTest.h"
#include "tests/widgets/support/RecordedRun.h"
#include "widgets/dependencies/AnomalyListModel.h"
#include "widgets/dependencies/DependenciesPanel.h"
#include "widgets/dependencies/DependencyGraphView.h"
#include "widgets/dependencies/DependencySource.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/models/SessionLog.h"
#include "widgets/run/RunController.h"

#include <QComboBox>
#include <QDockWidget>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

using txs::dependencies::DependenciesPanel;

namespace {
using txs::test::kRunTimeoutMs;

QString scenarioText(const QString& name)
{
    QFile f(QString(TXSCOPE_SOURCE_DIR) + "/resources/scenarios/" + name);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}
} // namespace

class TestDependenciesWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        txs::test::isolateSettings("tst_dependencies_window");
    }

    void init()
    {
        window_ = txs::test::showMainWindow({1280, 720});
        QVERIFY(window_);
    }

    void cleanup() { window_.reset(); }

    void writeSkewRunShowsItsCycleAndAnEdgeSelectsItsStatements()
    {
        window_->loadScenario("write-skew");
        window_->controller().run();
        QTRY_COMPARE_WITH_TIMEOUT(window_->controller().state(), RunController::State::Finished,
                                  kRunTimeoutMs);
        QTRY_VERIFY(window_->isSettled());
        QDockWidget* dock = window_->dock("dependenciesDock");
        QVERIFY(dock);
        DependenciesPanel& panel = window_->dependenciesPanel();
        QTRY_VERIFY(!dock->visibleRegion().isEmpty()); // raised in front of the Explanations
        QVERIFY(panel.verdictText().contains("G2-item (write skew)"));
        QCOMPARE(panel.anomalies().rowCount(), 1);
        QVERIFY(panel.storyText().contains("Alice (tx"));

        // Click a point of one of the cycle's edges that no other edge passes near.
        const auto& report = panel.source().report();
        const auto& layout = panel.graphView().currentLayout();
        std::optional<QPointF> where;
        std::size_t clicked = 0;
        for (const auto& e : report.anomalies[0].edges)
            for (const auto& l : layout.edges) {
                const auto& g = report.graph.edges[l.edge];
                if (where || g.from != e.from || g.to != e.to || g.type != e.type) continue;
                for (double t = 0.1; t < 0.95 && !where; t += 0.05)
                    if (const auto hit = layout.edgeAt(l.pointAt(t), 2);
                        hit && layout.edges[*hit].edge == l.edge) {
                        where = l.pointAt(t);
                        clicked = l.edge;
                    }
            }
        QVERIFY(where);
        QTest::mouseClick(&panel.graphView(), Qt::LeftButton, {}, where->toPoint());
        const auto& edge = report.graph.edges[clicked];
        auto* log = window_->findChild<QTableView*>("statementLogView");
        QVERIFY(log);
        QSet<quint64> selected;
        for (const QModelIndex& row : log->selectionModel()->selectedRows())
            selected << row.data(txs::models::SeqRole).toULongLong();
        QCOMPARE(selected, (QSet<quint64>{edge.fromSeq, edge.toSeq}));
        QTRY_VERIFY(!window_->dock("logDock")->visibleRegion().isEmpty());
    }

    // Step by step, the cycle appears with the second COMMIT, not before.
    void steppingShowsTheCycleWhenItCloses()
    {
        window_->loadScenario("write-skew");
        RunController& c = window_->controller();
        DependenciesPanel& panel = window_->dependenciesPanel();
        window_->dock("dependenciesDock")->raise();
        int steps = 0;
        while (panel.anomalies().rowCount() == 0 && c.state() != RunController::State::Finished &&
               steps < 40) {
            c.step();
            ++steps;
            QTRY_VERIFY_WITH_TIMEOUT(!c.isBusy(), kRunTimeoutMs);
            window_->session().drainAll();
            panel.source().refresh();
        }
        QCOMPARE(panel.anomalies().rowCount(), 1);
        QVERIFY(c.state() != RunController::State::Finished);
        // Round 1 is 8 steps after setup: both BEGINs, both SELECTs, both UPDATEs, both COMMITs.
        const auto& report = panel.source().report();
        std::uint64_t lastCommit = 0;
        for (std::size_t n : report.anomalies[0].transactions)
            lastCommit = std::max(lastCommit, report.graph.nodes[n].endSeq);
        QVERIFY(lastCommit > 0);
    }

    void replayedSessionShowsTheAnomaly()
    {
        const QByteArray text = scenarioText("write-skew.txs").toUtf8();
        QVERIFY(!text.isEmpty());
        const auto run = txs::testing::recordRun(text.constData());
        QTemporaryDir dir;
        const QString path = dir.filePath("skew.txsession");
        QVERIFY(!txs::writeSession({"write-skew.txs", text.toStdString(), "mvcc", run.events},
                                   path.toStdString()));
        QString error;
        QVERIFY2(window_->openSession(path, &error), qPrintable(error));
        DependenciesPanel& panel = window_->dependenciesPanel();
        QCOMPARE(panel.anomalies().rowCount(), 1);
        QTRY_VERIFY(!window_->dock("dependenciesDock")->visibleRegion().isEmpty());
    }

    void sqliteRunSaysWhyThereIsNoGraph()
    {
        window_->loadScenario("write-skew");
        window_->setJournalMode(txs::JournalMode::Wal);
        window_->controller().run();
        QTRY_COMPARE_WITH_TIMEOUT(window_->controller().state(), RunController::State::Finished,
                                  kRunTimeoutMs);
        QTRY_VERIFY(window_->isSettled());
        DependenciesPanel& panel = window_->dependenciesPanel();
        panel.source().refresh();
        QVERIFY(!panel.source().hasGraph());
        QVERIFY(panel.verdictText().contains("SQLite records no reads"));
        QCOMPARE(panel.anomalies().rowCount(), 0);
    }

    void isolationScenariosHaveTheirHeading()
    {
        auto* picker = window_->findChild<QComboBox*>("scenarioPicker");
        QVERIFY(picker);
        const int heading = picker->findText("Isolation (Hermitage)");
        QVERIFY(heading > 0);
        auto* model = qobject_cast<QStandardItemModel*>(picker->model());
        QVERIFY(model);
        QVERIFY(!(model->item(heading)->flags() & Qt::ItemIsEnabled)); // a heading, not a choice
        const int g2 = picker->findData("hermitage-g2-item");
        QVERIFY(g2 > heading);
        QVERIFY(picker->findData("write-skew") < heading);
        window_->loadScenario("hermitage-g2-item");
        QCOMPARE(picker->currentIndex(), g2);
    }

private:
    std::unique_ptr<MainWindow> window_;
};

QTEST_MAIN(TestDependenciesWindow)
#include "tst_dependencies_window.moc"
