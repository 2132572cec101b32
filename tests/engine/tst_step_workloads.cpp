// The step scheduler against real SQLite's behaviour, one .txs per case in tests/engine/workloads:
// statements queued behind a wait, each connection's own busy_timeout, checkpoints that wait for
// readers, the guard against a scheduler that cannot move, and the facts the explanations state.
// Every workload runs through the Runner on each engine its "# engines:" line names and must
// hold all its expectations; the tests below add what an expectation cannot say.

#include "engine/api/Database.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"
#include "support/OutcomeRecorder.h"

#include <QDir>
#include <QFile>
#include <QTest>
#include <map>
#include <mutex>

using namespace txs;

namespace {

const QString kWorkloads = QStringLiteral(TXSCOPE_SOURCE_DIR "/tests/engine/workloads");

using Collected = testing::OutcomeRecorder;

struct Ran
{
    RunSummary summary;
    std::shared_ptr<Collected> collected = std::make_shared<Collected>();
};

Ran runFile(const QString& name, JournalMode mode)
{
    auto parsed = parseWorkloadFile((kWorkloads + "/" + name).toStdString());
    if (!parsed.ok()) qFatal("%s", parsed.error().text().c_str());
    RunOptions options;
    options.journalMode = mode;
    Runner runner(parsed.workload(), options);
    Ran ran;
    runner.setObserver(ran.collected.get());
    ran.summary = runner.run();
    return ran;
}

// The engines a workload's "# engines: mvcc wal delete" comment names.
QList<JournalMode> enginesOf(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    QList<JournalMode> modes;
    for (const QByteArray& line : file.readAll().split('\n')) {
        if (!line.startsWith("# engines:")) continue;
        for (const QByteArray& word : line.mid(10).simplified().split(' '))
            if (auto mode = parseJournalMode(word.toStdString())) modes << *mode;
    }
    return modes;
}

} // namespace

