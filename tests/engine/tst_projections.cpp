// Projections of the trace log at chosen instants, on logs recorded from real runs: the MVCC
// engine running DESIGN.md's example and snapshot scenarios, real SQLite's deferred-upgrade
// deadlock, and worker threads. Where the engine can be asked directly (its version chains,
// the rows a SELECT returned) the projection is checked against it, not against itself.
//
// Recorded logs are restamped with time = (seq + 1) µs before projecting: the projections
// work on times, and distinct, ordered times let a test name "just before event X" exactly.

#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/trace/LockState.h"
#include "engine/trace/SessionProjection.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"
#include "support/OutcomeRecorder.h"
#include "support/TestDb.h"
#include "support/Workloads.h"

#include <QTest>
#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <thread>

using namespace txs;

namespace {

std::int64_t stamp(std::uint64_t seq)
{
    return static_cast<std::int64_t>(seq + 1) * 1000;
}

std::vector<Event> restamped(std::vector<Event> events)
{
    for (Event& e : events)
        e.timeNs = stamp(e.seq);
    return events;
}

// Feeds a projection from a live log, restamping as it goes.
struct Feeder
{
    explicit Feeder(std::shared_ptr<TraceLog> log) : log(std::move(log)) {}
    void drain()
    {
        std::vector<Event> batch;
        next = log->readSince(next, batch);
        for (Event& e : restamped(std::move(batch))) {
            projection.apply(e);
            events.push_back(std::move(e));
        }
    }
    std::shared_ptr<TraceLog> log;
    std::uint64_t next = 0;
    SessionProjection projection;
    std::vector<Event> events;
};

using Recorder = testing::OutcomeRecorder;

// The first event matching `pred`, or a default Event (seq 0 kind Note) when none.
template <class P> const Event& first(const std::vector<Event>& events, P pred)
{
    static const Event none;
    for (const Event& e : events)
        if (pred(e)) return e;
    return none;
}

std::uint32_t connectionNamed(const SessionProjection& p, const std::string& name)
{
    for (const auto& c : p.connections.all())
        if (c.name == name) return c.id;
    return 0;
}

// The transaction a connection ran the n-th of (0-based), in order of appearance.
const TransactionRecord* txOf(const SessionProjection& p, const std::string& connection, int n = 0)
{
    const std::uint32_t id = connectionNamed(p, connection);
    for (const auto& r : p.transactions.all())
        if (r.connection == id && n-- == 0) return &r;
    return nullptr;
}

std::string stampText(bool committed, std::uint64_t ts, std::uint64_t tx)
{
    if (committed) return "ts " + std::to_string(ts);
    return tx ? "tx " + std::to_string(tx) + " (uncommitted)" : "";
}

std::string rowText(const Row& row)
{
    std::string s;
    for (std::size_t i = 0; i < row.size(); ++i)
        s += (i ? "|" : "") + row[i].display();
    return s;
}

// "v3 [ts 2, ts 5) 1|10" per version the engine holds now, oldest first.
QStringList engineChain(const mvcc::MvccStore& store, const std::string& table, std::int64_t key)
{
    QStringList out;
    for (const auto& v : store.versionsOf(table, key))
        out << QString::fromStdString("v" + std::to_string(v.id) + " [" +
                                      stampText(v.beginCommitted, v.beginTs, v.beginTxId) + ", " +
                                      stampText(v.endCommitted, v.endTs, v.endTxId) + ") " + rowText(v.row));
    return out;
}

// The same for the projection at t, leaving out reclaimed versions (the engine has dropped them).
QStringList projectedChain(const VersionProjection& p, std::size_t chain, std::int64_t t,
                           bool withReclaimed = false)
{
    QStringList out;
    for (std::size_t i : p.chainAt(chain, t)) {
        const VersionRecord& v = p.versions()[i];
        if (v.reclaimedAt(t) && !withReclaimed) continue;
        out << QString::fromStdString("v" + std::to_string(v.id) + " [" + describeStamp(p.beginAt(v, t)) +
                                      ", " + describeStamp(p.endAt(v, t)) + ") " + v.value +
                                      (v.reclaimedAt(t) ? " reclaimed" : ""));
    }
    return out;
}

// Every chain of every table: the projection at its latest instant against the engine now.
void compareWithEngine(const SessionProjection& p, const mvcc::MvccStore& store, const char* when)
{
    const std::int64_t t = p.latestNs();
    for (const auto& table : store.tables()) {
        std::vector<mvcc::Table::Entry> entries;
        table->collect(INT64_MIN, INT64_MAX, std::nullopt, false, SIZE_MAX, entries);
        for (const auto& entry : entries) {
            const QStringList engine = engineChain(store, table->name(), entry.key);
            const std::size_t chain = p.versions.chainIndex(table->id(), entry.key);
            const QStringList projected =
                chain < p.versions.chains().size() ? projectedChain(p.versions, chain, t) : QStringList{};
            if (engine != projected)
                QFAIL(qPrintable(QString("%1: %2 key %3\n  engine:    %4\n  projected: %5")
                                     .arg(when, QString::fromStdString(table->name()))
                                     .arg(entry.key)
                                     .arg(engine.join("; "), projected.join("; "))));
        }
    }
    // Keys the engine no longer has (or never had) must show no versions either.
    for (std::size_t c = 0; c < p.versions.chains().size(); ++c) {
        const auto& chain = p.versions.chains()[c];
        auto table = store.table(p.versions.tableName(chain.table));
        if (table && table->find(chain.key)) continue;
        if (!projectedChain(p.versions, c, t).isEmpty())
            QFAIL(qPrintable(QString("%1: projected versions of key %2 the engine does not have")
                                 .arg(when)
                                 .arg(chain.key)));
    }
}

// The rows of `table` that `reader` sees at t, as a SELECT of all columns by key would print them.
std::string visibleRows(const SessionProjection& p, const std::string& tableName, std::uint64_t reader,
                        std::int64_t t)
{
    const TxSnapshot snapshot = p.transactions.snapshotAt(reader, t);
    std::vector<std::pair<std::int64_t, std::string>> rows;
    for (std::size_t c = 0; c < p.versions.chains().size(); ++c) {
        const auto& chain = p.versions.chains()[c];
        if (p.versions.tableName(chain.table) != tableName) continue;
        for (std::size_t i : chain.versions)
            if (p.versions.visibleTo(p.versions.versions()[i], snapshot, t))
                rows.emplace_back(chain.key, p.versions.versions()[i].value);
    }
    std::sort(rows.begin(), rows.end());
    std::string out;
    for (const auto& [key, value] : rows)
        out += (out.empty() ? "" : ", ") + value;
    return out;
}

QString describe(const LockState& s)
{
    QStringList out;
    for (const auto& [id, c] : s.connections()) {
        QString line = QString("%1: db %2").arg(id).arg(lockLevelName(c.dbFile));
        for (int i = 0; i < ConnectionLocks::kShmSlots; ++i)
            if (c.shm[static_cast<std::size_t>(i)] != LockLevel::None)
                line += QString(" %1 %2").arg(lockResourceName(static_cast<LockResource>(i + 1)),
                                              lockLevelName(c.shm[static_cast<std::size_t>(i)]));
        line += QString(" mvcc %1/%2").arg(lockLevelName(c.mvccExclusive), lockLevelName(c.mvccCommit));
        if (c.waiting)
            line += QString(" waits %1 %2 since %3")
                        .arg(lockResourceName(c.waiting->resource), lockLevelName(c.waiting->wanted))
                        .arg(c.waiting->sinceNs);
        out << line;
    }
    return out.join("; ");
}

// Snapshots of every kind of MVCC transaction, read back with SELECTs whose results the test
// compares with the projection's visibility.
const char* snapshotScenario = R"(journal_mode: mvcc
busy_timeout: 0

setup:
  CREATE TABLE test (id INTEGER PRIMARY KEY, value INT);
  INSERT INTO test VALUES (1, 10), (2, 20);

A: BEGIN CONCURRENT;
B: BEGIN;
A: UPDATE test SET value = 11 WHERE id = 1;
A: SELECT id, value FROM test ORDER BY id;               -- expect: 1|11, 2|20
C: BEGIN CONCURRENT;
C: SELECT id, value FROM test ORDER BY id;               -- expect: 1|10, 2|20
A: INSERT INTO test VALUES (3, 30);
A: COMMIT;
C: SELECT id, value FROM test ORDER BY id;               -- expect: 1|10, 2|20
B: INSERT INTO test VALUES (4, 40);
B: SELECT id, value FROM test ORDER BY id;               -- expect: 1|11, 2|20, 3|30, 4|40
B: UPDATE test SET value = 21 WHERE id = 2;
B: UPDATE test SET value = 22 WHERE id = 2;
B: INSERT INTO test VALUES (5, 50), (4, 41);             -- expect: error UNIQUE
B: SELECT id, value FROM test ORDER BY id;               -- expect: 1|11, 2|22, 3|30, 4|40
B: COMMIT;
C: SELECT id, value FROM test ORDER BY id;               -- expect: 1|10, 2|20
C: ROLLBACK;
D: BEGIN IMMEDIATE;
D: SELECT id, value FROM test ORDER BY id;               -- expect: 1|11, 2|22, 3|30, 4|40
D: COMMIT;
E: UPDATE test SET value = 12 WHERE id = 1;
F: BEGIN CONCURRENT;
F: UPDATE test SET value = 31 WHERE id = 3;
G: UPDATE test SET value = 32 WHERE id = 3;              -- expect: error conflict
F: ROLLBACK;
)";

