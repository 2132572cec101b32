// The runner's pause, resume and stop, called from another thread while run() works: pause holds
// every worker (and the step loop) before its next statement, resume lets them go on, and stop
// ends a paused run at once. What ran is read from the trace log, not from the runner's word.
// Engine-labelled, so it runs under TSan too: pause() and the workers share no unguarded state.

#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

#include <QElapsedTimer>
#include <QTest>
#include <atomic>
#include <thread>

using namespace txs;

namespace {

// What "Stop ends it" is told apart from: endless workers (they would run until the QTRY's
// timeout). Generous, so that a loaded machine delaying the threads cannot fail the test.
constexpr qint64 kPromptlyMs = 10'000;

Workload parse(const std::string& text)
{
    auto parsed = parseWorkload(text, "pause.txs");
    if (!parsed.ok()) qFatal("%s", parsed.error().text().c_str());
    return parsed.workload();
}

constexpr int kWorkers = 4;

// Workers that would run for minutes: only stop() ends them within a test's time. Autocommit
// writes on MVCC take the exclusive lock and fail with SQLITE_BUSY when another holds it (as on
// Turso), so the retry budget is large enough that no worker ever gives up and leaves the pause
// count short.
const std::string kEndlessWorkers = "journal_mode: mvcc\n"
                                    "setup:\n  CREATE TABLE hits (worker INTEGER, iter INTEGER);\n"
                                    "workers w x" +
                                    std::to_string(kWorkers) +
                                    " repeat 100000000 retry(conflict, busy; max 1000000):\n"
                                    "  INSERT INTO hits VALUES ($worker, $iter);\n";

std::string endlessSteps()
{
    std::string text = "journal_mode: mvcc\nsetup:\n  CREATE TABLE t (x INTEGER);\n";
    for (int i = 0; i < 20000; ++i)
        text += "T" + std::to_string(i % 3) + ": INSERT INTO t VALUES (" + std::to_string(i) + ");\n";
    return text;
}

std::vector<Event> statementBegins(const TraceLog& log)
{
    std::vector<Event> out;
    for (auto& e : log.snapshot())
        if (e.kind == EventKind::StatementBegin) out.push_back(std::move(e));
    return out;
}

// run() on a thread of its own, as the GUI runs it. A failed check returns early: the run is
// stopped then, so the test reports instead of waiting for an endless run.
struct Background
{
    explicit Background(Runner& runner)
        : runner(runner), thread([&runner, this] {
              runner.run();
              done = true;
          })
    {}
    ~Background()
    {
        runner.stop();
        thread.join();
    }
    Runner& runner;
    std::atomic<bool> done{false};
    std::thread thread;
};

} // namespace

class TestRunnerPause : public QObject
{
    Q_OBJECT

    // Holds the run paused, then checks that no statement began in the log between the moment
    // every thread was held and resume(). The window is a few milliseconds of the test's own
    // work; a runner whose pause lets statements through shows them in it.
    void checkHeld(Runner& runner, int threads)
    {
        runner.pause();
        QTRY_COMPARE_WITH_TIMEOUT(runner.progress().held, threads, 20000);
        const auto& log = *runner.trace();
        const std::int64_t heldAt = log.now();
        const std::uint64_t beginsHeld = log.countOf(EventKind::StatementBegin);
        // A moment for a leaky pause to show itself: the log's clock moves on while nothing runs.
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        QCOMPARE(log.countOf(EventKind::StatementBegin), beginsHeld);
        QCOMPARE(runner.progress().held, threads);
        const std::int64_t resumedAt = log.now();
        for (const auto& e : statementBegins(log))
            QVERIFY2(e.timeNs < heldAt || e.timeNs > resumedAt,
                     qPrintable(
                         QString("a statement began while paused: %1").arg(QString::fromStdString(e.text))));
    }

private slots:
    void pauseHoldsEveryWorkerAndResumeContinues()
    {
        Runner runner(parse(kEndlessWorkers), {});
        Background background(runner);
        QTRY_VERIFY_WITH_TIMEOUT(runner.progress().phase == RunPhase::Workers &&
                                     runner.progress().workerTransactionsDone > 20,
                                 20000);
        checkHeld(runner, kWorkers);
        const std::uint64_t before = runner.trace()->countOf(EventKind::StatementBegin);
        runner.resume();
        QTRY_VERIFY_WITH_TIMEOUT(runner.trace()->countOf(EventKind::StatementBegin) > before + 10, 20000);
        // Every worker leaves the wait (a starved one may wake after the others have run a while).
        QTRY_COMPARE_WITH_TIMEOUT(runner.progress().held, 0, 20000);
        // A second pause holds them again: pausing is not a one-shot.
        checkHeld(runner, kWorkers);
        runner.stop();
        QTRY_VERIFY_WITH_TIMEOUT(background.done.load(), 20000);
    }

    void stopDuringPauseEndsPromptly()
    {
        Runner runner(parse(kEndlessWorkers), {});
        Background background(runner);
        QTRY_VERIFY_WITH_TIMEOUT(runner.progress().workerTransactionsDone > 0, 20000);
        runner.pause();
        QTRY_COMPARE_WITH_TIMEOUT(runner.progress().held, kWorkers, 20000);
        QElapsedTimer timer;
        timer.start();
        runner.stop();
        QTRY_VERIFY_WITH_TIMEOUT(background.done.load(), 20000);
        qInfo("stop() to the end of run(): %lld ms", static_cast<long long>(timer.elapsed()));
        QVERIFY(timer.elapsed() < kPromptlyMs);
        QCOMPARE(runner.progress().held, 0);
        QCOMPARE(runner.progress().phase, RunPhase::Done);
        // Workers left at once: far fewer transactions than the block asks for.
        QVERIFY(runner.progress().workerTransactionsDone < runner.progress().workerTransactionsTotal);
    }

    void pauseHoldsTheStepLoop()
    {
        Runner runner(parse(endlessSteps()), {});
        // Slow motion keeps the steps from all finishing before the test pauses them, and checks
        // that a pause during the delay still holds the loop.
        runner.setStatementDelay(std::chrono::microseconds(500));
        Background background(runner);
        QTRY_VERIFY_WITH_TIMEOUT(
            runner.progress().phase == RunPhase::Steps && runner.progress().stepsDone > 5, 20000);
        checkHeld(runner, 1);
        const std::size_t stepsHeld = runner.progress().stepsDone;
        runner.resume();
        QTRY_VERIFY_WITH_TIMEOUT(runner.progress().stepsDone > stepsHeld + 5, 20000);
        runner.pause();
        QTRY_COMPARE_WITH_TIMEOUT(runner.progress().held, 1, 20000);
        QElapsedTimer timer;
        timer.start();
        runner.stop();
        QTRY_VERIFY_WITH_TIMEOUT(background.done.load(), 20000);
        QVERIFY(timer.elapsed() < kPromptlyMs);
        QVERIFY(runner.progress().stepsDone < runner.progress().stepsTotal);
    }
};

QTEST_GUILESS_MAIN(TestRunnerPause)
#include "tst_runner_pause.moc"
