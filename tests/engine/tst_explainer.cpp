// Every shipped scenario on real SQLite runs with all its expectations holding, and each BUSY
// gets the explanation of the rule that really applied, with the lock trail that shows it.
// MVCC conflicts and busy errors are explained too.

#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

#include <QDir>
#include <QTest>

#include <map>
#include <mutex>

using namespace txs;

namespace {

struct Collected : RunObserver
{
    std::mutex mutex;
    std::map<int, StatementOutcome> byLine; // last outcome of each line
    void statementFinished(const StatementOutcome& o) override
    {
        std::lock_guard lock(mutex);
        byLine[o.line] = o;
    }
};

struct Ran
{
    RunSummary summary;
    std::map<int, StatementOutcome> byLine;
    std::vector<Event> events;
    std::map<std::uint32_t, std::string> names;
};

Ran runScenario(const QString& file)
{
    auto parsed = parseWorkloadFile(file.toStdString());
    if (!parsed.ok()) qFatal("%s", parsed.error().text().c_str());
    auto trace = std::make_shared<TraceLog>();
    RunOptions options;
    options.trace = trace;
    Runner runner(parsed.workload(), options);
    Collected collected;
    runner.setObserver(&collected);
    Ran ran;
    ran.summary = runner.run();
    ran.byLine = collected.byLine;
    ran.events = trace->snapshot();
    for (const auto& e : ran.events)
        if (e.kind == EventKind::ConnectionOpen) ran.names[e.connection] = e.text;
    return ran;
}

QString scenario(const char* name) { return QString(TXSCOPE_SOURCE_DIR "/resources/scenarios/") + name; }

// "B RESERVED" ... for database-file lock changes and waits, in order, for the named connections.
QStringList dbFileTrail(const Ran& ran, const QStringList& who)
{
    QStringList out;
    for (const auto& e : ran.events) {
        if (static_cast<LockResource>(e.a) != LockResource::DbFile) continue;
        const QString name = QString::fromStdString(ran.names.count(e.connection) ? ran.names.at(e.connection) : "");
        if (!who.contains(name)) continue;
        const char* level = lockLevelName(static_cast<LockLevel>(e.b));
        if (e.kind == EventKind::LockAcquire || e.kind == EventKind::LockRelease) out << name + " " + level;
        else if (e.kind == EventKind::LockWait) out << name + " wait " + level;
    }
    return out;
}

} // namespace

class TestExplainer : public QObject
{
    Q_OBJECT

    void expectExplained(const Ran& ran, int line, const QStringList& phrases)
    {
        QVERIFY2(ran.byLine.count(line), qPrintable(QString("no outcome for line %1").arg(line)));
        // The phrases may be in the why or in the fix (the rule's): two fields of the outcome.
        const StatementOutcome& o = ran.byLine.at(line);
        const QString why = QString::fromStdString(o.explanation + " Fix: " + o.fix);
        for (const auto& phrase : phrases)
            QVERIFY2(why.contains(phrase), qPrintable(QString("line %1: '%2' not in: %3").arg(line).arg(phrase, why)));
    }

private slots:
    void everySqliteScenarioHoldsItsExpectations_data()
    {
        QTest::addColumn<QString>("file");
        for (const auto& f : QDir(scenario("")).entryList({"sqlite-*.txs"}))
            QTest::newRow(qPrintable(f)) << scenario(qPrintable(f));
    }

    void everySqliteScenarioHoldsItsExpectations()
    {
        QFETCH(QString, file);
        const Ran ran = runScenario(file);
        QStringList failures;
        for (const auto& f : ran.summary.failures)
            failures << QString("line %1: expected %2, got %3")
                            .arg(f.line)
                            .arg(QString::fromStdString(f.expected), QString::fromStdString(f.actual));
        QVERIFY2(ran.summary.ok(), qPrintable(failures.join("; ") + QString::fromStdString(
                                                  ran.summary.workerErrors.empty() ? "" : ran.summary.workerErrors[0])));
    }