// DOMAIN.md's teaching scenario 1 on real SQLite, rollback journal.
const char* deadlockScenario = R"(journal_mode: delete
busy_timeout: 1000

setup:
  CREATE TABLE t (id INTEGER PRIMARY KEY, v INT);
  INSERT INTO t VALUES (1, 1);

A: BEGIN;
A: SELECT count(*) FROM t;                               -- expect: 1
B: BEGIN IMMEDIATE;
B: INSERT INTO t VALUES (2, 2);
B: COMMIT;                                               -- expect: blocked
A: INSERT INTO t VALUES (3, 3);                          -- expect: error SQLITE_BUSY
A: ROLLBACK;
)";

} // namespace

class TestProjections : public QObject
{
    Q_OBJECT

private slots:
    // Step by step through DESIGN.md's example: after every step the projected chains equal
    // the engine's, and the states at chosen instants are those the example teaches.
    void designExampleStepByStep()
    {
        Runner runner(testing::parseOrFail(testing::kDesignExample), {});
        Recorder recorder;
        runner.setObserver(&recorder);
        QVERIFY(!runner.open());
        auto* store = mvccStoreOf(*runner.database());
        QVERIFY(store);
        Feeder feed(runner.trace());
        int steps = 0;
        while (runner.step()) {
            feed.drain();
            compareWithEngine(feed.projection, *store, qPrintable(QString("after step %1").arg(++steps)));
            if (QTest::currentTestFailed()) return;
        }
        feed.drain();
        compareWithEngine(feed.projection, *store, "at the end");
        QVERIFY(runner.summary().ok());
        const SessionProjection& p = feed.projection;
        const auto& events = feed.events;

        // The setup's INSERT is an autocommit write: an implicit transaction of two versions.
        const TransactionRecord* setup = txOf(p, "setup");
        QVERIFY(setup);
        QVERIFY(setup->implicit);
        QCOMPARE(setup->endPhase, TxPhase::Committed);
        QCOMPARE(setup->rowsWrittenAt(p.latestNs()), 2);
        QVERIFY(setup->commitTs > 0);

        const TransactionRecord* t1 = txOf(p, "T1");
        const TransactionRecord* t2 = txOf(p, "T2");
        QVERIFY(t1 && t2);
        QCOMPARE(t1->mode, TxMode::Concurrent);
        QVERIFY(!t1->implicit);
        const Event& conflict = first(events, [](const Event& e) { return e.kind == EventKind::Conflict; });
        const Event& commit =
            first(events, [&](const Event& e) { return e.kind == EventKind::TxCommit && e.txId == t1->id; });
        QCOMPARE(conflict.txId, t2->id);
        QCOMPARE(conflict.a, static_cast<std::int64_t>(t1->id));

        // Until T2's conflict both are active; its TxDoomed follows, and T2 is doomed until its
        // ROLLBACK.
        const Event& doomed = first(events, [](const Event& e) { return e.kind == EventKind::TxDoomed; });
        QCOMPARE(doomed.seq, conflict.seq + 1);
        QCOMPARE(t1->phaseAt(conflict.timeNs), TxPhase::Active);
        QCOMPARE(t2->phaseAt(conflict.timeNs), TxPhase::Active);
        QCOMPARE(t2->phaseAt(doomed.timeNs), TxPhase::Doomed);
        QCOMPARE(t2->doomCode, rc::Error);
        QCOMPARE(t2->phaseAt(p.latestNs()), TxPhase::RolledBack);
        QCOMPARE(t2->rollbackReason, RollbackReason::Conflict);
        QCOMPARE(t2->conflictWith, t1->id);
        QCOMPARE(t1->phaseAt(commit.timeNs - 1), TxPhase::Active);
        QCOMPARE(t1->phaseAt(commit.timeNs), TxPhase::Committed);
        QCOMPARE(t1->commitTs, static_cast<std::uint64_t>(commit.a));
        QCOMPARE(t1->rowsWrittenAt(p.latestNs()), 1);
        QCOMPARE(t1->phaseAt(t1->beginNs - 1), TxPhase::NotBegun);
        QCOMPARE(p.transactions.countAt(t1->beginNs - 1) + 1, p.transactions.countAt(t1->beginNs));

        // Key 1's chain: T1's new version is uncommitted until T1 commits.
        std::uint32_t testTable = 0;
        for (const auto& [id, table] : p.versions.tables())
            if (table.name == "test") testTable = id;
        const std::size_t key1 = p.versions.chainIndex(testTable, 1);
        QVERIFY(key1 < p.versions.chains().size());
        const std::string t1Tx = std::to_string(t1->id);
        const std::string setupTs = "ts " + std::to_string(setup->commitTs);
        const std::string t1Ts = "ts " + std::to_string(t1->commitTs);
        const QStringList beforeCommit = projectedChain(p.versions, key1, commit.timeNs - 1);
        QCOMPARE(beforeCommit.size(), 2);
        QVERIFY(beforeCommit[0].endsWith(
            QString::fromStdString(" [" + setupTs + ", tx " + t1Tx + " (uncommitted)) 1|10")));
        QVERIFY(beforeCommit[1].endsWith(QString::fromStdString(" [tx " + t1Tx + " (uncommitted), ) 1|11")));
        const QStringList afterCommit = projectedChain(p.versions, key1, commit.timeNs);
        QVERIFY(afterCommit[0].endsWith(QString::fromStdString(" [" + setupTs + ", " + t1Ts + ") 1|10")));
        QVERIFY(afterCommit[1].endsWith(QString::fromStdString(" [" + t1Ts + ", ) 1|11")));
        QCOMPARE(visibleRows(p, "test", t1->id, conflict.timeNs), std::string("1|11, 2|20"));
        QCOMPARE(visibleRows(p, "test", t2->id, conflict.timeNs), std::string("1|10, 2|20"));
        QCOMPARE(visibleRows(p, "test", t1->id, t1->beginNs - 1), std::string());

        // The conflict is explained, and only from the Explanation event on.
        QCOMPARE(p.explanations.all().size(), std::size_t(1));
        const ExplainedError& x = p.explanations.all()[0];
        QCOMPARE(x.seq, conflict.seq);
        QCOMPARE(x.kind, EventKind::Conflict);
        QCOMPARE(x.otherTx, t1->id);
        QVERIFY(!x.explainedAt(conflict.timeNs));
        QVERIFY(x.explainedAt(p.latestNs()));
        // It is the explanation the runner gave (engine/explain): the why in the event, the fix
        // the rule's, each a field of its own.
        const auto t2Update =
            std::find_if(recorder.outcomes.begin(), recorder.outcomes.end(),
                         [](const StatementOutcome& o) { return o.connection == "T2" && !o.result.ok(); });
        QVERIFY(t2Update != recorder.outcomes.end());
        QCOMPARE(x.explanation, t2Update->explanation);
        QCOMPARE(x.fix, t2Update->fix);
        QVERIFY(!x.explanation.empty() && !x.fix.empty());
        QCOMPARE(x.fix, std::string(explainRuleFix(x.rule)));
        QVERIFY(x.explanation.find("Fix:") == std::string::npos);

        // Metrics: setup's write, T1, 16 workers commit; T2 rolls back after one conflict.
        const MetricsAt before = p.metrics.at(commit.timeNs - 1);
        QCOMPARE(before.commits, 1u);
        QCOMPARE(before.conflicts, 1u);
        QCOMPARE(before.rollbacks, 1u);
        const MetricsAt end = p.metrics.at(p.latestNs());
        QCOMPARE(end.commits, 18u);
        QCOMPARE(end.rollbacks, 1u);
        QCOMPARE(end.conflicts, 1u);
        QCOMPARE(end.busy + end.busySnapshot + end.otherErrors, 0u);
        QCOMPARE(end.retries, runner.summary().retries);
        std::uint64_t bucketed = 0;
        for (const auto& point : p.metrics.throughput(p.latestNs()))
            bucketed += point.commits;
        QCOMPARE(bucketed, end.commits);
        const LatencyHistogram h = p.metrics.latency(p.latestNs());
        QCOMPARE(h.total, 18u);
        QCOMPARE(p.metrics.latency(commit.timeNs - 1).total, 1u);
        QVERIFY(h.p50Ns > 0 && h.p50Ns <= h.p99Ns && h.p99Ns <= h.maxNs);

        // Each worker's row: one chain of one committed version in hits.
        std::uint32_t hits = 0;
        for (const auto& [id, table] : p.versions.tables())
            if (table.name == "hits") hits = id;
        int hitChains = 0;
        for (std::size_t c = 0; c < p.versions.chains().size(); ++c)
            if (p.versions.chains()[c].table == hits) {
                ++hitChains;
                QCOMPARE(projectedChain(p.versions, c, p.latestNs()).size(), 1);
            }
        QCOMPARE(hitChains, 16);
    }

