// A long run keeps the window responsive: 64 writers x 2000 transactions on real SQLite (WAL,
// busy_timeout) — minutes of work — and 64 x 20000 on the MVCC engine, while the test clicks
// Pause, Run and Stop like a user. The
// counters move during the run, Pause freezes the commits, Run resumes them, Stop ends the run
// and the window settles. No sleeps wait for things: every wait is a QTRY_* on what the window
// shows; the event loop's worst stall is measured by a timer and printed.

#include "app/gui/MainWindow.h"
#include "engine/trace/TraceLog.h"
#include "tests/gui/support/WindowTest.h"
#include "widgets/run/RunController.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

namespace {

constexpr int kTimeoutMs = 60'000;   // generous: the machine may be loaded
constexpr qint64 kActWithinMs = 100; // issue 12: Pause and Stop act within 100 ms
constexpr qint64 kWorstStallMs = 500;

const char* kSqliteScript = R"(# 64 writers x 2000 on SQLite WAL
journal_mode: wal
busy_timeout: 5000

setup:
  CREATE TABLE hits (val INTEGER);

workers writer x64 repeat 2000 retry(busy; max 100000):
  BEGIN IMMEDIATE;
  INSERT INTO hits VALUES ($worker);
  COMMIT;
)";

// The MVCC engine commits far faster: more transactions, so the run is still under way when
// the test pauses it (an MVCC run once showed "committed 0" until its end).
const char* kMvccScript = R"(# 64 writers x 20000 on the MVCC engine
journal_mode: mvcc

setup:
  CREATE TABLE hits (val INTEGER);

workers writer x64 repeat 20000 retry(conflict, busy; max 100000):
  BEGIN CONCURRENT;
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

// Trace time of the last commit in the log.
std::int64_t lastCommitNs(const txs::TraceLog& trace)
{
    std::int64_t last = 0;
    for (const auto& e : trace.snapshot())
        if (e.kind == txs::EventKind::TxCommit) last = std::max(last, e.timeNs);
    return last;
}

// Trace time of the last statement a worker began (the runner decides before each statement
// whether to start it: what Pause and Stop control), 0 when none.
std::int64_t lastStatementBeginNs(const txs::TraceLog& trace)
{
    std::int64_t last = 0;
    for (const auto& e : trace.snapshot())
        if (e.kind == txs::EventKind::StatementBegin && e.connection != 0) last = std::max(last, e.timeNs);
    return last;
}

} // namespace

