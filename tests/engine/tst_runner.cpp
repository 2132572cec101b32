// The workload runner: order of a run, expectations, the step-mode blocking rule, worker
// retry loops, and the summary's counts.

#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"
#include "support/OutcomeRecorder.h"
#include "support/Workloads.h"

#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <mutex>
#include <sched.h>
#include <set>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace txs;

namespace {

using Recorder = testing::OutcomeRecorder;

} // namespace

class TestRunner : public QObject
{
    Q_OBJECT

private slots:
    void runsTheDesignExample()
    {
        Runner runner(testing::parseOrFail(testing::kDesignExample), {});
        Recorder recorder;
        runner.setObserver(&recorder);
        const auto& s = runner.run();
        QVERIFY2(s.ok(), qPrintable(recorder.lines().join("\n")));
        QCOMPARE(s.expectationsPassed, 5);
        QCOMPARE(s.expectationsFailed, 0);
        QCOMPARE(s.conflicts, 1u);
        QCOMPARE(s.committed, 1u + 16u + 1u); // T1, the writers, and the setup INSERT
        QVERIFY(s.events > 0);
        QCOMPARE(runner.progress().phase, RunPhase::Done);
    }

    void stepModeShowsAWaitAsBlocked()
    {
        Runner runner(testing::parseOrFail(R"(busy_timeout: 1000
setup:
  CREATE TABLE t (id INTEGER PRIMARY KEY, v);
A: BEGIN IMMEDIATE;
B: BEGIN IMMEDIATE;       -- expect: blocked
B: INSERT INTO t VALUES (2, 'b');
A: INSERT INTO t VALUES (1, 'a');
A: COMMIT;
B: COMMIT;
check:
  SELECT id, v FROM t ORDER BY id;    -- expect: 1|a, 2|b
)"),
                      {});
        Recorder recorder;
        runner.setObserver(&recorder);
        const auto& s = runner.run();
        QVERIFY2(s.ok(), qPrintable(recorder.lines().join("\n")));
        // B's BEGIN finished only after A's COMMIT; B's later steps waited behind it.
        const QStringList expected = {"3 setup: ok",  "4 A: ok", "7 A: ok", "8 A: ok",
                                      "5 B: blocked", "6 B: ok", "9 B: ok", "11 check: 1|a, 2|b"};
        QCOMPARE(recorder.lines(), expected);
        QVERIFY(!recorder.blocked.empty());
        QCOMPARE(recorder.blocked.front().line, 5);
    }

    void blockedStatementTimesOutInVirtualTime()
    {
        Runner runner(testing::parseOrFail(R"(busy_timeout: 50
A: BEGIN IMMEDIATE;
B: BEGIN IMMEDIATE;     -- expect: error SQLITE_BUSY
A: SELECT 1;
)"),
                      {});
        Recorder recorder;
        runner.setObserver(&recorder);
        const auto& s = runner.run();
        QVERIFY2(s.ok(), qPrintable(recorder.lines().join("\n")));
        QCOMPARE(s.busy, 1u);
        // 1+2+5+10+15+20 ms of virtual waiting passes 50 on the sixth try.
        QVERIFY(recorder.blocked.back().virtualWaitMs < 50);
        QVERIFY(recorder.outcomes.back().blocked || recorder.outcomes[1].blocked);
    }

    void withoutBusyTimeoutABusyFailsAtOnce()
    {
        Runner runner(testing::parseOrFail(R"(A: BEGIN IMMEDIATE;
B: BEGIN IMMEDIATE;     -- expect: error busy
)"),
                      {});
        Recorder recorder;
        runner.setObserver(&recorder);
        QVERIFY(runner.run().ok());
        QVERIFY(recorder.blocked.empty());
    }

    void expectationFailuresAreReported()
    {
        Runner runner(testing::parseOrFail(R"(A: SELECT 1;    -- expect: 2
A: SELECT 1;    -- expect: 1
)"),
                      {});
        const auto& s = runner.run();
        QVERIFY(!s.ok());
        QCOMPARE(s.expectationsFailed, 1);
        QCOMPARE(s.failures.size(), std::size_t(1));
        QCOMPARE(s.failures[0].line, 1);
        QCOMPARE(s.failures[0].expected, std::string("2"));
        QCOMPARE(s.failures[0].actual, std::string("1"));
    }

    void workersRetryConflictsUntilEveryIncrementLands()
    {
        Runner runner(testing::parseOrFail(R"(setup:
  CREATE TABLE counter (id INTEGER PRIMARY KEY, n INT);
  INSERT INTO counter VALUES (1, 0);
workers inc x8 repeat 50 retry(conflict; max 100000, backoff none):
  BEGIN CONCURRENT;
  UPDATE counter SET n = n + 1 WHERE id = 1;
  COMMIT;
check:
  SELECT n FROM counter;    -- expect: 400
)"),
                      {});
        Recorder recorder;
        runner.setObserver(&recorder);
        const auto& s = runner.run();
        QVERIFY2(s.ok(), qPrintable(recorder.lines().join("\n")));
        QCOMPARE(s.committed, 400u + 1u); // and the setup INSERT
        QCOMPARE(s.retries, s.conflicts); // every conflict was retried once
        QVERIFY(s.latencyP99Ms >= s.latencyP50Ms);
        QVERIFY(s.throughputTps > 0);
    }

