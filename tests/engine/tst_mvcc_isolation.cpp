// Snapshot isolation of the MVCC engine, through SQL on several connections interleaved step
// by step from one thread, so every scenario is exact and repeatable: what each transaction
// sees (no dirty, intermediate or aborted reads; repeatable snapshots), which write-write
// conflicts are caught and when (eagerly for UPDATE/DELETE, at COMMIT for same-key INSERTs),
// which anomalies snapshot isolation allows (write skew, predicate inserts: asserted to
// happen, so a change to serializable would be noticed), the doomed-transaction contract, and
// the trace events a view is built from. The exclusive slot, the busy handler and misuse are in
// tst_mvcc_transaction_control.

#include "engine/api/Database.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/trace/TraceLog.h"
#include "support/ExpectError.h"
#include "support/TestDb.h"
#include "support/ThreeConnections.h"

#include <QTest>
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using namespace txs;

class TestMvccIsolation : public QObject, private test::ThreeConnections
{
    Q_OBJECT

private slots:
    void init() { QVERIFY(open()); }
    void cleanup() { close(); }

    // ------------------------------------------------------------------ reads

    // The snapshot is taken at BEGIN CONCURRENT, not at the first read.
    void snapshotTakenAtBegin()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "UPDATE t SET v = 11 WHERE id = 1");
        QCOMPARE_ROWS(*a, "SELECT v FROM t WHERE id = 1", "10");
        MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*a, "SELECT v FROM t WHERE id = 1", "11");
    }

    // G0/G1: nobody sees another transaction's uncommitted insert, update or delete: not an
    // autocommit reader, not a concurrent or deferred transaction that began meanwhile, and
    // not one of those after the writer commits (their snapshot predates the commit).
    void noDirtyReads()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "UPDATE t SET v = 11 WHERE id = 1");
        MUST(*a, "INSERT INTO t VALUES (3, 30)");
        MUST(*a, "DELETE FROM t WHERE id = 2");
        QCOMPARE_ROWS(*a, "SELECT id, v FROM t ORDER BY id", "1|11, 3|30");

        QCOMPARE_ROWS(*b, "SELECT id, v FROM t ORDER BY id", "1|10, 2|20");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 3", "");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*c, "BEGIN");
        QCOMPARE_ROWS(*b, "SELECT id, v FROM t ORDER BY id", "1|10, 2|20");
        QCOMPARE_ROWS(*c, "SELECT count(*), sum(v) FROM t", "2|30");

        MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT id, v FROM t ORDER BY id", "1|10, 2|20");
        QCOMPARE_ROWS(*c, "SELECT id, v FROM t ORDER BY id", "1|10, 2|20");
        MUST(*b, "COMMIT");
        MUST(*c, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT id, v FROM t ORDER BY id", "1|11, 3|30");
    }

    // G1a: a rolled-back transaction's writes are never seen, during or after.
    void noAbortedReads()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "UPDATE t SET v = 101 WHERE id = 1");
        MUST(*a, "INSERT INTO t VALUES (3, 30)");
        MUST(*a, "DELETE FROM t WHERE id = 2");
        MUST(*b, "BEGIN CONCURRENT");
        QCOMPARE_ROWS(*b, "SELECT id, v FROM t ORDER BY id", "1|10, 2|20");
        MUST(*a, "ROLLBACK");
        QCOMPARE_ROWS(*b, "SELECT id, v FROM t ORDER BY id", "1|10, 2|20");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT id, v FROM t ORDER BY id", "1|10, 2|20");
        // Nothing of the aborted transaction is left in the chains either.
        QCOMPARE(store().versionsOf("t", 1).size(), std::size_t{1});
        QCOMPARE(store().versionsOf("t", 3).size(), std::size_t{0});
        QCOMPARE(store().versionsOf("t", 2).front().endTxId, std::uint64_t{0});
    }

    // G1b: a value a transaction overwrote before committing is never seen, and the version
    // holding it does not survive the commit.
    void noIntermediateReads()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "UPDATE t SET v = 101 WHERE id = 1");
        MUST(*a, "UPDATE t SET v = 102 WHERE id = 1");
        QCOMPARE_ROWS(*a, "SELECT v FROM t WHERE id = 1", "102");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 1", "10");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 1", "10");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 1", "102");
        const auto chain = store().versionsOf("t", 1);
        QCOMPARE(chain.size(), std::size_t{2});
        QCOMPARE(chain[0].row[1], Value(10));
        QCOMPARE(chain[1].row[1], Value(102));
    }

    // P2/PMP: inside a transaction every read (by key, by predicate, aggregates) returns the
    // same answer although others update, insert and delete and commit meanwhile.
    void repeatableSnapshotReads()
    {
        MUST(*b, "BEGIN CONCURRENT");
        QCOMPARE_ROWS(*b, "SELECT id, v FROM t ORDER BY id", "1|10, 2|20");
        QCOMPARE_ROWS(*b, "SELECT count(*) FROM t WHERE v > 15", "1");
        MUST(*a, "UPDATE t SET v = 12 WHERE id = 1");
        MUST(*a, "INSERT INTO t VALUES (3, 30)");
        MUST(*a, "DELETE FROM t WHERE id = 2");
        MUST(*c, "BEGIN CONCURRENT");
        MUST(*c, "INSERT INTO t VALUES (4, 40)");
        MUST(*c, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT id, v FROM t ORDER BY id", "1|10, 2|20");
        QCOMPARE_ROWS(*b, "SELECT count(*) FROM t WHERE v > 15", "1");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 3", "");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 2", "20");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT id, v FROM t ORDER BY id", "1|12, 3|30, 4|40");
    }

    // G-single (read skew): a transfer commits between two reads of ours; the second read
    // still comes from our snapshot, so the total stays consistent. Writing what we read
    // stale is a conflict.
    void readSkewPrevented()
    {
        MUST(*c, "UPDATE t SET v = 50");
        MUST(*a, "BEGIN CONCURRENT");
        QCOMPARE_ROWS(*a, "SELECT v FROM t WHERE id = 1", "50");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*b, "UPDATE t SET v = 25 WHERE id = 1");
        MUST(*b, "UPDATE t SET v = 75 WHERE id = 2");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*a, "SELECT v FROM t WHERE id = 2", "50");
        QCOMPARE_ROWS(*a, "SELECT sum(v) FROM t", "100");
        EXPECT_ERROR(*a, "UPDATE t SET v = v + 1 WHERE id = 2", ErrorKind::Conflict, "conflict");
        MUST(*a, "ROLLBACK");
        QCOMPARE_ROWS(*a, "SELECT id, v FROM t ORDER BY id", "1|25, 2|75");
    }

    // ------------------------------------------------------------------ write-write conflicts

    // P4 (lost update), both ways round: the second writer of a row fails at once, whether
    // the first one is still running or has already committed after our snapshot.
    void lostUpdateWhileOtherRunning()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        QCOMPARE_ROWS(*a, "SELECT v FROM t WHERE id = 1", "10");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 1", "10");
        MUST(*a, "UPDATE t SET v = 11 WHERE id = 1");
        EXPECT_ERROR(*b, "UPDATE t SET v = 11 WHERE id = 1", ErrorKind::Conflict, "conflict");
        MUST(*a, "COMMIT");
        MUST(*b, "ROLLBACK");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 1", "11");
        // The retry sees the first writer's value and builds on it.
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*b, "UPDATE t SET v = v + 1 WHERE id = 1");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 1", "12");
    }

    void lostUpdateAfterOtherCommitted()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 1", "10");
        MUST(*a, "UPDATE t SET v = v + 1 WHERE id = 1");
        MUST(*a, "COMMIT");
        EXPECT_ERROR(*b, "UPDATE t SET v = v + 1 WHERE id = 1", ErrorKind::Conflict, "conflict");
        MUST(*b, "ROLLBACK");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 1", "11");
    }

    // Every pairing of the other writer's UPDATE/DELETE (still running, or committed after our
    // snapshot) with our UPDATE/DELETE of the same row is a conflict; a change committed
    // before our snapshot, or one rolled back, is not.
    void writeAfterSnapshot_data()
    {
        QTest::addColumn<QString>("theirs");
        QTest::addColumn<bool>("theyCommit");
        QTest::addColumn<QString>("ours");
        for (const char* theirs : {"UPDATE", "DELETE"})
            for (bool commit : {false, true})
                for (const char* ours : {"UPDATE", "DELETE"})
                    QTest::addRow("%s %s, then our %s", theirs, commit ? "committed" : "running", ours)
                        << QString(theirs) << commit << QString(ours);
    }

    void writeAfterSnapshot()
    {
        QFETCH(QString, theirs);
        QFETCH(bool, theyCommit);
        QFETCH(QString, ours);
        auto sql = [](const QString& verb) {
            return verb == "UPDATE" ? std::string("UPDATE t SET v = v + 1 WHERE id = 2")
                                    : std::string("DELETE FROM t WHERE id = 2");
        };
        MUST(*b, "BEGIN CONCURRENT");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 2", "20");
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, sql(theirs));
        if (theyCommit) MUST(*a, "COMMIT");
        EXPECT_ERROR(*b, sql(ours), ErrorKind::Conflict, "conflict");
        QVERIFY(b->transaction().doomed);
        MUST(*b, "ROLLBACK");
        if (!theyCommit) MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 2", theirs == "UPDATE" ? "21" : "");
    }

    void noConflictWithEarlierCommitOrRollback()
    {
        MUST(*a, "UPDATE t SET v = 11 WHERE id = 1"); // committed before b's snapshot
        MUST(*c, "BEGIN CONCURRENT");
        MUST(*c, "UPDATE t SET v = 21 WHERE id = 2");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*c, "ROLLBACK"); // its claim on row 2 is gone
        MUST(*b, "UPDATE t SET v = v + 1 WHERE id = 1");
        MUST(*b, "DELETE FROM t WHERE id = 2");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*a, "SELECT id, v FROM t ORDER BY id", "1|12");
    }

    // The message says which table, key and transaction the conflict is about, so a user can
    // find the other writer in the trace; the code is Turso's (SQLITE_ERROR, "conflict") so
    // the seed's retry predicate accepts it.
    void conflictMessageNamesTableKeyAndOtherTx()
    {
        MUST(*c, "CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount INTEGER)");
        MUST(*c, "INSERT INTO ledger VALUES (4242, 1)");
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "UPDATE ledger SET amount = 2 WHERE id = 4242");
        const std::uint64_t other = a->transaction().txId;
        MUST(*b, "BEGIN CONCURRENT");
        const std::uint64_t self = b->transaction().txId;
        Error e;
        EXPECT_ERROR_INTO(e, *b, "DELETE FROM ledger WHERE id = 4242", ErrorKind::Conflict, "conflict");
        QVERIFY2(test::mentions(e.message, "ledger"), e.message.c_str());
        QVERIFY2(test::mentions(e.message, "4242"), e.message.c_str());
        QVERIFY2(test::mentions(e.message, "transaction " + std::to_string(other) + " "), e.message.c_str());
        QVERIFY2(test::mentions(e.message, "transaction " + std::to_string(self) + " "), e.message.c_str());
        QCOMPARE(e.code, rc::Error);
        QVERIFY(isRetryable(e));
        QCOMPARE(QString::fromStdString(e.codeName()), QString("TXSCOPE_CONFLICT"));
        MUST(*b, "ROLLBACK");
        MUST(*a, "COMMIT");
    }

    // ------------------------------------------------------------------ anomalies SI allows

    // G2-item (write skew): both doctors check that the other is on call and go off call;
    // the writes touch different rows, so both commit and nobody is on call. Snapshot
    // isolation allows this; serializable would not.
    void writeSkewAllowed()
    {
        MUST(*c, "CREATE TABLE doctors (id INTEGER PRIMARY KEY, oncall INTEGER)");
        MUST(*c, "INSERT INTO doctors VALUES (1, 1), (2, 1)");
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        QCOMPARE_ROWS(*a, "SELECT count(*) FROM doctors WHERE oncall = 1", "2");
        QCOMPARE_ROWS(*b, "SELECT count(*) FROM doctors WHERE oncall = 1", "2");
        MUST(*a, "UPDATE doctors SET oncall = 0 WHERE id = 1");
        MUST(*b, "UPDATE doctors SET oncall = 0 WHERE id = 2");
        MUST(*a, "COMMIT");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM doctors WHERE oncall = 1", "0");
    }

    // G2 with a predicate: "at most one shift per day", checked by counting, enforced by
    // nobody: both transactions see zero and insert (new keys, so no write-write conflict).
    void predicateInsertAnomalyAllowed()
    {
        MUST(*c, "CREATE TABLE shifts (id INTEGER PRIMARY KEY, day INTEGER, doctor TEXT)");
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        QCOMPARE_ROWS(*a, "SELECT count(*) FROM shifts WHERE day = 1", "0");
        QCOMPARE_ROWS(*b, "SELECT count(*) FROM shifts WHERE day = 1", "0");
        MUST(*a, "INSERT INTO shifts (day, doctor) VALUES (1, 'alice')");
        MUST(*b, "INSERT INTO shifts (day, doctor) VALUES (1, 'bob')");
        QCOMPARE_ROWS(*a, "SELECT doctor FROM shifts WHERE day = 1", "alice");
        MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT doctor FROM shifts WHERE day = 1", "bob");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*c, "SELECT doctor FROM shifts WHERE day = 1 ORDER BY doctor", "alice, bob");
    }

    // ------------------------------------------------------------------ inserts

    // Same explicit key from two transactions: both INSERTs succeed (neither sees the other's
    // row); the first COMMIT wins and the second fails with a conflict, whichever inserted
    // first.
    void sameKeyInsertFirstCommitterWins_data()
    {
        QTest::addColumn<bool>("aInsertsFirst");
        QTest::addColumn<bool>("aCommitsFirst");
        QTest::newRow("A inserts first, A commits first") << true << true;
        QTest::newRow("A inserts first, B commits first") << true << false;
        QTest::newRow("B inserts first, A commits first") << false << true;
        QTest::newRow("B inserts first, B commits first") << false << false;
    }

    void sameKeyInsertFirstCommitterWins()
    {
        QFETCH(bool, aInsertsFirst);
        QFETCH(bool, aCommitsFirst);
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        Connection& first = aInsertsFirst ? *a : *b;
        Connection& second = aInsertsFirst ? *b : *a;
        MUST(first, std::string("INSERT INTO t VALUES (7, ") + (aInsertsFirst ? "1)" : "2)"));
        MUST(second, std::string("INSERT INTO t VALUES (7, ") + (aInsertsFirst ? "2)" : "1)"));
        Connection& winner = aCommitsFirst ? *a : *b;
        Connection& loser = aCommitsFirst ? *b : *a;
        const std::uint64_t winnerTx = winner.transaction().txId;
        MUST(winner, "COMMIT");
        Error e;
        EXPECT_ERROR_INTO(e, loser, "COMMIT", ErrorKind::Conflict, "conflict");
        QVERIFY2(test::mentions(e.message, "t key 7") ||
                     (test::mentions(e.message, " t ") && test::mentions(e.message, "7")),
                 e.message.c_str());
        QVERIFY2(test::mentions(e.message, "transaction " + std::to_string(winnerTx) + " "),
                 e.message.c_str());
        // The failed COMMIT leaves the transaction doomed, not gone: only ROLLBACK ends it.
        QVERIFY(loser.transaction().active);
        QVERIFY(loser.transaction().doomed);
        EXPECT_ERROR(loser, "SELECT 1", ErrorKind::Conflict, "doomed");
        MUST(loser, "ROLLBACK");
        QCOMPARE_ROWS(loser, "SELECT v FROM t WHERE id = 7", aCommitsFirst ? "1" : "2");
        // Retrying now sees the winner's row.
        MUST(loser, "BEGIN CONCURRENT");
        EXPECT_ERROR(loser, "INSERT INTO t VALUES (7, 3)", ErrorKind::Constraint, "UNIQUE constraint failed");
        MUST(loser, "ROLLBACK");
    }

    // A key the transaction can see is a UNIQUE violation at once; the statement fails, the
    // transaction goes on.
    void insertVisibleKeyIsUniqueError()
    {
        MUST(*a, "BEGIN CONCURRENT");
        Error e;
        EXPECT_ERROR_INTO(e, *a, "INSERT INTO t VALUES (1, 99)", ErrorKind::Constraint,
                          "UNIQUE constraint failed: t.id");
        QCOMPARE(e.extendedCode, rc::ConstraintPrimaryKey);
        QVERIFY(!isRetryable(e));
        QVERIFY(!a->transaction().doomed);
        MUST(*a, "INSERT INTO t VALUES (5, 50)");
        EXPECT_ERROR(*a, "INSERT INTO t VALUES (5, 51)", ErrorKind::Constraint, "UNIQUE constraint failed");
        // The failing multi-row statement leaves nothing behind (statement atomicity).
        EXPECT_ERROR(*a, "INSERT INTO t VALUES (6, 60), (2, 99)", ErrorKind::Constraint, "UNIQUE");
        MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT id, v FROM t ORDER BY id", "1|10, 2|20, 5|50");
    }

    // Rowids come from a non-transactional allocator: concurrent inserts without a key never
    // meet on a key and never conflict.
    void insertsWithoutKeyNeverConflict()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        for (int i = 0; i < 3; ++i) {
            MUST(*a, "INSERT INTO t (v) VALUES (100)");
            MUST(*b, "INSERT INTO t (v) VALUES (200)");
            MUST(*c, "INSERT INTO t (v) VALUES (300)");
        }
        MUST(*b, "COMMIT");
        MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*c,
                      "SELECT v, count(*), count(DISTINCT id) FROM t WHERE v >= 100 GROUP BY v ORDER BY v",
                      "100|3|3, 200|3|3, 300|3|3");
        QCOMPARE_ROWS(*c, "SELECT count(DISTINCT id) FROM t", "11");
    }

    // An UPDATE that changes the key is an insert of the new key and a delete of the old
    // one: the old key conflicts like any delete, the new key like any insert.
    void keyChangingUpdate()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "UPDATE t SET id = 5 WHERE id = 1");
        MUST(*b, "BEGIN CONCURRENT");
        EXPECT_ERROR(*b, "UPDATE t SET v = 0 WHERE id = 1", ErrorKind::Conflict, "conflict");
        MUST(*b, "ROLLBACK");
        MUST(*c, "BEGIN CONCURRENT");
        MUST(*c, "INSERT INTO t VALUES (5, 55)");
        MUST(*c, "COMMIT");
        EXPECT_ERROR(*a, "COMMIT", ErrorKind::Conflict, "conflict");
        MUST(*a, "ROLLBACK");
        QCOMPARE_ROWS(*a, "SELECT id, v FROM t ORDER BY id", "1|10, 2|20, 5|55");
        // Moving every row at once: each row moves exactly once (no Halloween problem).
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "UPDATE t SET id = id + 10");
        QCOMPARE_ROWS(*a, "SELECT id, v FROM t ORDER BY id", "11|10, 12|20, 15|55");
        QCOMPARE_ROWS(*b, "SELECT id, v FROM t ORDER BY id", "1|10, 2|20, 5|55");
        MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT id, v FROM t ORDER BY id", "11|10, 12|20, 15|55");
    }

    // INSERT OR REPLACE of a visible key is an update (and conflicts like one); OR IGNORE
    // skips a visible key and leaves the transaction healthy.
    void insertOrReplaceAndIgnore()
    {
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*b, "UPDATE t SET v = 21 WHERE id = 2");
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "INSERT OR IGNORE INTO t VALUES (2, 99)");
        MUST(*a, "INSERT OR REPLACE INTO t VALUES (1, 11)");
        QCOMPARE_ROWS(*a, "SELECT id, v FROM t ORDER BY id", "1|11, 2|20");
        EXPECT_ERROR(*a, "INSERT OR REPLACE INTO t VALUES (2, 22)", ErrorKind::Conflict, "conflict");
        MUST(*a, "ROLLBACK");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*a, "SELECT id, v FROM t ORDER BY id", "1|10, 2|21");
    }

    // Closing a connection ends its transaction: its writes and the exclusive slot are
    // released for everyone else.
    void closingConnectionRollsBack()
    {
        MUST(*a, "BEGIN IMMEDIATE");
        MUST(*a, "UPDATE t SET v = 11 WHERE id = 1");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*b, "UPDATE t SET v = 21 WHERE id = 2");
        a.reset();
        b.reset();
        MUST(*c, "BEGIN IMMEDIATE");
        MUST(*c, "UPDATE t SET v = v + 1");
        MUST(*c, "COMMIT");
        QCOMPARE_ROWS(*c, "SELECT id, v FROM t ORDER BY id", "1|11, 2|21");
    }

    // ------------------------------------------------------------------ doomed transactions

    void doomedTransaction()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "UPDATE t SET v = 21 WHERE id = 2"); // a's own write, before the conflict
        MUST(*a, "INSERT INTO t VALUES (3, 30)");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*b, "UPDATE t SET v = 11 WHERE id = 1");
        const std::uint64_t doomedTx = a->transaction().txId;
        EXPECT_ERROR(*a, "UPDATE t SET v = 12 WHERE id = 1", ErrorKind::Conflict, "conflict");
        QVERIFY(a->transaction().active);
        QVERIFY(a->transaction().doomed);

        // Every statement but ROLLBACK is refused, saying why.
        EXPECT_ERROR(*a, "SELECT v FROM t WHERE id = 1", ErrorKind::Conflict, "doomed");
        EXPECT_ERROR(*a, "INSERT INTO t VALUES (9, 90)", ErrorKind::Conflict, "doomed");
        EXPECT_ERROR(*a, "BEGIN CONCURRENT", ErrorKind::Conflict, "doomed");
        EXPECT_ERROR(*a, "COMMIT", ErrorKind::Conflict, "doomed");
        QVERIFY(a->transaction().doomed);

        // Its writes were undone at the conflict: they block nobody while a is still open.
        for (const auto& v : store().versionsOf("t", 2)) {
            QVERIFY(v.beginTxId != doomedTx);
            QVERIFY(v.endTxId != doomedTx);
        }
        QVERIFY(store().versionsOf("t", 3).empty());
        MUST(*c, "UPDATE t SET v = 22 WHERE id = 2");
        MUST(*c, "INSERT INTO t VALUES (3, 33)");

        MUST(*a, "ROLLBACK");
        QVERIFY(!a->transaction().active);
        // The connection works normally again, in a transaction and in autocommit.
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "UPDATE t SET v = v + 1 WHERE id = 2");
        MUST(*a, "COMMIT");
        MUST(*a, "UPDATE t SET v = v + 1 WHERE id = 3");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*a, "SELECT id, v FROM t ORDER BY id", "1|11, 2|23, 3|34");
    }

    // An autocommit statement that conflicts is undone as a whole and leaves no transaction
    // behind (there is nothing to ROLLBACK).
    void autocommitConflictUndoesStatement()
    {
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*b, "UPDATE t SET v = 21 WHERE id = 2");
        EXPECT_ERROR(*a, "UPDATE t SET v = v + 100", ErrorKind::Conflict, "conflict");
        QVERIFY(!a->transaction().active);
        QCOMPARE_ROWS(*a, "SELECT id, v FROM t ORDER BY id", "1|10, 2|20");
        MUST(*a, "UPDATE t SET v = v + 100 WHERE id = 1");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*a, "SELECT id, v FROM t ORDER BY id", "1|110, 2|21");
    }

    // ------------------------------------------------------------------ trace

    // The events a view draws from, with the right transaction ids, in a causal order.
    void traceRecordsTransactionEvents()
    {
        std::uint32_t tableId = 0;
        for (const auto& e : trace->snapshot())
            if (e.kind == EventKind::TableCreated && e.text == "t") tableId = e.table;
        QVERIFY(tableId != 0);

        MUST(*a, "BEGIN CONCURRENT");
        const std::uint64_t txA = a->transaction().txId;
        MUST(*a, "UPDATE t SET v = 11 WHERE id = 1");
        MUST(*b, "BEGIN CONCURRENT");
        const std::uint64_t txB = b->transaction().txId;
        EXPECT_ERROR(*b, "UPDATE t SET v = 12 WHERE id = 1", ErrorKind::Conflict, "conflict");
        MUST(*b, "ROLLBACK");
        MUST(*a, "COMMIT");
        MUST(*c, "BEGIN IMMEDIATE");
        const std::uint64_t txC = c->transaction().txId;
        MUST(*c, "INSERT INTO t VALUES (3, 30)");
        MUST(*c, "COMMIT");
        MUST(*a, "INSERT INTO t VALUES (4, 40)"); // autocommit

        const auto events = trace->snapshot();
        auto find = [&](EventKind kind, std::uint64_t tx) -> const Event* {
            for (const auto& e : events)
                if (e.kind == kind && e.txId == tx) return &e;
            return nullptr;
        };
        auto count = [&](EventKind kind, std::uint64_t tx) {
            return std::count_if(events.begin(), events.end(),
                                 [&](const Event& e) { return e.kind == kind && e.txId == tx; });
        };

        // A: begin, end the old version of row 1, create the new one, commit.
        const Event* beginA = find(EventKind::TxBegin, txA);
        QVERIFY(beginA);
        QCOMPARE(beginA->connection, a->id());
        QCOMPARE(beginA->a, static_cast<std::int64_t>(TxMode::Concurrent));
        const Event* endedA = find(EventKind::VersionEnded, txA);
        const Event* createdA = find(EventKind::VersionCreated, txA);
        QVERIFY(endedA && createdA);
        QCOMPARE(endedA->table, tableId);
        QCOMPARE(endedA->rowid, std::int64_t{1});
        QCOMPARE(createdA->rowid, std::int64_t{1});
        QVERIFY(createdA->a != endedA->a);
        const Event* commitA = find(EventKind::TxCommit, txA);
        QVERIFY(commitA);
        QVERIFY2(commitA->a > beginA->b, "commit timestamp after the begin timestamp");
        QVERIFY(beginA->seq < endedA->seq && endedA->seq < commitA->seq && createdA->seq < commitA->seq);
        QCOMPARE(count(EventKind::TxRollback, txA), 0);

        // B: begin, conflict with A on row 1, doomed, rolled back by the user; no commit.
        QVERIFY(find(EventKind::TxBegin, txB));
        const Event* conflictB = find(EventKind::Conflict, txB);
        const Event* doomedB = find(EventKind::TxDoomed, txB);
        const Event* rollbackB = find(EventKind::TxRollback, txB);
        QVERIFY(conflictB && doomedB && rollbackB);
        QCOMPARE(conflictB->a, static_cast<std::int64_t>(txA));
        QCOMPARE(conflictB->table, tableId);
        QCOMPARE(conflictB->rowid, std::int64_t{1});
        QCOMPARE(conflictB->connection, b->id());
        QCOMPARE(rollbackB->a, static_cast<std::int64_t>(RollbackReason::Conflict));
        QVERIFY(conflictB->seq < doomedB->seq && doomedB->seq < rollbackB->seq);
        QCOMPARE(count(EventKind::TxRollback, txB), 1);
        QCOMPARE(count(EventKind::TxCommit, txB), 0);
        QCOMPARE(count(EventKind::VersionCreated, txB), 0);

        // C: BEGIN IMMEDIATE takes the exclusive slot right after its TxBegin.
        const Event* beginC = find(EventKind::TxBegin, txC);
        QVERIFY(beginC);
        QCOMPARE(beginC->a, static_cast<std::int64_t>(TxMode::Immediate));
        const Event* lockC = nullptr;
        for (const auto& e : events)
            if (e.kind == EventKind::LockAcquire && e.txId == txC &&
                e.a == static_cast<std::int64_t>(LockResource::MvccExclusive))
                lockC = &e;
        QVERIFY(lockC);
        QCOMPARE(lockC->b, static_cast<std::int64_t>(LockLevel::Exclusive));
        const Event* createdC = find(EventKind::VersionCreated, txC);
        QVERIFY(createdC);
        QCOMPARE(createdC->rowid, std::int64_t{3});
        QVERIFY(beginC->seq < lockC->seq && lockC->seq < createdC->seq);
        QVERIFY(find(EventKind::TxCommit, txC));

        // The autocommit INSERT is one exclusive transaction: slot, version, commit, one id.
        const Event* createdAuto = nullptr;
        for (const auto& e : events)
            if (e.kind == EventKind::VersionCreated && e.rowid == 4) createdAuto = &e;
        QVERIFY(createdAuto);
        const std::uint64_t txAuto = createdAuto->txId;
        QVERIFY(txAuto != 0 && txAuto != txA);
        bool autoLocked = false;
        for (const auto& e : events)
            if (e.kind == EventKind::LockAcquire && e.txId == txAuto &&
                e.a == static_cast<std::int64_t>(LockResource::MvccExclusive))
                autoLocked = true;
        QVERIFY(autoLocked);
        QVERIFY(find(EventKind::TxCommit, txAuto));
    }
};

QTEST_GUILESS_MAIN(TestMvccIsolation)
#include "tst_mvcc_isolation.moc"
