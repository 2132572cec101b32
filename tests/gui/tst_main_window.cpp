// The workbench window driven the way a user drives it: F5 runs, F10 steps, a click on the
// timeline scrubs, a click on an explanation selects its event; and a screenshot after a run
// whose main panels are not empty. Offscreen (QT_QPA_PLATFORM=offscreen), no sleeps: every wait
// is a QTRY_* on what the window shows, with generous timeouts for loaded machines.

#include "app/gui/MainWindow.h"
#include "engine/trace/SessionFile.h"
#include "engine/trace/TraceLog.h"
#include "widgets/editor/ScriptEditor.h"
#include "widgets/models/ExplanationsModel.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/models/SessionLog.h"
#include "widgets/models/TransactionsModel.h"
#include "widgets/run/RunController.h"
#include "widgets/timeline/TimelineModel.h"
#include "widgets/timeline/TimelineWidget.h"

#include <QDir>
#include <QHash>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>
#include <memory>

using txs::models::TransactionsModel;

namespace {

constexpr int kRunTimeoutMs = 60'000; // a run takes well under a second; the machine may be loaded

QString artifactDir()
{
    const QString dir = QStringLiteral(TXSCOPE_BINARY_DIR "/test-artifacts");
    QDir().mkpath(dir);
    return dir;
}

// Committed transactions whose connection name starts with `prefix`, at the session's instant.
int committedTransactions(const QAbstractItemModel& model, const QString& prefix)
{
    int n = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QString connection = model.index(row, TransactionsModel::ConnectionColumn).data().toString();
        const QString outcome = model.index(row, TransactionsModel::OutcomeColumn).data().toString();
        if (connection.startsWith(prefix) && outcome.startsWith("committed")) ++n;
    }
    return n;
}

// The dominant colour of `rect` in `image` is its background; how many pixels differ from it.
qsizetype nonBackgroundPixels(const QImage& image, const QRect& rect)
{
    QHash<QRgb, qsizetype> counts;
    for (int y = rect.top(); y <= rect.bottom(); ++y)
        for (int x = rect.left(); x <= rect.right(); ++x)
            ++counts[image.pixel(x, y)];
    qsizetype background = 0;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        background = std::max(background, it.value());
    return qsizetype(rect.width()) * rect.height() - background;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void runWithF5();
    void stepWithF10();
    void stepsPressedAheadAreAllTaken();
    void scrubByClickingTheTimeline();
    void selectAnExplanation();
    void screenshotPanelsAreNotEmpty_data();
    void screenshotPanelsAreNotEmpty();
    void openARecordedSession();
    void versionChainsAreShownOpen();

private:
    void showWindow();
    void runToTheEnd(const QString& scenario);
    QTableView* viewOf(const char* modelClass) const;
    QString statusText() const;

    std::unique_ptr<MainWindow> window_;
};

void TestMainWindow::initTestCase()
{
    // Geometry, dock state and recent files go to a throwaway settings location, not the user's.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("TxScopeTests");
    QCoreApplication::setApplicationName("tst_main_window");
}

void TestMainWindow::init()
{
    window_ = std::make_unique<MainWindow>();
    showWindow();
}

void TestMainWindow::cleanup()
{
    window_.reset(); // stops a run still under way and joins its thread
}

void TestMainWindow::showWindow()
{
    window_->resize(1600, 1000);
    window_->show();
    window_->activateWindow();
    // The run actions are window shortcuts: they need the window active.
    QVERIFY(QTest::qWaitForWindowActive(window_.get()));
}

void TestMainWindow::runToTheEnd(const QString& scenario)
{
    window_->loadScenario(scenario);
    QCOMPARE(window_->controller().state(), RunController::State::Ready);
    QTest::keyClick(window_.get(), Qt::Key_F5);
    QTRY_COMPARE_WITH_TIMEOUT(window_->controller().state(), RunController::State::Finished, kRunTimeoutMs);
    // Finished drains the session and feeds the timeline before anyone hears of it.
    QVERIFY(!window_->timeline().model().lanes().empty());
}

