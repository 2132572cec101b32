// Schema changes under MVCC, as real Turso 0.7.2 behaves (checked with its Node package): a
// CREATE or DROP committed by another connection fails the COMMIT of every transaction that
// wrote since its snapshot, whatever table it wrote, with a retryable schema conflict; readers
// and transactions begun after the DDL commit. DDL is an exclusive writer. Steps of several
// connections are interleaved from one thread, so every case is exact.

#include "engine/api/Database.h"
#include "engine/explain/Explainer.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/RetryPolicy.h"
#include "support/TestDb.h"

#include <QTest>
#include <memory>
#include <string>

using namespace txs;

namespace {
bool contains(const std::string& text, const std::string& needle)
{
    return text.find(needle) != std::string::npos;
}
} // namespace

class TestMvccSchema : public QObject
{
    Q_OBJECT

    std::shared_ptr<TraceLog> trace;
    std::shared_ptr<Database> db;
    std::unique_ptr<Connection> a, b, c;

    // COMMIT on `conn` must fail with the schema conflict; returns it.
    Error commitFailsWithSchemaConflict(Connection& conn)
    {
        auto r = conn.execute("COMMIT");
        if (r.ok()) return Error{};
        return *r.error;
    }

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
        MUST(*c, "CREATE TABLE spare (x INTEGER)");
        MUST(*c, "INSERT INTO t VALUES (1, 10), (2, 20)");
    }

    void cleanup()
    {
        a.reset();
        b.reset();
        c.reset();
        db.reset();
    }

    // CREATE of an unrelated table: the writer's COMMIT fails (typed, retryable, undone, doomed
    // until ROLLBACK); the reader's commits.
    void createFailsWritersNotReaders()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "INSERT INTO t VALUES (3, 30)");
        MUST(*c, "BEGIN CONCURRENT");
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM t", "2");
        MUST(*b, "CREATE TABLE other (x INTEGER)");
        MUST(*a, "INSERT INTO t VALUES (4, 40)"); // statements still run: Turso checks at COMMIT
        const Error e = commitFailsWithSchemaConflict(*a);
        QCOMPARE(e.kind, ErrorKind::Schema);
        QCOMPARE(e.code, rc::Schema);
        QCOMPARE(e.extendedCode, rc::Schema);
        QVERIFY2(contains(e.message, "schema"), e.message.c_str());
        QVERIFY2(contains(e.message, "Database schema conflict"), e.message.c_str());
        QVERIFY(isRetryable(e));
        QVERIFY(a->transaction().active && a->transaction().doomed);
        QCOMPARE_ROWS(*b, "SELECT count(*) FROM t", "2"); // nothing of A's is visible
        auto again = a->execute("SELECT 1");
        QVERIFY(!again.ok());
        QCOMPARE(again.error->kind, ErrorKind::Schema);
        MUST(*a, "ROLLBACK");
        QVERIFY(!a->transaction().active);
        MUST(*c, "COMMIT");
        QCOMPARE_ROWS(*a, "SELECT count(*) FROM t", "2");
    }

    // DROP of a table the transaction never touched; and the snapshot, not the first write,
    // is what counts.
    void dropAfterBeginFailsLaterWriter()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "DROP TABLE spare");
        MUST(*a, "UPDATE t SET v = 11 WHERE id = 1");
        QCOMPARE(commitFailsWithSchemaConflict(*a).kind, ErrorKind::Schema);
        MUST(*a, "ROLLBACK");
        QCOMPARE_ROWS(*a, "SELECT v FROM t WHERE id = 1", "10");
    }

    void transactionAfterDdlCommits()
    {
        MUST(*b, "CREATE TABLE other (x INTEGER)");
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "UPDATE t SET v = 11 WHERE id = 1");
        MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 1", "11");
    }

    // No row written (the UPDATE matched nothing; the INSERT failed and was undone): a reader.
    void transactionThatWroteNothingCommits()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "UPDATE t SET v = 0 WHERE id = 99");
        QVERIFY(!a->execute("INSERT INTO t VALUES (1, 0)").ok());
        MUST(*b, "CREATE TABLE other (x INTEGER)");
        MUST(*a, "COMMIT");
    }

    // A no-op DDL statement (IF NOT EXISTS on an existing table) changes no schema.
    void noOpDdlIsNoConflict()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "INSERT INTO t VALUES (3, 30)");
        MUST(*b, "CREATE TABLE IF NOT EXISTS spare (x INTEGER)");
        MUST(*b, "DROP TABLE IF EXISTS nothing_here");
        MUST(*a, "COMMIT");
    }

    // DDL takes the exclusive slot like an autocommit write: BUSY while a BEGIN IMMEDIATE holds
    // it (busy_timeout 0), and then runs once it is free.
    void ddlWaitsForExclusiveWriter()
    {
        MUST(*a, "BEGIN IMMEDIATE");
        MUST(*a, "INSERT INTO t VALUES (3, 30)");
        auto r = b->execute("CREATE TABLE other (x INTEGER)");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->kind, ErrorKind::Busy);
        MUST(*a, "COMMIT"); // the DDL never happened: no conflict
        MUST(*b, "CREATE TABLE other (x INTEGER)");
        // The busy handler is asked, as for any writer waiting for the slot.
        int calls = 0;
        b->setBusyHandler([&](int) { return ++calls < 3; });
        MUST(*a, "BEGIN IMMEDIATE");
        QVERIFY(!b->execute("DROP TABLE other").ok());
        QCOMPARE(calls, 3);
        MUST(*a, "ROLLBACK");
        MUST(*b, "DROP TABLE other");
    }

    // DDL counts as a commit: a deferred transaction that read before it cannot become the
    // writer (Turso: "database is locked"; TxScope: BUSY_SNAPSHOT, as for any commit).
    void deferredReaderCannotWriteAfterDdl()
    {
        MUST(*a, "BEGIN");
        QCOMPARE_ROWS(*a, "SELECT count(*) FROM t", "2");
        MUST(*b, "CREATE TABLE other (x INTEGER)");
        auto r = a->execute("INSERT INTO t VALUES (3, 30)");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->kind, ErrorKind::BusySnapshot);
        MUST(*a, "ROLLBACK");
        // One that had run nothing yet moves its snapshot forward and commits.
        MUST(*a, "BEGIN");
        MUST(*b, "DROP TABLE other");
        MUST(*a, "INSERT INTO t VALUES (3, 30)");
        MUST(*a, "COMMIT");
    }

    // Workers retrying `conflict` retry it; the explainer says what happened and what to do.
    void retriedAndExplained()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "INSERT INTO t VALUES (3, 30)");
        MUST(*b, "CREATE TABLE other (x INTEGER)");
        const Error e = commitFailsWithSchemaConflict(*a);
        QCOMPARE(e.kind, ErrorKind::Schema);
        std::string why;
        const auto conflictOnly = parseRetryClause("conflict; max 3", why);
        QVERIFY2(conflictOnly, why.c_str());
        QVERIFY(conflictOnly->retries(e));
        const auto busyOnly = parseRetryClause("busy; max 3", why);
        QVERIFY(busyOnly && !busyOnly->retries(e));
        Explainer explainer(JournalMode::Mvcc, trace);
        const std::string text = explainer.explain(e, a->id());
        QVERIFY2(contains(text, "a schema change since your snapshot: rerun the transaction"), text.c_str());
        QVERIFY2(contains(text, "A's COMMIT"), text.c_str());
        // On real SQLite, SQLITE_SCHEMA is not this story: no MVCC explanation is made up.
        Explainer sqliteExplainer(JournalMode::Wal, nullptr);
        QVERIFY(
            sqliteExplainer.explain(Error::fromSqlite(rc::Schema, "database schema has changed"), 1).empty());
        MUST(*a, "ROLLBACK");
    }
};

QTEST_GUILESS_MAIN(TestMvccSchema)
#include "tst_mvcc_schema.moc"
