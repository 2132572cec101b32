// A long run keeps the window responsive: 64 writers x 2000 transactions on real SQLite (WAL,
// busy_timeout) — minutes of work — while the test clicks Pause, Run and Stop like a user. The
// counters move during the run, Pause freezes the commits, Run resumes them, Stop ends the run
// and the window settles. No sleeps wait for things: every wait is a QTRY_* on what the window
// shows; the event loop's worst stall is measured by a timer and printed.

#include "app/gui/MainWindow.h"
#include "widgets/run/RunController.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

namespace {

constexpr int kTimeoutMs = 60'000; // generous: the machine may be loaded

const char* kScript = R"(# 64 writers x 2000 on SQLite WAL
journal_mode: wal
busy_timeout: 5000

setup:
  CREATE TABLE hits (val INTEGER);

workers writer x64 repeat 2000 retry(busy; max 100000):
  BEGIN IMMEDIATE;
  INSERT INTO hits VALUES ($worker);
  COMMIT;
)";

// Records the longest gap between ticks of a 10 ms timer: how long the event loop was stuck.
class StallMeter : public QObject
{
public:
    StallMeter()
    {
        timer_.setInterval(10);
        connect(&timer_, &QTimer::timeout, this, [this] { worst_ = std::max(worst_, clock_.restart()); });
        clock_.start();
        timer_.start();
    }
    qint64 worstMs() const { return worst_; }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 worst_ = 0;
};

} // namespace

class TestLongRun : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("TxScopeTests");
        QCoreApplication::setApplicationName("tst_long_run");
    }

    void pauseAndStopActOnABigSqliteRun()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("big.txs");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(kScript);
        }
        MainWindow window;
        QVERIFY(window.openWorkload(path));
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        RunController& controller = window.controller();
        QCOMPARE(controller.state(), RunController::State::Ready);
        auto* counters = window.statusBar()->findChildren<QLabel*>().value(1);
        QVERIFY(counters);
        auto shownCommits = [counters] {
            const auto m = QRegularExpression("committed (\\d+)").match(counters->text());
            return m.hasMatch() ? m.captured(1).toULongLong() : 0ull;
        };

        StallMeter meter;
        QTest::keyClick(&window, Qt::Key_F5);
        QCOMPARE(controller.state(), RunController::State::Running);

        // The counters move while the run is under way: the window refreshes them.
        QTRY_VERIFY_WITH_TIMEOUT(shownCommits() > 0, kTimeoutMs);
        const auto early = shownCommits();
        QTRY_VERIFY_WITH_TIMEOUT(shownCommits() > early, kTimeoutMs);
        QVERIFY(controller.state() == RunController::State::Running);
        QVERIFY(controller.progress().workerTransactionsDone < 64u * 2000u); // far from the end

        // Pause: the commits stop. A statement under way when Pause came may still finish, so the
        // count is read once every worker is parked, then must not move.
        QElapsedTimer pauseClock;
        pauseClock.start();
        QTest::keyClick(&window, Qt::Key_F6);
        QCOMPARE(controller.state(), RunController::State::Paused);
        // Settled: no commit for 200 ms (QTRY polls every 50 ms).
        quint64 parked = controller.progress().committed;
        qint64 lastChangeMs = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const quint64 now = controller.progress().committed;
                if (now != parked) {
                    parked = now;
                    lastChangeMs = pauseClock.elapsed();
                }
                return pauseClock.elapsed() - lastChangeMs >= 200;
            }(),
            kTimeoutMs);
        qInfo("pause: the last commit came %lld ms after Pause", lastChangeMs);
        QVERIFY2(lastChangeMs < 5'000, "commits went on long after Pause");
        QTest::qWait(300); // nothing should happen here: that is what is checked
        QCOMPARE(controller.progress().committed, parked);
        QTRY_COMPARE(shownCommits(), parked);

        // Run resumes.
        QTest::keyClick(&window, Qt::Key_F5);
        QCOMPARE(controller.state(), RunController::State::Running);
        QTRY_VERIFY_WITH_TIMEOUT(controller.progress().committed > parked, kTimeoutMs);

        // Stop ends the run long before its end, and the window settles.
        QElapsedTimer stopClock;
        stopClock.start();
        QTest::keyClick(&window, Qt::Key_F5, Qt::ShiftModifier);
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), RunController::State::Finished, kTimeoutMs);
        const qint64 stopMs = stopClock.elapsed();
        QTRY_VERIFY_WITH_TIMEOUT(window.isSettled(), kTimeoutMs);
        QVERIFY(controller.progress().workerTransactionsDone < 64u * 2000u);
        qInfo("stop: run ended after %lld ms, window settled after %lld ms; worst event-loop stall %lld ms",
              stopMs, stopClock.elapsed(), meter.worstMs());
    }
};

QTEST_MAIN(TestLongRun)
#include "tst_long_run.moc"