QTableView* TestMainWindow::viewOf(const char* modelClass) const
{
    for (QTableView* view : window_->findChildren<QTableView*>())
        if (view->model() && view->model()->inherits(modelClass)) return view;
    return nullptr;
}

QString TestMainWindow::statusText() const
{
    QStringList parts;
    for (QLabel* label : window_->statusBar()->findChildren<QLabel*>())
        parts << label->text();
    return parts.join(' ');
}

// F5 runs the seed to the end: sixteen writers commit, and the window says so.
void TestMainWindow::runWithF5()
{
    window_->loadScenario("seed-concurrent-writes");
    QSignalSpy states(&window_->controller(), &RunController::stateChanged);
    QTest::keyClick(window_.get(), Qt::Key_F5);
    QTRY_COMPARE_WITH_TIMEOUT(window_->controller().state(), RunController::State::Finished, kRunTimeoutMs);
    QVERIFY(states.count() >= 2); // Running, then Finished
    QCOMPARE(states.first().first().value<RunController::State>(), RunController::State::Running);

    QTableView* transactions = viewOf("txs::models::TransactionsModel");
    QVERIFY(transactions);
    QTRY_COMPARE(committedTransactions(*transactions->model(), "writer"), 16);
    QTRY_VERIFY2(statusText().contains("committed 16"), qPrintable(statusText()));
    QVERIFY2(statusText().contains("Finished"), qPrintable(statusText()));
}

// F10 runs one statement at a time: the editor marks the line that runs next, and B's COMMIT,
// which must wait for A's SHARED lock, is reported blocked.
void TestMainWindow::stepWithF10()
{
    window_->loadScenario("sqlite-deferred-upgrade-deadlock");
    RunController& controller = window_->controller();
    QCOMPARE(controller.state(), RunController::State::Ready);
    const txs::Workload* workload = controller.workload();
    QVERIFY(workload);

    // Step mode runs every statement of setup, the steps and check, in file order.
    QList<int> lines;
    if (workload->setup)
        for (const auto& s : workload->setup->statements)
            lines << s.line;
    for (const auto& step : workload->steps)
        lines << step.statement.line;
    if (workload->check)
        for (const auto& s : workload->check->statements)
            lines << s.line;
    QVERIFY(lines.contains(21)); // B: COMMIT

    QSignalSpy blocked(&controller, &RunController::statementBlocked);
    QSignalSpy finished(&controller, &RunController::statementFinished);
    QTRY_COMPARE(window_->editor().nextLine(), lines.first());

    for (int i = 0; i < lines.size(); ++i) {
        QTest::keyClick(window_.get(), Qt::Key_F10);
        QTRY_VERIFY_WITH_TIMEOUT(!controller.isBusy(), kRunTimeoutMs);
        const bool last = i + 1 == lines.size();
        if (!last || controller.state() != RunController::State::Finished)
            QCOMPARE(controller.state(), RunController::State::Stepping);
        const int next = i + 1 < lines.size() ? lines[i + 1] : 0;
        QTRY_COMPARE(window_->editor().nextLine(), next);
        if (lines[i] == 21) {
            // B's COMMIT waits for A: reported blocked (once per try), not finished.
            QVERIFY(blocked.count() >= 1);
            for (const auto& args : blocked) {
                const auto notice = args.first().value<txs::BlockedNotice>();
                QCOMPARE(notice.line, 21);
                QCOMPARE(QString::fromStdString(notice.connection), QString("B"));
            }
        } else if (i + 1 < lines.size() && lines[i + 1] <= 21) {
            QCOMPARE(blocked.count(), 0); // nothing waits before B's COMMIT
        }
    }
    // The last statement ends the run (or, past it, one more step settles it).
    if (controller.state() != RunController::State::Finished) QTest::keyClick(window_.get(), Qt::Key_F10);
    QTRY_COMPARE_WITH_TIMEOUT(controller.state(), RunController::State::Finished, kRunTimeoutMs);
    QCOMPARE(window_->editor().nextLine(), 0);
    for (const auto& args : blocked)
        QCOMPARE(args.first().value<txs::BlockedNotice>().line, 21);

    // Every statement finished once; B's COMMIT did after A rolled back, marked as having waited.
    QCOMPARE(finished.count(), lines.size());
    bool commitWaited = false;
    for (const auto& args : finished) {
        const auto outcome = args.first().value<txs::StatementOutcome>();
        if (outcome.line == 21) commitWaited = outcome.blocked;
    }
    QVERIFY(commitWaited);
}

