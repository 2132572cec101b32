// Snapshot isolation of the MVCC engine, through SQL on several connections interleaved step
// by step from one thread, so every scenario is exact and repeatable: what each transaction
// sees (no dirty, intermediate or aborted reads; repeatable snapshots), which write-write
// conflicts are caught and when (eagerly for UPDATE/DELETE, at COMMIT for same-key INSERTs),
// which anomalies snapshot isolation allows (write skew, predicate inserts: asserted to
// happen, so a change to serializable would be noticed), the doomed-transaction contract, the
// exclusive slot of BEGIN/IMMEDIATE/EXCLUSIVE/autocommit (Busy vs BusySnapshot, busy handler
// and busy_timeout), SQLite's misuse errors, and the trace events a view is built from.

#include "engine/api/Database.h"
#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/trace/TraceLog.h"
#include "support/TestDb.h"

#include <QTest>
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using namespace txs;

namespace {

bool contains(const std::string& text, const std::string& needle)
{
    return text.find(needle) != std::string::npos;
}

std::string describeKind(const Error& e, ErrorKind expected)
{
    return e.describe() + " [kind " + errorKindName(e.kind) + ", expected " + errorKindName(expected) + "]";
}

} // namespace

// `sql` on `conn` must fail with an error of `expectedKind` whose message contains `needle`;
// the error is copied to `out` for further checks.
#define EXPECT_ERROR_INTO(out, conn, sql, expectedKind, needle)                                              \
    do {                                                                                                     \
        auto r_ = (conn).execute(sql);                                                                       \
        QVERIFY2(!r_.ok(), (std::string("expected an error from: ") + (sql)).c_str());                       \
        (out) = *r_.error;                                                                                   \
        QVERIFY2(r_.error->kind == (expectedKind), describeKind(*r_.error, (expectedKind)).c_str());         \
        QVERIFY2(contains(r_.error->message, (needle)),                                                      \
                 (r_.error->message + " does not mention \"" + (needle) + "\"").c_str());                    \
    } while (0)

#define EXPECT_ERROR(conn, sql, expectedKind, needle)                                                        \
    do {                                                                                                     \
        Error e_;                                                                                            \
        EXPECT_ERROR_INTO(e_, conn, sql, expectedKind, needle);                                              \
    } while (0)

class TestMvccIsolation : public QObject
{
    Q_OBJECT

    std::shared_ptr<TraceLog> trace;
    std::shared_ptr<Database> db;
    std::unique_ptr<Connection> a, b, c;

    mvcc::MvccStore& store() { return *mvccStoreOf(*db); }

private slots:
    void init()
    {
        trace = std::make_shared<TraceLog>();
        db = test::openMvcc(trace);
        QVERIFY(db);
        a = db->connect("A");
        b = db->connect("B");
        c = db->connect("C");
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)");
        MUST(*c, "INSERT INTO t VALUES (1, 10), (2, 20)");
    }

    void cleanup()
    {
        a.reset();
        b.reset();
        c.reset();
        db.reset();
        trace.reset();
    }

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
        QVERIFY2(contains(e.message, "ledger"), e.message.c_str());
        QVERIFY2(contains(e.message, "4242"), e.message.c_str());
        QVERIFY2(contains(e.message, "transaction " + std::to_string(other) + " "), e.message.c_str());
        QVERIFY2(contains(e.message, "transaction " + std::to_string(self) + " "), e.message.c_str());
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
        QVERIFY2(contains(e.message, "t key 7") || (contains(e.message, " t ") && contains(e.message, "7")),
                 e.message.c_str());
        QVERIFY2(contains(e.message, "transaction " + std::to_string(winnerTx) + " "), e.message.c_str());
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