    // Runs a setup statement on the runner's thread and three workers' inserts, and returns what
    // `probe` read on the thread of every statement that finished (the observer is called there).
    static std::set<int> probeEveryStatement(const RunOptions& options, std::function<int()> probe)
    {
        struct ProbeRecorder : RunObserver
        {
            std::function<int()> probe;
            std::mutex mutex;
            std::set<int> seen;
            void statementFinished(const StatementOutcome&) override
            {
                const int value = probe();
                std::lock_guard lock(mutex);
                seen.insert(value);
            }
        };
        Runner runner(testing::parseOrFail(R"(setup:
  CREATE TABLE t (w INT);
workers w x3 repeat 4 retry(conflict, busy; max 1000):
  BEGIN CONCURRENT;
  INSERT INTO t VALUES ($worker);    -- expect: ok
  COMMIT;
)"),
                      options);
        ProbeRecorder recorder;
        recorder.probe = std::move(probe);
        runner.setObserver(&recorder);
        const auto& summary = runner.run();
        if (!summary.ok())
            qWarning("run failed: %s",
                     summary.workerErrors.empty() ? "not ok" : summary.workerErrors.front().c_str());
        return summary.ok() ? recorder.seen : std::set<int>{};
    }

    static int thisThreadsNiceness()
    {
        return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
    }

    // The workbench's workers give way to its window: each worker thread runs at the nice value
    // asked for above the process's, the runner's own thread is left alone.
    void workerNicenessLowersOnlyTheWorkers()
    {
        const int base = thisThreadsNiceness();
        RunOptions options;
        options.workerNiceness = 7;
        const auto seen = probeEveryStatement(options, thisThreadsNiceness);
        // The setup's statement at the runner's niceness, the workers' at the lower priority.
        QString text;
        for (int n : seen)
            text += QString::number(n) + " ";
        QVERIFY2(seen == (std::set<int>{base, std::min(base + 7, 19)}), qPrintable(text));
        QCOMPARE(thisThreadsNiceness(), base);
    }

    // SCHED_IDLE for the workers only: every statement of a worker ran under that policy, and
    // the runner's thread (the test's own) keeps its policy.
    void workerIdleSchedulingMovesOnlyTheWorkers()
    {
        const int base = ::sched_getscheduler(0);
        QVERIFY(base != SCHED_IDLE);
        RunOptions options;
        options.workerIdleScheduling = true;
        const auto seen = probeEveryStatement(options, [] { return ::sched_getscheduler(0); });
        QVERIFY(seen == (std::set<int>{base, SCHED_IDLE}));
        QCOMPARE(::sched_getscheduler(0), base);
    }

    // Every worker's transactions reach progress(): each worker counts on its own line, and the
    // slots of two blocks do not overlap. The busy_timeout makes a writer wait for the lock
    // instead of spending its retries at once: the holder keeps it through the log's fdatasync,
    // which on a disk other tests keep busy can outlast a thousand immediate retries.
    void progressCountsEveryWorkersTransactions()
    {
        Runner runner(testing::parseOrFail(R"(busy_timeout: 60000
setup:
  CREATE TABLE t (w INT);
workers a x3 repeat 7 retry(conflict, busy; max 1000):
  INSERT INTO t VALUES ($worker);
workers b x2 repeat 5 retry(conflict, busy; max 1000):
  BEGIN CONCURRENT;
  INSERT INTO t VALUES (10 + $worker);
  COMMIT;
check:
  SELECT count(*) FROM t;    -- expect: 31
)"),
                      {});
        QCOMPARE(runner.progress().workerTransactionsTotal, std::uint64_t(31));
        QCOMPARE(runner.progress().workerTransactionsDone, std::uint64_t(0));
        const auto& s = runner.run();
        QVERIFY2(s.ok(), s.workerErrors.empty() ? "" : s.workerErrors.front().c_str());
        QCOMPARE(runner.progress().workerTransactionsDone, std::uint64_t(31));
    }

    // A run in which every statement met a lock is not a pass. Each worker tallies its statements
    // and adds them to the run's when it ends, whether it failed (the BUSY workers) or finished
    // (`free`, whose SELECT 1 reads no page and so passes the lock): with a worker that got
    // through, the run is not all locks.
    void aRunInWhichEveryStatementMetALockIsNotAPass_data()
    {
        QTest::addColumn<QString>("otherBlock");
        QTest::addColumn<int>("verdicts");
        QTest::newRow("every worker locked out") << QString() << 1;
        QTest::newRow("one worker got through") << QString("workers free x1 repeat 2:\n  SELECT 1;\n") << 0;
    }

