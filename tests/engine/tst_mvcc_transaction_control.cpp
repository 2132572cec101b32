// Transaction control of the MVCC engine, through SQL on several connections interleaved step
// by step from one thread: the exclusive slot of BEGIN/IMMEDIATE/EXCLUSIVE/autocommit (Busy vs
// BusySnapshot), the busy handler and busy_timeout with SQLite's schedule, and SQLite's misuse
// errors (messages checked against sqlite3 3.40.1). Snapshot isolation is in tst_mvcc_isolation.

#include "engine/api/Database.h"
#include "engine/trace/TraceLog.h"
#include "support/ExpectError.h"
#include "support/TestDb.h"
#include "support/ThreeConnections.h"

#include <QTest>
#include <memory>
#include <string>
#include <vector>

using namespace txs;

class TestMvccTransactionControl : public QObject, private test::ThreeConnections
{
    Q_OBJECT

private slots:
    void init() { QVERIFY(open()); }
    void cleanup() { close(); }

    // ------------------------------------------------------------------ the exclusive slot

    // Plain BEGIN reads like BEGIN CONCURRENT and holds nothing while it only reads.
    void deferredReadsHoldNothing()
    {
        MUST(*a, "BEGIN");
        MUST(*b, "BEGIN");
        QCOMPARE_ROWS(*a, "SELECT sum(v) FROM t", "30");
        QCOMPARE_ROWS(*b, "SELECT sum(v) FROM t", "30");
        MUST(*c, "BEGIN IMMEDIATE");
        MUST(*c, "UPDATE t SET v = 0");
        MUST(*c, "COMMIT");
        QCOMPARE_ROWS(*a, "SELECT sum(v) FROM t", "30");
        MUST(*a, "COMMIT");
        MUST(*b, "COMMIT");
    }