    // Every SELECT run inside a transaction returned exactly the rows the projection says
    // that transaction sees at that instant: concurrent and deferred snapshots, a deferred
    // transaction whose first write restarts its snapshot, BEGIN IMMEDIATE, a row written
    // twice, a statement undone by an error, an autocommit write doomed by a conflict.
    void visibilityMatchesWhatSelectsReturned()
    {
        Runner runner(testing::parseOrFail(snapshotScenario), {});
        Recorder recorder;
        runner.setObserver(&recorder);
        QVERIFY(!runner.open());
        auto* store = mvccStoreOf(*runner.database());
        Feeder feed(runner.trace());
        while (runner.step()) {
            feed.drain();
            compareWithEngine(feed.projection, *store, "after a step");
            if (QTest::currentTestFailed()) return;
        }
        feed.drain();
        for (const auto& o : recorder.outcomes)
            QVERIFY2(o.passed,
                     qPrintable(QString("line %1: %2").arg(o.line).arg(QString::fromStdString(o.actual))));
        const SessionProjection& p = feed.projection;

        // Pair each outcome with its statement: both come in order per connection.
        std::map<std::uint32_t, std::vector<const StatementRecord*>> byConnection;
        for (const auto& s : p.statements.all())
            byConnection[s.connection].push_back(&s);
        std::map<std::uint32_t, std::size_t> used;
        int compared = 0;
        for (const auto& o : recorder.outcomes) {
            const std::uint32_t id = connectionNamed(p, o.connection);
            const StatementRecord* s = byConnection[id][used[id]++];
            QCOMPARE(s->sql, o.sql);
            if (o.sql.rfind("SELECT", 0) != 0 || o.phase != RunPhase::Steps) continue;
            QVERIFY(s->txId != 0);
            QCOMPARE(visibleRows(p, "test", s->txId, s->endNs), o.result.rowsText());
            ++compared;
        }
        QCOMPARE(compared, 7);

        // B's snapshot moved when its first statement wrote: before it, B did not see A's commit.
        const TransactionRecord* a = txOf(p, "A");
        const TransactionRecord* b = txOf(p, "B");
        QCOMPARE(b->mode, TxMode::Deferred);
        QVERIFY(b->snapshotMovedNs != kNever);
        QVERIFY(!p.transactions.snapshotAt(b->id, b->snapshotMovedNs - 1).sees(a->commitTs));
        QVERIFY(p.transactions.snapshotAt(b->id, b->snapshotMovedNs).sees(a->commitTs));
        QCOMPARE(txOf(p, "D")->mode, TxMode::Immediate);
        QVERIFY(txOf(p, "D")->snapshotMovedNs != kNever);
        QCOMPARE(txOf(p, "C")->snapshotMovedNs, kNever);

        // B wrote key 2 twice: the middle version was dropped at commit; key 5 was undone with
        // its statement, the moment that statement ended.
        std::uint32_t test = p.versions.tables().begin()->first;
        const auto& key2 = p.versions.chains()[p.versions.chainIndex(test, 2)];
        QCOMPARE(key2.versions.size(), std::size_t(3));
        const VersionRecord& middle = p.versions.versions()[key2.versions[1]];
        QCOMPARE(middle.value, std::string("2|21"));
        QCOMPARE(middle.gone, VersionGone::Replaced);
        QCOMPARE(middle.goneNs, b->endNs);
        const auto& key5 = p.versions.chains()[p.versions.chainIndex(test, 5)];
        QCOMPARE(key5.versions.size(), std::size_t(1));
        const VersionRecord& undone = p.versions.versions()[key5.versions[0]];
        QCOMPARE(undone.gone, VersionGone::StatementUndone);
        QVERIFY(undone.existsAt(undone.goneNs - 1));
        QVERIFY(!p.versions.chainExistsAt(p.versions.chainIndex(test, 5), undone.goneNs));
        QCOMPARE(visibleRows(p, "test", b->id, undone.goneNs - 1),
                 std::string("1|11, 2|22, 3|30, 4|40, 5|50"));

        // E and G are autocommit writes: implicit transactions. G's was doomed by F's claim on
        // key 3 and ended with its statement, which emits no TxRollback for it.
        const TransactionRecord* e = txOf(p, "E");
        QVERIFY(e->implicit);
        QCOMPARE(e->mode, TxMode::None);
        QCOMPARE(e->endPhase, TxPhase::Committed);
        QCOMPARE(e->rowsWrittenAt(e->endNs), 1);
        const TransactionRecord* g = txOf(p, "G");
        QVERIFY(g->implicit);
        QVERIFY(g->doomedNs != kNever);
        QCOMPARE(g->endPhase, TxPhase::RolledBack);
        QCOMPARE(g->rollbackReason, RollbackReason::Conflict);
        QCOMPARE(g->phaseAt(g->doomedNs), TxPhase::Doomed);
        QCOMPARE(g->conflictWith, txOf(p, "F")->id);
        QCOMPARE(txOf(p, "C")->rollbackReason, RollbackReason::User);
    }