// After a run, a click on empty space in the timeline's plot moves the instant there: the
// session leaves live mode, and the transactions table shows that moment.
void TestMainWindow::scrubByClickingTheTimeline()
{
    runToTheEnd("seed-concurrent-writes");
    txs::TimelineWidget& timeline = window_->timeline();
    txs::models::SessionLog& session = window_->session();
    QTableView* transactions = viewOf("txs::models::TransactionsModel");
    QVERIFY(transactions);
    QTRY_COMPARE(committedTransactions(*transactions->model(), "writer"), 16);
    QVERIFY(session.isLive());

    timeline.setFocus();
    QTest::keyClick(&timeline, Qt::Key_Home); // the whole run in view
    const QRect plot = timeline.axisRect()->rect();
    QVERIFY(plot.width() > 100 && plot.height() > 50);
    const auto [fromNs, toNs] = timeline.visibleTime();
    const double nsPerPixel = double(toNs - fromNs) / plot.width();

    QSignalSpy moved(&timeline, &txs::TimelineWidget::cursorMoved);
    // Early in the run (before the writers), on a spot with nothing drawn (a click there would select).
    const int x = plot.left() + plot.width() / 50;
    int y = -1;
    for (int yy = plot.top() + 2; yy < plot.bottom() - 2 && y < 0; yy += 2)
        if (!timeline.itemAt(QPointF(x, yy))) y = yy;
    QVERIFY2(y >= 0, "no empty spot in the plot's early column");
    const qint64 expected = qint64(std::llround(timeline.xAxis->pixelToCoord(x) * 1e6));

    QTest::mouseClick(&timeline, Qt::LeftButton, {}, QPoint(x, y));
    QCOMPARE(moved.count(), 1);
    const qint64 t = moved.first().first().toLongLong();
    QVERIFY2(std::abs(t - std::clamp<qint64>(expected, 0, toNs)) <= nsPerPixel + 1,
             qPrintable(QString("cursor at %1 ns, clicked at %2 ns").arg(t).arg(expected)));
    QCOMPARE(session.instant(), t);
    QVERIFY(!session.isLive());
    QCOMPARE(timeline.cursorTime(), t);
    QVERIFY(!timeline.followLive());
    QTRY_VERIFY(committedTransactions(*transactions->model(), "writer") < 16);

    // A click in the margin past the last event brings every commit back (a click just before
    // the end could land before a writer that was slow to commit on a loaded machine).
    const int xEnd = plot.right() - 3;
    int yEnd = -1;
    for (int yy = plot.top() + 2; yy < plot.bottom() - 2 && yEnd < 0; yy += 2)
        if (!timeline.itemAt(QPointF(xEnd, yy))) yEnd = yy;
    QVERIFY(yEnd >= 0);
    QTest::mouseClick(&timeline, Qt::LeftButton, {}, QPoint(xEnd, yEnd));
    QCOMPARE(moved.count(), 2);
    QVERIFY(session.instant() > t);
    QTRY_COMPARE(committedTransactions(*transactions->model(), "writer"), 16);
}