    void deferredUpgradeDeadlock()
    {
        const Ran ran = runScenario(scenario("sqlite-deferred-upgrade-deadlock.txs"));
        QVERIFY(ran.summary.ok());
        expectExplained(ran, 22, {"A read in a deferred transaction", "B held PENDING", "without calling the busy handler",
                                  "could deadlock", "BEGIN IMMEDIATE"});
        // A reads (SHARED); B takes RESERVED, then asks EXCLUSIVE for COMMIT and is left at
        // PENDING; A's request for RESERVED is refused; A's ROLLBACK frees B.
        const QStringList trail = dbFileTrail(ran, {"A", "B"});
        const QStringList expectedOrder = {"A SHARED", "B SHARED", "B RESERVED", "B PENDING", "B wait EXCLUSIVE",
                                           "A wait RESERVED", "A NONE", "B EXCLUSIVE", "B NONE"};
        int from = 0;
        for (const auto& step : expectedOrder) {
            const int at = trail.indexOf(step, from);
            QVERIFY2(at >= 0, qPrintable("missing '" + step + "' in order; trail: " + trail.join(", ")));
            from = at + 1;
        }
    }

    void staleWalSnapshot()
    {
        const Ran ran = runScenario(scenario("sqlite-stale-wal-snapshot.txs"));
        expectExplained(ran, 20, {"fixed snapshot", "SQLITE_BUSY_SNAPSHOT at once", "Retrying the statement can never"});
        QCOMPARE(ran.summary.busySnapshot, 2u);
    }

    void readersBlockCommit()
    {
        const Ran ran = runScenario(scenario("sqlite-readers-block-commit.txs"));
        expectExplained(ran, 20, {"W needed EXCLUSIVE", "R held SHARED", "still open", "Retry COMMIT"});
        expectExplained(ran, 21, {"N wanted to read (SHARED)", "W held PENDING", "waiting to commit"});
    }

    void cacheSpillLeavesPending()
    {
        const Ran ran = runScenario(scenario("sqlite-cache-spill-pending.txs"));
        expectExplained(ran, 22, {"W held PENDING", "page cache spilled"});
    }

    void concurrentSwitchToWal()
    {
        const Ran ran = runScenario(scenario("sqlite-concurrent-wal-switch.txs"));
        expectExplained(ran, 17, {"journal mode", "A held SHARED", "busy_timeout first"});
    }

    void mvccConflictNamesTheOtherTransaction()
    {
        auto parsed = parseWorkload(R"(setup:
  CREATE TABLE t (id INTEGER PRIMARY KEY, v INT);
  INSERT INTO t VALUES (1, 0);
T1: BEGIN CONCURRENT;
T2: BEGIN CONCURRENT;
T1: UPDATE t SET v = 1 WHERE id = 1;
T2: UPDATE t SET v = 2 WHERE id = 1;   -- expect: error conflict
T2: SELECT 1;                          -- expect: error doomed
T2: ROLLBACK;
A: BEGIN IMMEDIATE;
B: BEGIN IMMEDIATE;                    -- expect: error busy
T1: COMMIT;                            -- expect: error busy
)",
                                    "mvcc.txs");
        QVERIFY(parsed.ok());
        Runner runner(parsed.workload(), {});
        Collected collected;
        runner.setObserver(&collected);
        QVERIFY(runner.run().ok());
        const auto why = [&](int line) { return QString::fromStdString(collected.byLine[line].explanation); };
        QVERIFY2(why(7).contains("T2 tried to change a row that transaction") && why(7).contains("on T1"), qPrintable(why(7)));
        QVERIFY(why(7).contains("first writer of a row wins"));
        QVERIFY2(why(8).contains("doomed"), qPrintable(why(8)));
        QVERIFY2(why(11).contains("B needed the MVCC engine's exclusive slot, but A's immediate transaction"),
                 qPrintable(why(11)));
        QVERIFY2(why(12).contains("T1's concurrent transaction could not commit while A's immediate transaction"),
                 qPrintable(why(12)));
    }
};

QTEST_GUILESS_MAIN(TestExplainer)
#include "tst_explainer.moc"