    // DOMAIN.md scenario 1 on real SQLite. Step mode retries B's blocked COMMIT after each
    // step, so each half of the deadlock shows while its statement runs: during B's try B waits
    // for EXCLUSIVE, kept from it by A's SHARED; during A's INSERT, A waits for RESERVED, kept
    // from it by B's PENDING, and gets BUSY at once.
    void deferredUpgradeDeadlockOnSqlite()
    {
        Runner runner(testing::parseOrFail(deadlockScenario), {});
        Recorder recorder;
        runner.setObserver(&recorder);
        runner.run();
        QVERIFY(runner.summary().ok());
        const auto events = restamped(runner.trace()->snapshot());
        SessionProjection p;
        p.apply(events);
        const std::uint32_t a = connectionNamed(p, "A"), b = connectionNamed(p, "B");
        QVERIFY(a && b);

        const Event& busy =
            first(events, [&](const Event& e) { return e.kind == EventKind::Busy && e.connection == a; });
        QCOMPARE(busy.a, std::int64_t(rc::Busy));
        const Event* aWait = nullptr;
        const Event* bWait = nullptr;
        for (const Event& e : events) {
            if (e.seq >= busy.seq) break;
            if (e.kind == EventKind::LockWait && e.connection == a) aWait = &e;
            if (e.kind == EventKind::LockWait && e.connection == b) bWait = &e;
        }
        QVERIFY(aWait && bWait);

        const LockState duringB = p.locks.stateAt(bWait->timeNs);
        QCOMPARE(duringB.level(a, LockResource::DbFile), LockLevel::Shared);
        QCOMPARE(duringB.level(b, LockResource::DbFile), LockLevel::Pending);
        QCOMPARE(duringB.blockersOf(b), (std::vector<WaitEdge>{{b, a, LockResource::DbFile,
                                                                LockLevel::Exclusive, LockLevel::Shared}}));

        const LockState duringA = p.locks.stateAt(aWait->timeNs);
        QVERIFY(!duringA.connection(b).waiting); // B's try has ended; it keeps its PENDING
        QCOMPARE(duringA.waitsFor(), (std::vector<WaitEdge>{{a, b, LockResource::DbFile, LockLevel::Reserved,
                                                             LockLevel::Pending}}));
        const LockState atBusy = p.locks.stateAt(busy.timeNs);
        QCOMPARE(atBusy.level(a, LockResource::DbFile), LockLevel::Shared);
        QCOMPARE(atBusy.level(b, LockResource::DbFile), LockLevel::Pending);
        QVERIFY(p.locks.stateAt(p.latestNs()).connections().empty()); // all released at the end

        const TransactionRecord* ta = txOf(p, "A");
        const TransactionRecord* tb = txOf(p, "B");
        QCOMPARE(ta->mode, TxMode::Deferred);
        QCOMPARE(tb->mode, TxMode::Immediate);
        QCOMPARE(ta->phaseAt(busy.timeNs), TxPhase::Active);
        QCOMPARE(tb->phaseAt(busy.timeNs), TxPhase::Active);
        QCOMPARE(ta->endPhase, TxPhase::RolledBack);
        QCOMPARE(ta->rollbackReason, RollbackReason::User);
        QCOMPARE(tb->endPhase, TxPhase::Committed);
        QVERIFY(tb->endNs > ta->endNs); // B's COMMIT got through once A let go
        QCOMPARE(tb->rowsWrittenAt(tb->endNs), 1);
        QCOMPARE(tb->rowsWrittenAt(tb->endNs - 1), 0);

        // Every BUSY is listed and explained: A's with the explanation the runner reported, B's
        // (its COMMIT blocked, waiting in virtual time) with why it waits and for how long so far.
        const auto aInsert =
            std::find_if(recorder.outcomes.begin(), recorder.outcomes.end(),
                         [](const StatementOutcome& o) { return o.connection == "A" && !o.result.ok(); });
        QVERIFY(aInsert != recorder.outcomes.end() && !aInsert->explanation.empty());
        int explained = 0;
        for (const auto& x : p.explanations.all()) {
            QCOMPARE(x.kind, EventKind::Busy);
            if (x.connection == a) {
                QCOMPARE(x.seq, busy.seq);
                QVERIFY(x.explainedAt(p.latestNs()));
                QCOMPARE(x.explanation, aInsert->explanation);
                ++explained;
            } else {
                QCOMPARE(x.connection, b);
                const bool first = x.explanation.find("B waits (busy_timeout 1000 ms) and the statement is "
                                                      "tried again") != std::string::npos;
                const bool later =
                    x.explanation.find("B waits and the statement is tried again") != std::string::npos &&
                    x.explanation.find("ms of its busy_timeout of 1000 ms so far") != std::string::npos;
                QVERIFY2(first || later, x.explanation.c_str());
                QVERIFY(x.explanation.find("busy_timeout is 0") == std::string::npos);
            }
        }
        QCOMPARE(explained, 1);
        QVERIFY(p.explanations.all().size() >= 2);

        // The statement log has B's COMMIT tries, the first noted blocked, the last ok.
        std::vector<const StatementRecord*> commits;
        for (const auto& s : p.statements.all())
            if (s.connection == b && s.sql == "COMMIT") commits.push_back(&s);
        QVERIFY(commits.size() >= 2);
        QVERIFY(commits.front()->blocked);
        QCOMPARE(commits.front()->code, rc::Busy);
        QCOMPARE(commits.back()->code, 0);
        QVERIFY(commits.front()->runningAt(commits.front()->beginNs));
        QVERIFY(!commits.front()->runningAt(commits.front()->endNs));

        // Metrics: the setup's INSERT (an autocommit write) and B commit; A rolls back. A's
        // INSERT failed with SQLITE_BUSY; B's blocked COMMIT tries are waits (CountingRule), and
        // its last try succeeded: one busy error in all.
        const MetricsAt m = p.metrics.at(p.latestNs());
        QCOMPARE(m.commits, 2u);
        QCOMPARE(m.rollbacks, 1u);
        QCOMPARE(m.busy, 1u);
        for (std::size_t i = 0; i + 1 < commits.size(); ++i)
            QVERIFY(commits[i]->blocked && commits[i]->code == rc::Busy);
        QCOMPARE(m.conflicts + m.busySnapshot + m.otherErrors, 0u);
        // An error counts when its statement ends.
        const Event& aEnd = first(events, [&](const Event& e) {
            return e.kind == EventKind::StatementEnd && e.connection == a && e.seq > busy.seq;
        });
        QCOMPARE(aEnd.a, std::int64_t(rc::Busy));
        QCOMPARE(p.metrics.at(aEnd.timeNs - 1).busy + 1, p.metrics.at(aEnd.timeNs).busy);
    }