    // At its first write a deferred transaction takes the slot: other exclusive writers are
    // Busy until it ends, and a concurrent transaction's COMMIT too.
    void deferredFirstWriteTakesSlot()
    {
        MUST(*a, "BEGIN");
        QCOMPARE_ROWS(*a, "SELECT v FROM t WHERE id = 1", "10");
        MUST(*a, "UPDATE t SET v = 11 WHERE id = 1");
        const std::string holder = "transaction " + std::to_string(a->transaction().txId);
        EXPECT_ERROR(*b, "BEGIN IMMEDIATE", ErrorKind::Busy, holder);
        EXPECT_ERROR(*b, "INSERT INTO t VALUES (5, 50)", ErrorKind::Busy, holder);
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*b, "INSERT INTO t VALUES (6, 60)");
        EXPECT_ERROR(*b, "COMMIT", ErrorKind::Busy, holder);
        MUST(*a, "COMMIT");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*c, "SELECT id, v FROM t ORDER BY id", "1|11, 2|20, 6|60");
    }

    // Deferred upgrade while another holds the slot: Busy (the holder may roll back, so
    // waiting can help) and the transaction stays open; once the holder has rolled back
    // the same write succeeds.
    void deferredBusyWhileSlotHeld()
    {
        MUST(*c, "BEGIN IMMEDIATE");
        MUST(*a, "BEGIN");
        QCOMPARE_ROWS(*a, "SELECT v FROM t WHERE id = 1", "10");
        Error e;
        EXPECT_ERROR_INTO(e, *a, "UPDATE t SET v = 11 WHERE id = 1", ErrorKind::Busy, "busy");
        QCOMPARE(e.extendedCode, rc::Busy);
        QVERIFY(a->transaction().active);
        QVERIFY(!a->transaction().doomed);
        MUST(*c, "ROLLBACK");
        MUST(*a, "UPDATE t SET v = 11 WHERE id = 1");
        MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*c, "SELECT v FROM t WHERE id = 1", "11");
    }

    // Deferred upgrade after someone committed since its snapshot: BUSY_SNAPSHOT, which no
    // waiting or statement retry can fix (SQLite WAL's rule); ROLLBACK and a new transaction do.
    void deferredBusySnapshotAfterCommit()
    {
        MUST(*a, "BEGIN");
        QCOMPARE_ROWS(*a, "SELECT v FROM t WHERE id = 1", "10");
        MUST(*b, "UPDATE t SET v = 11 WHERE id = 2");
        // Waiting cannot make a stale snapshot fresh: like SQLite, no busy handler call, no sleep.
        int handlerCalls = 0;
        a->setBusyHandler([&](int) {
            ++handlerCalls;
            return false; // not true: a wrong wait must fail the test, not hang it
        });
        Error e;
        EXPECT_ERROR_INTO(e, *a, "UPDATE t SET v = v + 1 WHERE id = 1", ErrorKind::BusySnapshot, "busy");
        QCOMPARE(handlerCalls, 0);
        QCOMPARE(e.code, rc::Busy);
        QCOMPARE(e.extendedCode, rc::BusySnapshot);
        QVERIFY(isRetryable(e));
        EXPECT_ERROR(*a, "UPDATE t SET v = v + 1 WHERE id = 1", ErrorKind::BusySnapshot, "busy");
        QVERIFY(a->transaction().active);
        QCOMPARE_ROWS(*a, "SELECT v FROM t WHERE id = 2", "20");
        MUST(*a, "ROLLBACK");
        MUST(*a, "BEGIN");
        MUST(*a, "UPDATE t SET v = v + 1 WHERE id = 1");
        MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*a, "SELECT id, v FROM t ORDER BY id", "1|11, 2|11");
    }

    // A deferred transaction that has read gets BUSY at once when the slot is held, without
    // calling the busy handler (SQLite WAL's rule: waiting would only make its snapshot stale).
    void deferredUpgradeAfterReadDoesNotWait()
    {
        MUST(*c, "BEGIN IMMEDIATE");
        MUST(*a, "BEGIN");
        QCOMPARE_ROWS(*a, "SELECT v FROM t WHERE id = 1", "10");
        int handlerCalls = 0;
        a->setBusyHandler([&](int) {
            ++handlerCalls;
            return false;
        });
        EXPECT_ERROR(*a, "UPDATE t SET v = 11 WHERE id = 1", ErrorKind::Busy, "busy");
        QCOMPARE(handlerCalls, 0);
        MUST(*a, "ROLLBACK");
        // One that has not read yet waits through the handler, like SQLite's first write.
        MUST(*b, "BEGIN");
        int bCalls = 0;
        b->setBusyHandler([&](int) {
            ++bCalls;
            return false;
        });
        EXPECT_ERROR(*b, "UPDATE t SET v = 11 WHERE id = 1", ErrorKind::Busy, "busy");
        QCOMPARE(bCalls, 1);
        MUST(*b, "ROLLBACK");
        MUST(*c, "ROLLBACK");
    }

    // A concurrent COMMIT refused by an exclusive transaction waits through the busy handler
    // like SQLite's COMMIT; when the holder finishes during the wait, the COMMIT goes through.
    void concurrentCommitWaitsThroughTheBusyHandler()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "UPDATE t SET v = 11 WHERE id = 1");
        MUST(*c, "BEGIN IMMEDIATE");
        int calls = 0;
        a->setBusyHandler([&](int count) {
            ++calls;
            if (count == 2) c->execute("COMMIT"); // the holder ends while we wait
            return true;
        });
        MUST(*a, "COMMIT");
        QCOMPARE(calls, 3);
        QVERIFY(!a->transaction().active);
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 1", "11");
        // Without a handler (busy_timeout 0) it fails at once and stays open for a retry.
        a->setBusyHandler({});
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "UPDATE t SET v = 12 WHERE id = 1");
        MUST(*c, "BEGIN IMMEDIATE");
        EXPECT_ERROR(*a, "COMMIT", ErrorKind::Busy, "busy");
        QVERIFY(a->transaction().active);
        MUST(*c, "COMMIT");
        MUST(*a, "COMMIT");
    }

    // Busy first (the holder is running), BusySnapshot once the holder has committed.
    void deferredBusyThenBusySnapshot()
    {
        MUST(*c, "BEGIN IMMEDIATE");
        MUST(*a, "BEGIN");
        QCOMPARE_ROWS(*a, "SELECT v FROM t WHERE id = 1", "10");
        EXPECT_ERROR(*a, "DELETE FROM t WHERE id = 1", ErrorKind::Busy, "busy");
        MUST(*c, "UPDATE t SET v = 12 WHERE id = 2");
        MUST(*c, "COMMIT");
        EXPECT_ERROR(*a, "DELETE FROM t WHERE id = 1", ErrorKind::BusySnapshot, "busy");
        MUST(*a, "ROLLBACK");
    }

    // A deferred transaction that has run no statement has read nothing, so a commit made
    // since BEGIN does not make it stale: its first write starts from the newest state (no
    // lost update either).
    void deferredWithoutStatementsUsesNewestState()
    {
        MUST(*a, "BEGIN");
        MUST(*b, "UPDATE t SET v = 11 WHERE id = 1");
        MUST(*a, "UPDATE t SET v = v + 1 WHERE id = 1");
        QCOMPARE_ROWS(*a, "SELECT v FROM t WHERE id = 1", "12");
        MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 1", "12");
    }

    // BEGIN IMMEDIATE and BEGIN EXCLUSIVE take the slot at BEGIN; a failed BEGIN leaves no
    // transaction open. Readers and concurrent writers go on; autocommit writes are Busy.
    void immediateAndExclusiveTakeSlotAtBegin_data()
    {
        QTest::addColumn<QString>("holderBegin");
        QTest::newRow("IMMEDIATE") << QString("BEGIN IMMEDIATE");
        QTest::newRow("EXCLUSIVE") << QString("BEGIN EXCLUSIVE");
    }

    void immediateAndExclusiveTakeSlotAtBegin()
    {
        QFETCH(QString, holderBegin);
        MUST(*a, holderBegin.toStdString());
        const std::string holder = "transaction " + std::to_string(a->transaction().txId);
        EXPECT_ERROR(*b, "BEGIN IMMEDIATE", ErrorKind::Busy, holder);
        QVERIFY(!b->transaction().active);
        EXPECT_ERROR(*b, "BEGIN EXCLUSIVE", ErrorKind::Busy, holder);
        QVERIFY(!b->transaction().active);
        EXPECT_ERROR(*b, "INSERT INTO t VALUES (5, 50)", ErrorKind::Busy, holder);
        EXPECT_ERROR(*b, "UPDATE t SET v = 0", ErrorKind::Busy, holder);
        QCOMPARE_ROWS(*b, "SELECT id, v FROM t ORDER BY id", "1|10, 2|20");
        MUST(*b, "BEGIN");
        QCOMPARE_ROWS(*b, "SELECT count(*) FROM t", "2");
        EXPECT_ERROR(*b, "INSERT INTO t VALUES (5, 50)", ErrorKind::Busy, holder);
        MUST(*b, "ROLLBACK");
        MUST(*a, "INSERT INTO t VALUES (3, 30)");
        MUST(*a, "COMMIT");
        MUST(*b, "BEGIN EXCLUSIVE");
        MUST(*b, "INSERT INTO t VALUES (5, 50)");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*c, "SELECT id FROM t ORDER BY id", "1, 2, 3, 5");
    }

    // A concurrent transaction may write while an exclusive one is live, but its COMMIT is
    // Busy until the exclusive transaction ends; it stays open and the retried COMMIT works.
    void concurrentCommitBusyWhileExclusiveLive()
    {
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*b, "INSERT INTO t VALUES (10, 100)");
        MUST(*c, "BEGIN CONCURRENT");
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM t", "2");
        MUST(*a, "BEGIN IMMEDIATE");
        MUST(*b, "UPDATE t SET v = 21 WHERE id = 2");
        Error e;
        EXPECT_ERROR_INTO(e, *b, "COMMIT", ErrorKind::Busy, "busy");
        QVERIFY(isRetryable(e));
        QVERIFY(b->transaction().active);
        QVERIFY(!b->transaction().doomed);
        EXPECT_ERROR(*b, "COMMIT", ErrorKind::Busy, "busy");
        // A transaction that wrote nothing has nothing to publish: its COMMIT is not held up.
        MUST(*c, "COMMIT");
        MUST(*a, "UPDATE t SET v = 11 WHERE id = 1");
        MUST(*a, "COMMIT");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*c, "SELECT id, v FROM t ORDER BY id", "1|11, 2|21, 10|100");
    }

    void concurrentCommitBusyThenRollback()
    {
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*b, "INSERT INTO t VALUES (10, 100)");
        MUST(*a, "BEGIN");
        MUST(*a, "DELETE FROM t WHERE id = 1"); // deferred: now the exclusive holder
        EXPECT_ERROR(*b, "COMMIT", ErrorKind::Busy, "busy");
        MUST(*b, "ROLLBACK");
        QVERIFY(!b->transaction().active);
        MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*c, "SELECT id FROM t ORDER BY id", "2");
    }

    // An exclusive transaction is not above conflicts: updating a row a concurrent
    // transaction is changing dooms it (and frees the slot at once).
    void exclusiveWriterCanBeDoomed()
    {
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*b, "UPDATE t SET v = 11 WHERE id = 1");
        MUST(*a, "BEGIN IMMEDIATE");
        EXPECT_ERROR(*a, "UPDATE t SET v = 12 WHERE id = 1", ErrorKind::Conflict, "conflict");
        MUST(*c, "BEGIN IMMEDIATE"); // the doomed transaction gave the slot back
        MUST(*c, "ROLLBACK");
        MUST(*b, "COMMIT");
        MUST(*a, "ROLLBACK");
        QCOMPARE_ROWS(*c, "SELECT v FROM t WHERE id = 1", "11");
    }

    // ------------------------------------------------------------------ busy handler, timeout

    // The handler is asked with count 0, 1, 2 ... until it says no; then Busy.
    void busyHandlerGivesUp()
    {
        MUST(*a, "BEGIN IMMEDIATE");
        std::vector<int> calls;
        b->setBusyHandler([&](int count) {
            calls.push_back(count);
            return count < 3;
        });
        EXPECT_ERROR(*b, "BEGIN IMMEDIATE", ErrorKind::Busy, "busy");
        QCOMPARE(calls, (std::vector<int>{0, 1, 2, 3}));
        calls.clear();
        EXPECT_ERROR(*b, "INSERT INTO t VALUES (5, 50)", ErrorKind::Busy, "busy");
        QCOMPARE(calls, (std::vector<int>{0, 1, 2, 3}));
        MUST(*a, "ROLLBACK");
    }

    // Waiting works: the handler itself ends the holder (from this same thread, so the test
    // stays deterministic) and the next attempt gets the slot, with a snapshot that includes
    // the holder's commit.
    void busyHandlerWaitSucceeds()
    {
        MUST(*a, "BEGIN IMMEDIATE");
        MUST(*a, "UPDATE t SET v = 11 WHERE id = 1");
        std::vector<int> calls;
        bool holderCommitted = false;
        b->setBusyHandler([&](int count) {
            calls.push_back(count);
            if (count == 1) holderCommitted = a->execute("COMMIT").ok();
            return count < 10; // bounded, so a slot that never frees fails the test instead of hanging it
        });
        MUST(*b, "BEGIN IMMEDIATE");
        QVERIFY(holderCommitted);
        QCOMPARE(calls, (std::vector<int>{0, 1}));
        MUST(*b, "UPDATE t SET v = v + 1 WHERE id = 1");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*c, "SELECT v FROM t WHERE id = 1", "12");
    }

    // busy_timeout waits with SQLite's schedule (1, 2, 5, 10, 15 ... ms, the last one cut to
    // the timeout). The trace records each sleep, so the schedule is checked exactly without
    // measuring time.
    void busyTimeoutFollowsSqliteSchedule()
    {
        QCOMPARE_ROWS(*b, "PRAGMA busy_timeout", "0");
        QCOMPARE_ROWS(*b, "PRAGMA busy_timeout = 30", "30");
        QCOMPARE_ROWS(*b, "PRAGMA busy_timeout", "30");
        MUST(*a, "BEGIN IMMEDIATE");
        const auto from = trace->appendedCount();
        EXPECT_ERROR(*b, "BEGIN IMMEDIATE", ErrorKind::Busy, "busy");
        std::vector<std::int64_t> counts, sleptUs;
        for (const auto& e : trace->snapshot()) {
            if (e.seq < from || e.kind != EventKind::BusyHandlerCall || e.connection != b->id()) continue;
            counts.push_back(e.a);
            sleptUs.push_back(e.b);
        }
        // The sixth call gives up (it would sleep 0 ms), recorded like SQLite's: b = 0, detail = 1.
        QCOMPARE(counts, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));
        QCOMPARE(sleptUs, (std::vector<std::int64_t>{1000, 2000, 5000, 10000, 12000, 0}));

        // Connection::setBusyTimeout is the same setting.
        b->setBusyTimeout(4);
        QCOMPARE_ROWS(*b, "PRAGMA busy_timeout", "4");
        MUST(*a, "ROLLBACK");
    }

    // A busy handler takes precedence over busy_timeout: no sleeping, its answer decides.
    void busyHandlerOverridesTimeout()
    {
        MUST(*a, "BEGIN IMMEDIATE");
        b->setBusyTimeout(60000);
        int calls = 0;
        b->setBusyHandler([&](int) {
            ++calls;
            return false;
        });
        const auto from = trace->appendedCount();
        EXPECT_ERROR(*b, "BEGIN IMMEDIATE", ErrorKind::Busy, "busy");
        QCOMPARE(calls, 1);
        for (const auto& e : trace->snapshot())
            if (e.seq >= from && e.kind == EventKind::BusyHandlerCall) QCOMPARE(e.b, std::int64_t{0});
        MUST(*a, "ROLLBACK");
    }

    // ------------------------------------------------------------------ misuse

    // SQLite's messages and code (SQLITE_ERROR), checked against sqlite3 3.40.1.
    void misuse()
    {
        Error e;
        EXPECT_ERROR_INTO(e, *a, "COMMIT", ErrorKind::Misuse, "cannot commit - no transaction is active");
        QCOMPARE(e.code, rc::Error);
        EXPECT_ERROR(*a, "END", ErrorKind::Misuse, "cannot commit - no transaction is active");
        EXPECT_ERROR_INTO(e, *a, "ROLLBACK", ErrorKind::Misuse, "cannot rollback - no transaction is active");
        QCOMPARE(e.code, rc::Error);

        MUST(*a, "BEGIN CONCURRENT");
        const std::uint64_t outer = a->transaction().txId;
        MUST(*a, "INSERT INTO t VALUES (3, 30)");
        for (const char* nested : {"BEGIN", "BEGIN CONCURRENT", "BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"}) {
            EXPECT_ERROR_INTO(e, *a, nested, ErrorKind::Misuse,
                              "cannot start a transaction within a transaction");
            QCOMPARE(e.code, rc::Error);
        }
        // The outer transaction is untouched by the refused BEGINs.
        QCOMPARE(a->transaction().txId, outer);
        QVERIFY(!a->transaction().doomed);
        QCOMPARE(a->transaction().mode, TxMode::Concurrent);
        MUST(*a, "COMMIT");
        EXPECT_ERROR(*a, "COMMIT", ErrorKind::Misuse, "cannot commit - no transaction is active");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 3", "30");
    }
};

QTEST_GUILESS_MAIN(TestMvccTransactionControl)
#include "tst_mvcc_transaction_control.moc"