    void aRunInWhichEveryStatementMetALockIsNotAPass()
    {
        QFETCH(QString, otherBlock);
        QFETCH(int, verdicts);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("locked.db").toStdString();
        sqlite3* holder = nullptr;
        QCOMPARE(sqlite3_open(path.c_str(), &holder), SQLITE_OK);
        QCOMPARE(sqlite3_exec(holder, "CREATE TABLE t (x)", nullptr, nullptr, nullptr), SQLITE_OK);
        RunOptions options;
        options.databasePath = path;
        const std::string text = R"(journal_mode: delete
busy_timeout: 0
workers w x2 repeat 3:
  INSERT INTO t VALUES ($worker);
)" + otherBlock.toStdString();
        Runner runner(testing::parseOrFail(text.c_str()), options);
        QVERIFY(!runner.open()); // before the lock: opening checks the file
        // Another process takes the file once the run has it open.
        QCOMPARE(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
        const auto& s = runner.run();
        sqlite3_close(holder);
        QCOMPARE(s.workersFailed, 2); // each worker's first INSERT: SQLITE_BUSY, not retried
        QCOMPARE(s.statementsFailed, verdicts);
        QCOMPARE(s.statementErrors.size(), std::size_t(verdicts));
        if (verdicts)
            QVERIFY2(QString::fromStdString(s.statementErrors[0])
                         .startsWith("every one of the 2 statement(s) failed with SQLITE_BUSY"),
                     s.statementErrors[0].c_str());
        QVERIFY(!s.ok()); // the failed workers fail it either way
    }

    void aNonRetryableErrorEndsTheWorker()
    {
        Runner runner(testing::parseOrFail(R"(workers w x2 repeat 3 retry(conflict; max 5):
  SELECT * FROM missing_table;
)"),
                      {});
        const auto& s = runner.run();
        QCOMPARE(s.workersFailed, 2);
        QCOMPARE(s.workerErrors.size(), std::size_t(2));
        QVERIFY(QString::fromStdString(s.workerErrors[0]).contains("no such table"));
        QVERIFY(!s.ok());
    }

    void stopEndsARunEarly()
    {
        Runner runner(testing::parseOrFail(R"(A: SELECT 1;
A: SELECT 2;
A: SELECT 3;
)"),
                      {});
        QVERIFY(!runner.open());
        QCOMPARE(runner.progress().nextLine, 1);
        QVERIFY(runner.step());
        QCOMPARE(runner.progress().nextLine, 2);
        runner.stop();
        QVERIFY(!runner.step());
        QCOMPARE(runner.progress().phase, RunPhase::Done);
    }

    void retriesAreTraced()
    {
        auto trace = std::make_shared<TraceLog>();
        RunOptions options;
        options.trace = trace;
        Runner runner(testing::parseOrFail(R"(setup:
  CREATE TABLE c (id INTEGER PRIMARY KEY, n INT);
  INSERT INTO c VALUES (1, 0);
workers inc x4 repeat 20 retry(conflict; max 100000, backoff none):
  BEGIN CONCURRENT;
  UPDATE c SET n = n + 1 WHERE id = 1;
  COMMIT;
)"),
                      options);
        const auto& s = runner.run();
        const auto events = trace->snapshot();
        std::uint64_t retryEvents = 0, conflicts = 0, workerCommits = 0;
        std::set<std::uint32_t> workers;
        for (const auto& e : events) {
            if (e.kind == EventKind::ConnectionOpen &&
                (e.text == "inc-0" || e.text == "inc-1" || e.text == "inc-2" || e.text == "inc-3"))
                workers.insert(e.connection);
            if (e.kind == EventKind::TxRetry) ++retryEvents;
            if (e.kind == EventKind::Conflict) ++conflicts;
            if (e.kind == EventKind::TxCommit && workers.count(e.connection)) ++workerCommits;
        }
        // Unlimited retries of conflicts only: every conflict the engine reported was retried
        // once, and every one of the 80 transactions committed in the end. Counted from other
        // events than the summary's (Conflict, TxCommit), so a miscount shows.
        QVERIFY(s.ok());
        QCOMPARE(retryEvents, conflicts);
        QCOMPARE(s.retries, conflicts);
        QCOMPARE(s.conflicts, conflicts);
        QCOMPARE(workerCommits, std::uint64_t{80});
        // Nothing was dropped: the summary's event count is the number of events held, as
        // stored: a successful StatementEnd folded into the next StatementBegin, with the
        // TxBegin of an MVCC BEGIN before it (engine/trace/StatementFold.h), is one stored
        // event, read as the two (or three) that share its seq.
        QCOMPARE(s.eventsDropped, std::uint64_t{0});
        std::uint64_t folded = 0, carriedTxBegins = 0;
        for (std::size_t i = 0; i + 1 < events.size(); ++i) {
            folded += events[i].kind == EventKind::StatementEnd && events[i + 1].seq == events[i].seq;
            carriedTxBegins += events[i].kind == EventKind::TxBegin && events[i + 1].seq == events[i].seq;
        }
        QVERIFY(folded > 0);
        QVERIFY(carriedTxBegins > 0);
        QCOMPARE(s.events + folded + carriedTxBegins, std::uint64_t(events.size()));
    }
};

QTEST_GUILESS_MAIN(TestRunner)
#include "tst_runner.moc"