class TestStepWorkloads : public QObject
{
    Q_OBJECT

private slots:
    void everyWorkloadHoldsOnEachEngine_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("mode");
        const QStringList files = QDir(kWorkloads).entryList({"*.txs"}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 8);
        for (const QString& f : files) {
            const auto modes = enginesOf(kWorkloads + "/" + f);
            QVERIFY2(!modes.isEmpty(), qPrintable(f + " names no engine"));
            for (JournalMode m : modes)
                QTest::addRow("%s on %s", qPrintable(f), journalModeName(m)) << f << static_cast<int>(m);
        }
    }
    void everyWorkloadHoldsOnEachEngine()
    {
        QFETCH(QString, file);
        QFETCH(int, mode);
        const Ran ran = runFile(file, static_cast<JournalMode>(mode));
        QVERIFY2(ran.summary.ok(), qPrintable(ran.collected->story()));
        QVERIFY(ran.summary.expectationsPassed > 0);
    }

    // B's three queued steps ran after its wait, in file order, and nothing ran twice.
    void queuedStepsRunInOrderAfterTheWait_data() { modes(); }
    void queuedStepsRunInOrderAfterTheWait()
    {
        QFETCH(int, mode);
        const Ran ran = runFile("step-queue-after-wait.txs", static_cast<JournalMode>(mode));
        QStringList order;
        for (const auto& o : ran.collected->outcomes)
            if (o.phase == RunPhase::Steps) order << QString("%1 %2").arg(o.line).arg(o.connection.c_str());
        QCOMPARE(order, (QStringList{"11 A", "12 A", "17 A", "13 B", "14 B", "15 B", "16 B"}));
        QVERIFY(ran.collected->at(13).blocked);
        QVERIFY(!ran.collected->at(14).blocked);
    }

    // A wait the connection's own busy_timeout allows is shown as blocked and quoted with that
    // timeout; a lowered one fails at once.
    void ownBusyTimeoutIsQuoted_data() { modes(); }
    void ownBusyTimeoutIsQuoted()
    {
        QFETCH(int, mode);
        const Ran raised = runFile("busy-timeout-raised-on-connection.txs", static_cast<JournalMode>(mode));
        QVERIFY2(raised.summary.ok(), qPrintable(raised.collected->story()));
        QVERIFY(!raised.collected->blocked.empty());
        QCOMPARE(raised.collected->blocked.front().connection, std::string("B"));
        QVERIFY(!raised.collected->at(13).blocked); // C, header timeout 0: failed at once

        const Ran lowered = runFile("busy-timeout-lowered-on-connection.txs", static_cast<JournalMode>(mode));
        QVERIFY2(lowered.summary.ok(), qPrintable(lowered.collected->story()));
        QVERIFY(lowered.collected->blocked.empty());
        QVERIFY(!lowered.collected->at(11).blocked);
    }

    void setBusyTimeoutIsTheConnectionsOwnSetting_data() { modes(); }
    void setBusyTimeoutIsTheConnectionsOwnSetting()
    {
        QFETCH(int, mode);
        const QString dir = QDir::tempPath() + "/txscope-step-workloads-" +
                            QString::number(QCoreApplication::applicationPid());
        QDir().mkpath(dir);
        Error error;
        const auto jm = static_cast<JournalMode>(mode);
        auto db = Database::open(jm == JournalMode::Mvcc ? ":memory:" : (dir + "/t.db").toStdString(),
                                 {jm, nullptr}, &error);
        QVERIFY2(db, error.message.c_str());
        auto c = db->connect("A");
        c->setBusyTimeout(250);
        QCOMPARE(c->busyTimeout(), 250);
        c->setBusyHandler([](int) { return false; }); // a handler replaces the waiting, not the setting
        QCOMPARE(c->busyTimeout(), 250);
        QVERIFY(c->execute("PRAGMA busy_timeout = 40").ok());
        QCOMPARE(c->busyTimeout(), 40);
        c.reset();
        db.reset();
        QDir(dir).removeRecursively();
    }

    // The waiting checkpoint: blocked while R reads, then done; with R never ending it runs out
    // its busy_timeout and reports busy=1, as SQLite's does.
    void checkpointWaitsThenCompletes()
    {
        const Ran ran = runFile("checkpoint-waits-for-reader.txs", JournalMode::Wal);
        QVERIFY2(ran.summary.ok(), qPrintable(ran.collected->story()));
        const auto& truncate = ran.collected->at(15);
        QVERIFY(truncate.blocked);
        QCOMPARE(QString::fromStdString(truncate.result.rowsText()), QString("0|0|0"));
        QVERIFY(truncate.busyHandlerCalls >= 1);

        auto parsed = parseWorkload(R"(journal_mode: wal
busy_timeout: 30
setup:
  CREATE TABLE t (x);
R: BEGIN;
R: SELECT count(*) FROM t;
W: INSERT INTO t VALUES (1);
C: PRAGMA wal_checkpoint(RESTART);
)",
                                    "stuck.txs");
        QVERIFY(parsed.ok());
        Runner runner(parsed.workload(), {});
        Collected collected;
        runner.setObserver(&collected);
        runner.run();
        const auto& restart = collected.at(8);
        QVERIFY(restart.blocked);
        QVERIFY(restart.result.ok());
        QCOMPARE(restart.result.rows.at(0).at(0).display(), std::string("1")); // busy
        QCOMPARE(restart.virtualWaitMs, std::int64_t{30});
    }

    // The figures of a timed-out wait agree: every handler call counted, the one that gave up
    // included, and exactly busy_timeout of waiting (SQLite's schedule: 1+2+5+2 ms, then give up).
    void timedOutWaitFiguresAgree_data() { modes(); }
    void timedOutWaitFiguresAgree()
    {
        QFETCH(int, mode);
        const Ran ran = runFile("explain-timeout-figures.txs", static_cast<JournalMode>(mode));
        QVERIFY2(ran.summary.ok(), qPrintable(ran.collected->story()));
        const auto& b = ran.collected->at(7);
        QVERIFY(b.blocked);
        QCOMPARE(b.busyHandlerCalls, 5);
        QCOMPARE(b.virtualWaitMs, std::int64_t{10});
        const QString why = QString::fromStdString(b.explanation);
        QVERIFY2(why.contains("called 5 times"), qPrintable(why));
        QVERIFY2(why.contains("busy_timeout of 10 ms ran out"), qPrintable(why));
    }

    // The explanation quotes the connection's own busy_timeout, not the header's.
    void explanationQuotesTheConnectionsOwnTimeout_data() { modes(); }
    void explanationQuotesTheConnectionsOwnTimeout()
    {
        QFETCH(int, mode);
        auto parsed = parseWorkload("busy_timeout: 0\nB: PRAGMA busy_timeout = 20;\nA: BEGIN IMMEDIATE;\n"
                                    "B: BEGIN IMMEDIATE;   -- expect: error SQLITE_BUSY\n",
                                    "own.txs");
        QVERIFY(parsed.ok());
        RunOptions options;
        options.journalMode = static_cast<JournalMode>(mode);
        Runner runner(parsed.workload(), options);
        Collected collected;
        runner.setObserver(&collected);
        QVERIFY2(runner.run().ok(), qPrintable(collected.story()));
        const auto& b = collected.at(4);
        QVERIFY(b.blocked);
        QCOMPARE(b.virtualWaitMs, std::int64_t{20});
        const QString why = QString::fromStdString(b.explanation);
        QVERIFY2(why.contains("B's busy_timeout of 20 ms ran out"), qPrintable(why));
    }

    // A huge busy_timeout with nothing to end the wait costs no time: virtual time jumps to it.
    void aWaitNothingEndsRunsOutAtOnce()
    {
        auto parsed = parseWorkload("busy_timeout: 2000000000\nA: BEGIN IMMEDIATE;\n"
                                    "B: BEGIN IMMEDIATE;   -- expect: error SQLITE_BUSY\n",
                                    "long.txs");
        QVERIFY(parsed.ok());
        Runner runner(parsed.workload(), {});
        Collected collected;
        runner.setObserver(&collected);
        QVERIFY(runner.run().ok());
        QCOMPARE(collected.at(3).virtualWaitMs, std::int64_t{2000000000});
    }

    // Explanations state what SQLite 3.40.1 does (each checked with python3's sqlite3).
    void autocommitWriteRolledBackReleasesItsLocks()
    {
        const Ran ran = runFile("explain-autocommit-write-rolled-back.txs", JournalMode::Delete);
        QVERIFY2(ran.summary.ok(), qPrintable(ran.collected->story()));
        const QString why = QString::fromStdString(ran.collected->at(13).explanation);
        QVERIFY2(!why.contains("stays at PENDING"), qPrintable(why));
        QVERIFY2(why.contains("new readers get in"), qPrintable(why));
    }

    void leavingWalFailsAtOnceWhateverTheTimeout()
    {
        const Ran ran = runFile("explain-leave-wal.txs", JournalMode::Wal);
        QVERIFY2(ran.summary.ok(), qPrintable(ran.collected->story()));
        const auto& a = ran.collected->at(11);
        QVERIFY(!a.blocked);
        const QString why = QString::fromStdString(a.explanation);
        QVERIFY2(why.contains("whatever busy_timeout is"), qPrintable(why));
        QVERIFY2(why.contains("even when idle"), qPrintable(why));
        QVERIFY2(!why.contains("Set busy_timeout"), qPrintable(why));
        QVERIFY2(!why.contains("reading"), qPrintable(why));
    }

    void walWriterHoldsTheWalWriteLock()
    {
        const Ran ran = runFile("explain-wal-write-lock.txs", JournalMode::Wal);
        QVERIFY2(ran.summary.ok(), qPrintable(ran.collected->story()));
        for (int line : {13, 14}) {
            const QString why = QString::fromStdString(ran.collected->at(line).explanation);
            QVERIFY2(why.contains("A held the WAL write lock"), qPrintable(why));
            QVERIFY2(!why.contains("EXCLUSIVE"), qPrintable(why));
            QVERIFY2(!why.contains("held by A held"), qPrintable(why));
        }
    }

private:
    void modes()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("mvcc") << static_cast<int>(JournalMode::Mvcc);
        QTest::newRow("wal") << static_cast<int>(JournalMode::Wal);
        QTest::newRow("delete") << static_cast<int>(JournalMode::Delete);
    }
};

QTEST_GUILESS_MAIN(TestStepWorkloads)
#include "tst_step_workloads.moc"