    // The checkpointed lock projection gives exactly what replaying the log up to t gives,
    // at every instant of a multi-threaded run, also when threads' clocks interleave out of seq
    // order.
    void lockStateAtAnyInstantEqualsReplay()
    {
        Runner runner(testing::parseOrFail(R"(journal_mode: mvcc
busy_timeout: 1000
setup:
  CREATE TABLE hits (id INTEGER PRIMARY KEY, val INTEGER);
workers writer x8 repeat 150 retry(conflict, busy; max 1000):
  BEGIN IMMEDIATE;
  INSERT INTO hits (val) VALUES ($worker);
  COMMIT;
)"),
                      {});
        runner.run();
        QVERIFY(runner.summary().ok());
        const auto recorded = runner.trace()->snapshot();
        std::mt19937 random(7);
        for (int variant = 0; variant < 2; ++variant) {
            std::vector<Event> events = recorded;
            if (variant == 1) {
                // Jitter each time by up to 20 µs so events' times are no longer in seq order.
                std::uniform_int_distribution<std::int64_t> jitter(-20'000, 20'000);
                for (Event& e : events)
                    e.timeNs += jitter(random);
            }
            LockProjection projection;
            std::size_t lockEvents = 0;
            for (const Event& e : events) {
                projection.apply(e);
                lockEvents += e.kind == EventKind::LockAcquire || e.kind == EventKind::LockRelease;
            }
            QVERIFY2(projection.eventCount() > 3 * LockProjection::kCheckpointEvery, "too few to checkpoint");
            QVERIFY(lockEvents > 2400);
            for (std::size_t i = 0; i < events.size(); i += 101) {
                const std::int64_t t = events[i].timeNs;
                QCOMPARE(describe(projection.stateAt(t)), describe(lockStateAt(events, t)));
                QCOMPARE(describe(projection.stateAt(t - 1)), describe(lockStateAt(events, t - 1)));
            }
            QCOMPARE(describe(projection.stateAt(INT64_MAX)), describe(projection.current()));
        }
    }

