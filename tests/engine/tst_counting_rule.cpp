// The one counting rule (CountingRule.h) and the run's counts kept by the log as it is written (LiveCounts):
// what counts as a commit, an error, a wait; and exact counts while the log drops its oldest
// events under several writers at once.

#include "engine/api/Error.h"
#include "engine/trace/CountingRule.h"
#include "engine/trace/StatementFold.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

#include <QTest>
#include <random>
#include <thread>
#include <vector>

using namespace txs;

namespace {

struct Ran
{
    RunSummary summary;
    std::vector<Event> events;
};

Ran run(const char* text, JournalMode mode)
{
    auto parsed = parseWorkload(text, "t.txs");
    if (!parsed) qFatal("%s", parsed.error().text().c_str());
    RunOptions options;
    options.journalMode = mode;
    options.trace = std::make_shared<TraceLog>();
    Runner runner(std::move(parsed.workload()), options);
    Ran r;
    r.summary = runner.run();
    r.events = options.trace->snapshot();
    return r;
}

std::size_t countOf(const std::vector<Event>& events, EventKind kind)
{
    std::size_t n = 0;
    for (const Event& e : events)
        n += e.kind == kind;
    return n;
}

// One random event the rule reads, of connection 1..3, of a small set of transactions so that
// events meet their transactions: every kind the rule reads, with and without a transaction,
// successes and errors, and StatementBegins that carry an end (and a TxBegin) as the fold stores.
Event randomCountedEvent(std::mt19937_64& random, std::int64_t timeNs)
{
    static constexpr EventKind kKinds[] = {
        EventKind::StatementBegin, EventKind::StatementBegin, EventKind::StatementBegin,
        EventKind::StatementEnd,   EventKind::StatementEnd,   EventKind::TxBegin,
        EventKind::TxCommit,       EventKind::TxRollback,     EventKind::TxDoomed,
        EventKind::VersionCreated, EventKind::VersionEnded,   EventKind::Conflict,
        EventKind::LockWait,       EventKind::LockAcquire,    EventKind::StatementBlocked,
        EventKind::TxRetry,        EventKind::ConnectionClose};
    auto pick = [&random](std::uint64_t n) {
        return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(random);
    };
    Event e;
    e.kind = kKinds[pick(std::size(kKinds))];
    e.connection = static_cast<std::uint32_t>(1 + pick(3));
    e.txId = pick(5); // 0: none
    e.timeNs = timeNs;
    e.b = static_cast<std::int64_t>(pick(3));
    switch (e.kind) {
    case EventKind::StatementBegin:
        if (pick(2)) {
            e.detail = kStatementBeginEndsPrevious;
            e.rowid = timeNs - static_cast<std::int64_t>(pick(4));
            e.a = static_cast<std::int64_t>(pick(5)); // the end's transaction
            if (pick(2)) {
                e.detail |= kStatementBeginCarriesTxBegin |
                            static_cast<std::uint16_t>(pick(5) << kCarriedTxModeShift);
            }
        }
        break;
    case EventKind::StatementEnd:
        if (pick(2)) {
            e.a = rc::Busy;
            e.detail = static_cast<std::uint16_t>(pick(8)); // an ErrorKind
        }
        break;
    case EventKind::LockWait:
    case EventKind::LockAcquire:
        e.a = static_cast<std::int64_t>(pick(2) ? LockResource::MvccExclusive : LockResource::MvccCommit);
        if (pick(3) == 0) e.a = 0; // a file lock of SQLite's: proves no transaction
        break;
    default:
        break;
    }
    return e;
}

} // namespace

class TestCountingRule : public QObject
{
    Q_OBJECT

private slots:
    // The runner classified SQL text and missed a commit made by RELEASE; the log sees TxCommit.
    void savepointReleaseIsACommit()
    {
        const Ran r = run("setup:\n  CREATE TABLE t (x INTEGER);\n"
                          "A: SAVEPOINT s;\nA: INSERT INTO t VALUES (1);\nA: RELEASE s;\n",
                          JournalMode::Wal);
        QVERIFY(r.summary.ok());
        QCOMPARE(countOf(r.events, EventKind::TxCommit), std::size_t{1});
        QCOMPARE(r.summary.committed, std::uint64_t{1});
        QCOMPARE(r.summary.rolledBack, std::uint64_t{0});
    }