class TestLongRun : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { txs::test::isolateSettings("tst_long_run", false); }

    void pauseAndStopActOnABigRun_data()
    {
        QTest::addColumn<QByteArray>("script");
        QTest::addColumn<quint64>("total");
        QTest::newRow("sqlite wal 64x2000") << QByteArray(kSqliteScript) << quint64(64 * 2000);
        QTest::newRow("mvcc 64x20000") << QByteArray(kMvccScript) << quint64(64 * 20000);
    }

    void pauseAndStopActOnABigRun()
    {
        QFETCH(QByteArray, script);
        QFETCH(quint64, total);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("big.txs");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(script);
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
        QVERIFY(controller.progress().workerTransactionsDone < total); // far from the end

        // Pause: the commits stop within 100 ms. A worker parks between statements, so only a
        // COMMIT already under way when Pause came may still finish. Measured on the trace log's
        // clock, from the instant the runner took the request (RunProgress::pauseRequestedNs,
        // recorded in Runner::pause()) to the last commit in the log, once every worker has
        // been quiet for 200 ms. Not from this thread's clock around the click: on a loaded
        // machine (load 16 on 2 cores) this thread itself waited its turn to deliver the key
        // and later to see the result, and that wait was counted as the product's.
        const auto& trace = controller.trace();
        QVERIFY(trace);
        const std::int64_t clickNs = trace->now();
        QElapsedTimer pauseClock;
        pauseClock.start();
        QTest::keyClick(&window, Qt::Key_F6);
        QCOMPARE(controller.state(), RunController::State::Paused);
        const std::int64_t pausedAtNs = controller.progress().pauseRequestedNs;
        QVERIFY2(pausedAtNs >= clickNs, "the runner recorded no pause request after the click");
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
        const std::int64_t lastCommitMs = (lastCommitNs(*trace) - pausedAtNs) / 1'000'000;
        qInfo("pause: the last commit came %lld ms after the runner took Pause (%lld ms after the "
              "click)",
              static_cast<long long>(lastCommitMs),
              static_cast<long long>((lastCommitNs(*trace) - clickNs) / 1'000'000));
        QVERIFY2(lastCommitMs < kActWithinMs, "commits went on after Pause");
        QTest::qWait(300); // nothing should happen here: that is what is checked
        QCOMPARE(controller.progress().committed, parked);
        QTRY_COMPARE(shownCommits(), parked);
        QVERIFY(counters->text().contains("committed"));
        QCOMPARE(window.statusBar()->findChildren<QLabel*>().value(0)->text().startsWith("Paused"), true);

        // Run resumes.
        QTest::keyClick(&window, Qt::Key_F5);
        QCOMPARE(controller.state(), RunController::State::Running);
        QTRY_VERIFY_WITH_TIMEOUT(controller.progress().committed > parked, kTimeoutMs);

        // Stop acts within 100 ms, long before the run's end, and the window settles. Measured
        // as the runner records it, on the trace log's clock, from its taking the request
        // (Runner::stop()): no worker begins a statement 100 ms or more after it (the runner
        // checks before every statement: that is the product's decision), and the workers
        // phase's last thread has ended (its statements interrupted, the run's acknowledgement)
        // within kWorstStallMs, which an interrupt that did not work (a 5 s busy wait) would
        // miss. The workers run niced below the window, so at load 16 on 2 cores the OS gave
        // their exit a core late (142 ms for 64 MVCC workers): that wait, and the click's and the
        // Finished state's turn on this thread (from the stateChanged signal, not a poll), are
        // printed, not counted as the product's.
        QElapsedTimer stopClock;
        qint64 finishedMs = -1;
        const auto connection =
            connect(&controller, &RunController::stateChanged, this, [&](RunController::State s) {
                if (s == RunController::State::Finished && finishedMs < 0) finishedMs = stopClock.elapsed();
            });
        stopClock.start();
        QTest::keyClick(&window, Qt::Key_F5, Qt::ShiftModifier);
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), RunController::State::Finished, kTimeoutMs);
        disconnect(connection);
        QTRY_VERIFY_WITH_TIMEOUT(window.isSettled(), kTimeoutMs);
        QVERIFY(controller.progress().workerTransactionsDone < total);
        const txs::RunProgress stopped = controller.progress();
        QVERIFY2(stopped.stopRequestedNs >= 0 && stopped.workersStoppedNs >= stopped.stopRequestedNs,
                 "the runner recorded no stop and acknowledgement");
        const std::int64_t stopMs = (stopped.workersStoppedNs - stopped.stopRequestedNs) / 1'000'000;
        const std::int64_t lastBeginMs = (lastStatementBeginNs(*trace) - stopped.stopRequestedNs) / 1'000'000;
        qInfo("stop: the last statement began %lld ms and the workers ended %lld ms after the runner "
              "took Stop; the window showed Finished %lld ms and settled %lld ms after the click; "
              "worst event-loop stall %lld ms",
              static_cast<long long>(lastBeginMs), static_cast<long long>(stopMs), finishedMs,
              stopClock.elapsed(), meter.worstMs());
        QVERIFY(finishedMs >= 0);
        QVERIFY2(lastBeginMs < kActWithinMs, "statements began 100 ms or more after Stop");
        QVERIFY2(stopMs < kWorstStallMs, "the workers ran on long after Stop");
        // Responsive: the event loop was never stuck long enough for a user to see it freeze
        // (before, the counters froze for 50 s). Generous, as the machine may be shared.
        QVERIFY2(meter.worstMs() < kWorstStallMs, "the window froze during the run");
    }
};

QTEST_MAIN(TestLongRun)
#include "tst_long_run.moc"