    // Garbage collection: reclaimed versions stay in the projected chain, marked from the
    // instant they were reclaimed, and are visible to no one; what is left equals the engine.
    void reclaimedVersionsAreMarkedFromTheirInstant()
    {
        auto log = std::make_shared<TraceLog>();
        auto db = test::openMvcc(log);
        auto writer = db->connect("W");
        auto reader = db->connect("R");
        MUST(*writer, "CREATE TABLE test (id INTEGER PRIMARY KEY, value INT)");
        MUST(*writer, "INSERT INTO test VALUES (1, 0)");
        // R's snapshot keeps what it can see from being reclaimed while it lives.
        MUST(*reader, "BEGIN CONCURRENT");
        QCOMPARE_ROWS(*reader, "SELECT value FROM test", "0");
        for (int i = 1; i <= 70; ++i) // more commits than one garbage collection pass waits for
            MUST(*writer, "UPDATE test SET value = " + std::to_string(i) + " WHERE id = 1");
        MUST(*reader, "COMMIT");
        mvccStoreOf(*db)->collectGarbage();

        Feeder feed(log);
        feed.drain();
        compareWithEngine(feed.projection, *mvccStoreOf(*db), "after collecting");
        const SessionProjection& p = feed.projection;
        const std::size_t chain = p.versions.chainIndex(p.versions.tables().begin()->first, 1);
        const auto& versions = p.versions.chains()[chain].versions;
        QCOMPARE(versions.size(), std::size_t(71));
        int reclaimed = 0;
        for (std::size_t i : versions) {
            const VersionRecord& v = p.versions.versions()[i];
            if (v.reclaimedNs == kNever) continue;
            ++reclaimed;
            QVERIFY(!v.reclaimedAt(v.reclaimedNs - 1));
            QVERIFY(v.reclaimedAt(v.reclaimedNs));
            QVERIFY(p.versions.endAt(v, v.reclaimedNs).kind == VersionStamp::Kind::Timestamp);
        }
        QCOMPARE(reclaimed, 70);
        const VersionRecord& original = p.versions.versions()[versions.front()];
        const TransactionRecord* r = txOf(p, "R");
        // R saw the original until the end of its transaction; it was reclaimed only after.
        QVERIFY(original.reclaimedNs > r->endNs);
        QVERIFY(p.versions.visibleTo(original, p.transactions.snapshotAt(r->id, r->endNs), r->endNs));
        QVERIFY(!p.versions.visibleTo(original, p.transactions.snapshotAt(r->id, r->endNs),
                                      original.reclaimedNs));
        QCOMPARE(projectedChain(p.versions, chain, p.latestNs(), true).filter("reclaimed").size(), 70);
        QCOMPARE(p.transactions.countAt(p.latestNs()), std::size_t(72)); // INSERT, R, 70 UPDATEs
    }