    // A UNIQUE error on a table named `conflicts` is a constraint error, not a conflict, and is
    // not retryable: kinds decide, never the words of a message.
    void aConflictsTableIsNoConflict()
    {
        const Ran r =
            run("setup:\n  CREATE TABLE conflicts (id INTEGER PRIMARY KEY);\n"
                "  INSERT INTO conflicts VALUES (1);\n"
                "A: INSERT INTO conflicts VALUES (1);   -- expect: error SQLITE_CONSTRAINT_PRIMARYKEY\n",
                JournalMode::Wal);
        QVERIFY(r.summary.ok());
        QCOMPARE(r.summary.conflicts, std::uint64_t{0});
        QCOMPARE(r.summary.otherErrors, std::uint64_t{1});
        const Error unique =
            Error::fromSqlite(rc::ConstraintUnique, "UNIQUE constraint failed: conflicts.id");
        QVERIFY(!isRetryable(unique));
        QVERIFY(isRetryable(Error::conflict("anything at all")));
        QVERIFY(!isRetryable(Error::fromSqlite(rc::Error, "write-write conflict, says the text")));
    }

    // Step mode: a statement that waits for a lock is tried again; its blocked tries are waits,
    // typed as StatementBlocked / StatementUnblocked, and do not count as errors.
    void blockedTriesAreWaits()
    {
        const Ran r = run("setup:\n  CREATE TABLE t (x INTEGER);\n"
                          "A: BEGIN IMMEDIATE;\nB: PRAGMA busy_timeout = 5000;\nB: BEGIN IMMEDIATE;\n"
                          "A: INSERT INTO t VALUES (1);\nA: COMMIT;\nB: COMMIT;\n",
                          JournalMode::Wal);
        QVERIFY(r.summary.ok());
        QVERIFY(countOf(r.events, EventKind::Busy) > 0); // the tries did get SQLITE_BUSY
        QVERIFY(countOf(r.events, EventKind::StatementBlocked) > 0);
        QCOMPARE(countOf(r.events, EventKind::StatementUnblocked),
                 countOf(r.events, EventKind::StatementBlocked));
        for (const Event& e : r.events)
            if (e.kind == EventKind::StatementBlocked || e.kind == EventKind::StatementUnblocked)
                QCOMPARE(e.a, std::int64_t{5}); // B's BEGIN IMMEDIATE, line 5 of the file
        QCOMPARE(r.summary.busy, std::uint64_t{0});
        QCOMPARE(r.summary.committed, std::uint64_t{2});
    }

    // Phases are typed events carrying RunPhase's value.
    void phasesAreTyped()
    {
        const Ran r = run("setup:\n  CREATE TABLE t (x INTEGER);\nA: SELECT 1;\n", JournalMode::Mvcc);
        std::vector<std::int64_t> phases;
        for (const Event& e : r.events)
            if (e.kind == EventKind::PhaseBegin) phases.push_back(e.a);
        QCOMPARE(phases,
                 (std::vector<std::int64_t>{std::int64_t(RunPhase::Setup), std::int64_t(RunPhase::Steps)}));
    }

    // The log's live counts take the common events by a step of their own (LiveCountsApply.h)
    // and the rest by the rule: over random logs they settle what the rule settles, whether the
    // rule reads the events as stored (folded Begins raw) or as every reader gets them.
    void liveCountsAreTheRule()
    {
        for (std::uint64_t seed = 1; seed <= 200; ++seed) {
            std::mt19937_64 random(seed);
            TraceLog log;
            std::vector<Event> stored;
            for (int i = 0; i < 300; ++i) {
                stored.push_back(randomCountedEvent(random, 1000 + 10 * i));
                log.append(stored.back());
            }
            auto totalsOf = [](const std::vector<Event>& events) {
                CountingRule rule;
                std::vector<Tally> settled;
                for (const Event& e : events)
                    rule.apply(e, settled);
                MetricsAt m;
                for (const Tally& t : settled)
                    addTo(m, t.what);
                rule.forEachPending([&m](const Tally& t) { addTo(m, t.what); });
                return m;
            };
            const MetricsAt live = log.totals();
            QVERIFY2(live == totalsOf(stored), qPrintable(QString("seed %1, as stored").arg(seed)));
            QVERIFY2(live == totalsOf(log.snapshot()), qPrintable(QString("seed %1, as read").arg(seed)));
            QVERIFY(live.commits + live.rollbacks + live.errors() > 0);
        }
    }

    // Several writers, a window of 64 events: nearly everything is dropped while it is written,
    // and the live counts still apply every event once.
    void exactWhileTheWindowDrops()
    {
        auto log = std::make_shared<TraceLog>(TraceLogLimits{64});
        constexpr int kThreads = 4, kEach = 5000;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < kEach; ++i) {
                    Event e;
                    e.kind = EventKind::TxRetry;
                    e.connection = static_cast<std::uint32_t>(t + 1);
                    e.a = 1;
                    log->append(std::move(e));
                    if (i % 1000 == 0) log->totals(); // readers may pull at the same time
                }
            });
        for (auto& t : threads)
            t.join();
        QVERIFY(log->droppedCount() > 0);
        QCOMPARE(log->totals().retries, std::uint64_t{kThreads * kEach});
    }
};

QTEST_GUILESS_MAIN(TestCountingRule)
#include "tst_counting_rule.moc"