// F10 pressed three times without waiting: three statements run, one after the other (a
// step pressed while one is running is queued, not dropped).
void TestMainWindow::stepsPressedAheadAreAllTaken()
{
    window_->loadScenario("sqlite-deferred-upgrade-deadlock");
    RunController& controller = window_->controller();
    const txs::Workload* workload = controller.workload();
    QVERIFY(workload && workload->setup);
    QList<int> lines; // the statements in the order steps run them
    for (const auto& s : workload->setup->statements)
        lines << s.line;
    for (const auto& step : workload->steps)
        lines << step.statement.line;
    QVERIFY(lines.size() > 3);

    QSignalSpy finished(&controller, &RunController::statementFinished);
    for (int i = 0; i < 3; ++i)
        QTest::keyClick(window_.get(), Qt::Key_F10);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, kRunTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!controller.isBusy(), kRunTimeoutMs);
    // Idle with nothing queued: no fourth statement can start on its own.
    QCOMPARE(controller.queuedSteps(), 0);
    QCOMPARE(finished.count(), 3);
    QCOMPARE(controller.state(), RunController::State::Stepping);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(finished.at(i).first().value<txs::StatementOutcome>().line, lines[i]);
    QTRY_COMPARE(window_->editor().nextLine(), lines[3]);
}

// A click on an explanation selects the error it explains on the timeline and moves the
// instant to it.
void TestMainWindow::selectAnExplanation()
{
    runToTheEnd("sqlite-deferred-upgrade-deadlock");
    window_->focusOnStory();
    QTableView* view = viewOf("txs::models::ExplanationsModel");
    QVERIFY(view);
    QVERIFY(view->isVisible());
    const QAbstractItemModel* model = view->model();
    QTRY_VERIFY(model->rowCount() > 0);

    int row = -1;
    for (int r = 0; r < model->rowCount() && row < 0; ++r)
        if (!model->index(r, txs::models::ExplanationsModel::WhyColumn).data().toString().isEmpty()) row = r;
    QVERIFY2(row >= 0, "no explanation with a why");
    // Why and Fix are read in the panel's detail area; the row is clicked on its message.
    const QModelIndex index = model->index(row, txs::models::ExplanationsModel::MessageColumn);
    const quint64 seq = index.data(txs::models::SeqRole).toULongLong();
    // The cursor goes where the explanation is recorded (a moment after the error), so the
    // row's Why and Fix are there.
    const qint64 time = index.data(txs::models::ExplainedTimeRole).toLongLong();
    QVERIFY(seq > 0);

    txs::TimelineWidget& timeline = window_->timeline();
    timeline.clearSelection();
    QVERIFY(!timeline.selection());
    view->scrollTo(index);
    const QRect cell = view->visualRect(index);
    QVERIFY(!cell.isEmpty());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());

    const auto selection = timeline.selection();
    QVERIFY(selection.has_value());
    QCOMPARE(selection, timeline.model().findEvent(seq));
    if (selection->kind == txs::timeline::ItemRef::Kind::Marker)
        QCOMPARE(timeline.model().marker(*selection).seq, seq);
    QCOMPARE(window_->session().instant(), time);
    QVERIFY(!window_->session().isLive());
    QCOMPARE(timeline.cursorTime(), time);
    // The row shows at that instant: the explanation does not vanish when its event is selected.
    QTRY_VERIFY(model->rowCount() > row);
    QVERIFY(!model->index(row, txs::models::ExplanationsModel::WhyColumn).data().toString().isEmpty());
}

void TestMainWindow::screenshotPanelsAreNotEmpty_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<bool>("explains");
    QTest::newRow("seed") << "seed-concurrent-writes" << false;
    QTest::newRow("deadlock") << "sqlite-deferred-upgrade-deadlock" << true;
}