    // Fed while 8 worker threads write the log (as the GUI drains it), the projection ends
    // equal to the engine and to a projection of the finished log.
    void projectingWhileWorkersWrite()
    {
        Runner runner(testing::parseOrFail(R"(journal_mode: mvcc
setup:
  CREATE TABLE hits (id INTEGER PRIMARY KEY, val INTEGER);
  INSERT INTO hits VALUES (1, 0);
workers writer x8 repeat 40 retry(conflict, busy; max 2147483647):
  BEGIN CONCURRENT;
  INSERT INTO hits (val) VALUES ($worker);
  UPDATE hits SET val = val + 1 WHERE id = 1;
  COMMIT;
)"),
                      {});
        QVERIFY(!runner.open());
        Feeder live(runner.trace());
        std::atomic<bool> done{false};
        std::thread worker([&] {
            runner.run();
            done = true;
        });
        while (!done) {
            live.drain();
            std::this_thread::yield(); // two cores: leave the writers room to finish
        }
        worker.join();
        live.drain();
        QVERIFY(runner.summary().ok());
        compareWithEngine(live.projection, *mvccStoreOf(*runner.database()), "after the run");

        SessionProjection whole;
        whole.apply(restamped(runner.trace()->snapshot()));
        QCOMPARE(live.projection.eventCount(), whole.eventCount());
        QCOMPARE(live.projection.metrics.at(kNever - 1), whole.metrics.at(kNever - 1));
        QCOMPARE(live.projection.metrics.at(kNever - 1).commits, 1u + 8u * 40u);
        QCOMPARE(live.projection.metrics.at(kNever - 1).retries, runner.summary().retries);
        QCOMPARE(live.projection.transactions.all().size(), whole.transactions.all().size());
        // Every retried transaction was rolled back after a conflict, and the next one of its
        // connection counts the attempt.
        std::size_t retried = 0;
        for (const auto& r : live.projection.transactions.all()) {
            if (r.retriedNs == kNever) continue;
            ++retried;
            QCOMPARE(r.endPhase, TxPhase::RolledBack);
        }
        QCOMPARE(retried, static_cast<std::size_t>(runner.summary().retries));
    }

    // A record touched again after a consumer read the log is reported again.
    // Every rule has its fix, and the Unexplained one (and a number this build does not know)
    // none: the fix travels as the rule's number, so no view reads it out of a paragraph.
    void everyRuleHasItsFix()
    {
        for (std::int64_t r = 1; r < kExplainRuleCount; ++r)
            QVERIFY2(std::string(explainRuleFix(explainRuleOf(r))).size() > 10,
                     explainRuleName(explainRuleOf(r)));
        QCOMPARE(std::string(explainRuleFix(ExplainRule::Unexplained)), std::string());
        QCOMPARE(explainRuleOf(kExplainRuleCount), ExplainRule::Unexplained);
        QCOMPARE(explainRuleOf(-1), ExplainRule::Unexplained);
    }

    void touchLogReportsEveryTouch()
    {
        TouchLog log;
        log.touch(3);
        const std::size_t cursor = log.end();
        log.touch(3);
        std::vector<std::size_t> seen;
        log.forEachSince(cursor, [&](std::size_t i) { seen.push_back(i); });
        QCOMPARE(seen, std::vector<std::size_t>{3});
    }
};

QTEST_GUILESS_MAIN(TestProjections)
#include "tst_projections.moc"
