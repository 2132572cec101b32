// Statements that never end are untrusted input too: `WITH RECURSIVE` without a limit, a
// `sleep 3600s`, a wait for a lock with an endless busy_timeout. Stop (Runner::stop, which the
// CLI's Ctrl-C and the window's Stop and Reset call) ends each of them on every journal mode,
// and `statement_timeout` ends a statement that runs too long with an error naming its line.
// The bound asserted is loose (1 s, the sanitizer builds are slow); the figure is printed.

#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

#include <QTest>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

using namespace txs;

namespace {

// What "Stop ends it" is told apart from: an hour-long sleep, an endless statement or an endless
// busy wait. Generous, so that a loaded machine delaying the threads cannot fail the test; the
// times are printed.
constexpr std::chrono::seconds kPromptly{10};

constexpr const char* kEndless =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c;";

struct Outcomes : RunObserver
{
    std::mutex mutex;
    std::vector<StatementOutcome> all;
    void statementFinished(const StatementOutcome& o) override
    {
        std::lock_guard lock(mutex);
        all.push_back(o);
    }
};

Workload parse(const std::string& text)
{
    auto parsed = parseWorkload(text, "stop.txs");
    if (!parsed.ok()) qFatal("%s", parsed.error().text().c_str());
    return std::move(parsed.workload());
}

// Runs `text` on a thread, waits until `started` says the endless part is under way, stops it
// and returns how long stop() took to end the run.
std::chrono::milliseconds stopWhen(Runner& runner, const std::function<bool()>& started)
{
    if (auto error = runner.open()) qFatal("%s", error->describe().c_str());
    auto done = std::async(std::launch::async, [&] { runner.run(); });
    // No sleep: QTRY polls the run's own progress.
    [&] { QTRY_VERIFY_WITH_TIMEOUT(started(), 60000); }();
    const auto begin = std::chrono::steady_clock::now();
    runner.stop();
    if (done.wait_for(std::chrono::seconds(60)) != std::future_status::ready)
        qFatal("stop() did not end the run");
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin);
}

} // namespace

class SecurityInterrupt : public QObject
{
    Q_OBJECT

private slots:
    void modes_data()
    {
        QTest::addColumn<QString>("mode");
        for (const char* name : {"mvcc", "wal", "delete"})
            QTest::newRow(name) << QString(name);
    }

    void stopEndsEndlessStatement_data() { modes_data(); }
    void stopEndsEndlessStatement()
    {
        QFETCH(QString, mode);
        Runner runner(
            parse("journal_mode: " + mode.toStdString() + "\nT1: " + kEndless + "\nT1: SELECT 2;\n"), {});
        Outcomes outcomes;
        runner.setObserver(&outcomes);
        const auto took = stopWhen(runner, [&] { return runner.progress().stepsDone >= 1; });
        qInfo("%s: Stop ended WITH RECURSIVE in %lld ms", qPrintable(mode),
              static_cast<long long>(took.count()));
        QVERIFY(took < kPromptly);
        std::lock_guard lock(outcomes.mutex);
        QCOMPARE(outcomes.all.size(), std::size_t(1)); // the rest was skipped
        const auto& o = outcomes.all[0];
        QCOMPARE(o.line, 2);
        QVERIFY(!o.result.ok());
        QCOMPARE(o.result.error->code, rc::Interrupt);
        QVERIFY2(QString::fromStdString(o.result.error->message).contains("stopped"),
                 o.result.error->message.c_str());
    }

    void statementTimeout_data() { modes_data(); }
    void statementTimeout()
    {
        QFETCH(QString, mode);
        Runner runner(parse("journal_mode: " + mode.toStdString() + "\nstatement_timeout: 50ms\nT1: " +
                            kEndless + " -- expect: error statement_timeout\nT1: SELECT 2; -- expect: 2\n"),
                      {});
        Outcomes outcomes;
        runner.setObserver(&outcomes);
        const auto begin = std::chrono::steady_clock::now();
        const RunSummary& summary = runner.run();
        const auto took = std::chrono::steady_clock::now() - begin;
        QCOMPARE(summary.expectationsFailed, 0);
        QCOMPARE(summary.expectationsPassed, 2);
        QVERIFY(took < std::chrono::seconds(5));
        std::lock_guard lock(outcomes.mutex);
        QCOMPARE(outcomes.all[0].line, 3);
        QCOMPARE(outcomes.all[0].result.error->code, rc::Interrupt);
        QVERIFY(QString::fromStdString(outcomes.all[0].result.error->message)
                    .contains("statement_timeout (50ms)"));
    }

    void stopEndsSleep_data() { modes_data(); }
    void stopEndsSleep()
    {
        QFETCH(QString, mode);
        Runner runner(parse("journal_mode: " + mode.toStdString() +
                            "\nT1: sleep 3600s;\nworkers w x4 repeat 1:\n  sleep 3600s;\n"),
                      {});
        const auto took = stopWhen(runner, [&] { return runner.progress().stepsDone >= 1; });
        qInfo("%s: Stop ended sleep 3600s in %lld ms", qPrintable(mode),
              static_cast<long long>(took.count()));
        QVERIFY(took < kPromptly);
    }

    void stopEndsWorkerSleep()
    {
        Runner runner(parse("workers w x4 repeat 1:\n  sleep 3600s;\n"), {});
        const auto took = stopWhen(runner, [&] { return runner.progress().phase == RunPhase::Workers; });
        QVERIFY(took < kPromptly);
    }

    // A worker waiting for a lock with an endless busy_timeout: the wait ends on Stop.
    void stopEndsBusyWait_data() { modes_data(); }
    void stopEndsBusyWait()
    {
        QFETCH(QString, mode);
        Runner runner(parse("journal_mode: " + mode.toStdString() +
                            "\nbusy_timeout: 2147483647\nsetup:\n  CREATE TABLE t(x);\n"
                            "T1: BEGIN IMMEDIATE;\nT1: INSERT INTO t VALUES (1);\n"
                            "workers w x2 repeat 1:\n  INSERT INTO t VALUES (2);\n"),
                      {});
        const auto took = stopWhen(runner, [&] { return runner.progress().phase == RunPhase::Workers; });
        qInfo("%s: Stop ended a busy wait in %lld ms", qPrintable(mode),
              static_cast<long long>(took.count()));
        QVERIFY(took < kPromptly);
    }
};

QTEST_GUILESS_MAIN(SecurityInterrupt)
#include "tst_security_interrupt.moc"