void TestMainWindow::screenshotPanelsAreNotEmpty()
{
    QFETCH(QString, scenario);
    QFETCH(bool, explains);
    runToTheEnd(scenario);
    window_->focusOnStory();
    txs::TimelineWidget& timeline = window_->timeline();
    timeline.replot(); // what the user sees once the event loop paints; grab() paints too

    const QImage shot = window_->grab().toImage();
    const QString path = artifactDir() + "/main_window-" + scenario + ".png";
    QVERIFY2(shot.save(path), qPrintable(path));
    QVERIFY(shot.width() >= 1000 && shot.height() >= 600);

    // The timeline: lanes, and drawn pixels in its plot area (in the window's grab).
    QVERIFY(!timeline.model().lanes().empty());
    const QRect plot = timeline.axisRect()->rect().translated(timeline.mapTo(window_.get(), QPoint(0, 0)));
    const qreal dpr = shot.devicePixelRatio();
    const QRect plotInShot(QPoint(int(plot.left() * dpr), int(plot.top() * dpr)), plot.size() * dpr);
    QVERIFY(shot.rect().contains(plotInShot));
    const qsizetype drawn = nonBackgroundPixels(shot, plotInShot);
    QVERIFY2(drawn > qsizetype(plotInShot.width()) * plotInShot.height() / 100,
             qPrintable(
                 QString("%1 drawn pixels of %2").arg(drawn).arg(plotInShot.width() * plotInShot.height())));

    // The transactions table has rows; the editor has the script.
    QTableView* transactions = viewOf("txs::models::TransactionsModel");
    QVERIFY(transactions && transactions->isVisible());
    QVERIFY(transactions->model()->rowCount() > 0);
    QVERIFY(window_->editor().isVisible());
    QVERIFY(window_->editor().toPlainText().contains(explains ? "BEGIN IMMEDIATE" : "BEGIN CONCURRENT"));

    QTableView* explanations = viewOf("txs::models::ExplanationsModel");
    QVERIFY(explanations);
    if (explains) {
        QVERIFY(explanations->isVisible());
        QVERIFY(explanations->model()->rowCount() > 0);
        bool explained = false;
        for (int r = 0; r < explanations->model()->rowCount(); ++r) {
            explained |= !explanations->model()
                              ->index(r, txs::models::ExplanationsModel::WhyColumn)
                              .data()
                              .toString()
                              .isEmpty();
        }
        QVERIFY(explained);
    }
}

// A lesson's version chains are shown open: after lost-update, the Versions panel shows the
// table and its key opened on the chain the run left (three committed versions of account 1),
// with no click (TreeAutoExpander).
void TestMainWindow::versionChainsAreShownOpen()
{
    runToTheEnd("lost-update");
    auto* tree = window_->findChild<QTreeView*>("versionsView");
    QVERIFY(tree);
    const QAbstractItemModel* model = tree->model();
    QTRY_COMPARE(model->rowCount(), 1);
    const QModelIndex table = model->index(0, 0);
    QCOMPARE(table.data().toString(), QString("accounts"));
    QVERIFY(tree->isExpanded(table));
    QCOMPARE(model->rowCount(table), 1);
    const QModelIndex key = model->index(0, 0, table);
    QVERIFY(tree->isExpanded(key));
    QCOMPARE(model->rowCount(key), 3);
}

QTEST_MAIN(TestMainWindow)
// `txscope FILE.txsession` and `txscope-cli record`'s "open it with" rely on this: a saved run
// reopens as a replay with every event, and a file that is not a session is refused with a reason.
void TestMainWindow::openARecordedSession()
{
    runToTheEnd("lost-update");
    const auto events = window_->session().log()->snapshot();
    QVERIFY(!events.empty());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("lost-update.txsession");
    QVERIFY(!txs::writeSession({"lost-update.txs", window_->editor().toPlainText().toStdString(), "mvcc", events},
                               path.toStdString()));

    window_ = std::make_unique<MainWindow>();
    showWindow();
    QString error;
    QVERIFY2(window_->openSession(path, &error), qPrintable(error));
    QVERIFY(window_->isReplaying());
    QCOMPARE(window_->session().log()->snapshot().size(), events.size());
    QVERIFY(!window_->timeline().model().lanes().empty());
    QVERIFY(window_->editor().toPlainText().contains("UPDATE"));

    const QString notASession = dir.filePath("not-a-session.txsession");
    QFile file(notASession);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("setup:\n  SELECT 1;\n");
    file.close();
    error.clear();
    QVERIFY(!window_->openSession(notASession, &error));
    QVERIFY2(!error.isEmpty(), "a refused session names its reason");
}

#include "tst_main_window.moc"
