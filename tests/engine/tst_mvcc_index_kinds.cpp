// Indexes with a collation on the MVCC engine (`ON t(a COLLATE NOCASE)`, RTRIM, BINARY, and a
// plain index on a column declared COLLATE NOCASE, which inherits it as in SQLite): order, bounds
// and uniqueness decided by the collation; used by the planner only for a comparison under that
// collation; first committer wins for two concurrent collation-equal values; kept through the log,
// the checkpoint (a real index of the file, integrity_check ok) and an existing file's open.
// Behaviour checked on SQLite 3.40.1 and Turso 0.7.2 in MVCC mode.

#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"
#include "support/PlainSqlite.h"
#include "support/TestDb.h"

#include <QTemporaryDir>
#include <QTest>

using namespace txs;
using test::errorOf;
using test::openFile;
using test::plainExec;
using test::schemaQuery;

class TestMvccIndexKinds : public QObject
{
    Q_OBJECT

    std::shared_ptr<Database> db;
    std::unique_ptr<Connection> a, b;

    QString plan(const std::string& sql) { return test::queryPlan(*a, sql); }

    void connectTo(std::shared_ptr<Database> opened)
    {
        db = std::move(opened);
        a = db->connect("A");
        b = db->connect("B");
    }

    // The behaviour every test checks, on whatever database `a` is connected to (the tables of
    // makeTables, rows 1-4 of t and 1 of c and r).
    void checkCollatedIndexes()
    {
        QCOMPARE(errorOf(a->execute("INSERT INTO t VALUES (9, 'ABC', 9)")),
                 QString("UNIQUE constraint failed: t.a"));
        QCOMPARE(errorOf(a->execute("INSERT INTO c VALUES (9, 'X')")),
                 QString("UNIQUE constraint failed: c.a"));
        QCOMPARE(errorOf(a->execute("INSERT INTO r VALUES (9, 'x  ')")),
                 QString("UNIQUE constraint failed: r.a"));
        QVERIFY2(plan("SELECT id FROM t WHERE a = 'ABC' COLLATE NOCASE").contains(":t_nocase"),
                 qPrintable(plan("SELECT id FROM t WHERE a = 'ABC' COLLATE NOCASE")));
        QVERIFY(plan("SELECT id FROM c WHERE a = 'X'").contains(":c_a"));
        QVERIFY(plan("SELECT id FROM r WHERE a = 'x ' COLLATE RTRIM").contains(":r_rtrim"));
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE a = 'ABC' COLLATE NOCASE", "1");
        QCOMPARE_ROWS(*a, "SELECT id FROM c WHERE a = 'X'", "1");
        QCOMPARE_ROWS(*a, "SELECT id FROM r WHERE a = 'x ' COLLATE RTRIM", "1");
    }

    void makeTables(Connection& c)
    {
        MUST(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT)");
        MUST(c, "CREATE UNIQUE INDEX t_nocase ON t (a COLLATE NOCASE)");
        MUST(c, "CREATE TABLE c (id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE)");
        MUST(c, "CREATE UNIQUE INDEX c_a ON c (a)");
        MUST(c, "CREATE INDEX c_binary ON c (a COLLATE BINARY)");
        MUST(c, "CREATE TABLE r (id INTEGER PRIMARY KEY, a TEXT)");
        MUST(c, "CREATE UNIQUE INDEX r_rtrim ON r (a COLLATE RTRIM)");
        MUST(c, "INSERT INTO t VALUES (1, 'abc', 1), (2, 'b', 2), (3, 'C', 3), (4, 'a', 4)");
        MUST(c, "INSERT INTO c VALUES (1, 'x')");
        MUST(c, "INSERT INTO r VALUES (1, 'x')");
    }

private slots:
    void cleanup()
    {
        a.reset();
        b.reset();
        db.reset();
    }

    void nocaseOrderBoundsAndUniqueness()
    {
        connectTo(test::openMvcc());
        makeTables(*a);
        checkCollatedIndexes();
        // Ranges in the collation's order: 'a' < 'abc' < 'b' < 'C' under NOCASE ('C' < 'a' in BINARY).
        QVERIFY(plan("SELECT id FROM t WHERE a > 'B' COLLATE NOCASE").contains(":t_nocase"));
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE a > 'B' COLLATE NOCASE", "3");
        QCOMPARE_ROWS(*a,
                      "SELECT id FROM t WHERE a >= 'A' COLLATE NOCASE AND a < 'B' COLLATE NOCASE ORDER BY id",
                      "1, 4");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE a < 'b' COLLATE NOCASE ORDER BY a COLLATE NOCASE", "4, 1");
        // A BINARY comparison is not the index's: it scans, and finds only the exact bytes.
        QVERIFY(plan("SELECT id FROM t WHERE a = 'ABC'").contains("INDEX 0:"));
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE a = 'ABC'", "");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE a > 'B' ORDER BY id", "1, 2, 3, 4");
        // The column's own NOCASE: a plain index inherits it, ORDER BY a is its order; a
        // BINARY comparison uses the BINARY index only.
        MUST(*a, "INSERT INTO c VALUES (2, 'Y'), (3, 'w')");
        QCOMPARE_ROWS(*a, "SELECT a FROM c ORDER BY a", "w, x, Y");
        QVERIFY(plan("SELECT a FROM c ORDER BY a").contains(":c_a"));
        QVERIFY(plan("SELECT id FROM c WHERE a = 'x' COLLATE BINARY").contains(":c_binary"));
        QCOMPARE_ROWS(*a, "SELECT id FROM c WHERE a = 'X' COLLATE BINARY", "");
        QCOMPARE_ROWS(*a, "SELECT id FROM c WHERE a = 'x' COLLATE BINARY", "1");
        // RTRIM: only trailing spaces are ignored.
        MUST(*a, "INSERT INTO r VALUES (2, ' x')");
        QCOMPARE_ROWS(*a, "SELECT id FROM r WHERE a = 'x   ' COLLATE RTRIM", "1");
        // Column constraints with a collation: the column's (NOCASE), or the one the constraint names.
        MUST(*a, "CREATE TABLE d (id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE UNIQUE)");
        MUST(*a, "INSERT INTO d VALUES (1, 'x')");
        QCOMPARE(errorOf(a->execute("INSERT INTO d VALUES (2, 'X')")),
                 QString("UNIQUE constraint failed: d.a"));
        MUST(*a, "CREATE TABLE e (id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE, UNIQUE (a COLLATE BINARY))");
        MUST(*a, "INSERT INTO e VALUES (1, 'x'), (2, 'X')");
        QCOMPARE(errorOf(a->execute("INSERT INTO e VALUES (3, 'x')")),
                 QString("UNIQUE constraint failed: e.a"));
        // CREATE UNIQUE INDEX over rows equal under its collation fails as SQLite's does.
        MUST(*a, "CREATE TABLE f (id INTEGER PRIMARY KEY, a TEXT)");
        MUST(*a, "INSERT INTO f VALUES (1, 'q'), (2, 'Q')");
        QCOMPARE(errorOf(a->execute("CREATE UNIQUE INDEX f_a ON f (a COLLATE NOCASE)")),
                 QString("UNIQUE constraint failed: f.a"));
        MUST(*a, "CREATE UNIQUE INDEX f_a ON f (a)");
        // Upsert and OR REPLACE find the row in the way by the collation (SQLite 3.40.1: same rows).
        MUST(*a, "CREATE TABLE g (id INTEGER PRIMARY KEY, a TEXT, b INT)");
        MUST(*a, "CREATE UNIQUE INDEX g_a ON g (a COLLATE NOCASE)");
        MUST(*a, "INSERT INTO g VALUES (1, 'abc', 1)");
        MUST(*a, "INSERT INTO g VALUES (2, 'ABC', 2) ON CONFLICT (a) DO UPDATE SET b = excluded.b + 10");
        QCOMPARE_ROWS(*a, "SELECT id, a, b FROM g", "1|abc|12");
        MUST(*a, "INSERT OR REPLACE INTO g VALUES (3, 'Abc', 3)");
        QCOMPARE_ROWS(*a, "SELECT id, a, b FROM g", "3|Abc|3");
    }

    // A row whose value changes only in case keeps one entry (equal under NOCASE), and every
    // snapshot still finds its own version through it.
    void caseOnlyUpdatesKeepSnapshotsRight()
    {
        connectTo(test::openMvcc());
        makeTables(*a);
        MUST(*b, "BEGIN");
        QCOMPARE_ROWS(*b, "SELECT count(*) FROM t", "4");
        MUST(*a, "UPDATE t SET a = 'ABC' WHERE id = 1");
        QCOMPARE_ROWS(*a, "SELECT a FROM t WHERE a = 'abc' COLLATE NOCASE", "ABC");
        QCOMPARE_ROWS(*b, "SELECT a FROM t WHERE a = 'abc' COLLATE NOCASE", "abc");
        MUST(*b, "COMMIT");
        MUST(*a, "UPDATE t SET a = 'aBc' WHERE id = 1");
        MUST(*a, "DELETE FROM t WHERE id = 4");
        mvccStoreOf(*db)->collectGarbage();
        QCOMPARE(mvccStoreOf(*db)->table("t")->index("t_nocase")->size(), std::size_t{3});
        QCOMPARE_ROWS(*a, "SELECT a FROM t WHERE a = 'ABC' COLLATE NOCASE", "aBc");
        MUST(*a, "INSERT INTO t VALUES (4, 'A', 4)");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE a = 'a' COLLATE NOCASE", "4");
    }

    // As on Turso 0.7.2: neither sees the other's value; the first COMMIT wins, the second gets
    // the write-write conflict.
    void concurrentNocaseEqualInsertsFirstCommitterWins()
    {
        connectTo(test::openMvcc());
        makeTables(*a);
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*a, "INSERT INTO t VALUES (10, 'Dup', 0)");
        MUST(*b, "INSERT INTO t VALUES (11, 'dUP', 0)");
        MUST(*a, "COMMIT");
        auto r = b->execute("COMMIT");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->kind, ErrorKind::Conflict);
        MUST(*b, "ROLLBACK");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE a = 'DUP' COLLATE NOCASE", "10");
        // RTRIM-equal values likewise; BINARY-distinct values of a BINARY index commit both.
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*a, "INSERT INTO r VALUES (10, 'k')");
        MUST(*b, "INSERT INTO r VALUES (11, 'k ')");
        MUST(*a, "COMMIT");
        QCOMPARE(b->execute("COMMIT").error->kind, ErrorKind::Conflict);
        MUST(*b, "ROLLBACK");
    }

    void survivesReopenAndCheckpoint()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("x.db");
        {
            connectTo(openFile(path));
            QVERIFY(db);
            makeTables(*a);
            cleanup();
        }
        connectTo(openFile(path)); // from the log
        QVERIFY(db);
        checkCollatedIndexes();
        MUST(*a, "PRAGMA wal_checkpoint");
        cleanup();
        QCOMPARE(test::plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(test::plainSqlite(
                     path, "SELECT sql FROM sqlite_schema WHERE name IN ('t_nocase', 'c_a', 'c_binary', "
                           "'r_rtrim') ORDER BY name"),
                 QString("CREATE UNIQUE INDEX \"c_a\" ON \"c\"(\"a\"), "
                         "CREATE INDEX \"c_binary\" ON \"c\"(\"a\" COLLATE BINARY), "
                         "CREATE UNIQUE INDEX \"r_rtrim\" ON \"r\"(\"a\" COLLATE RTRIM), "
                         "CREATE UNIQUE INDEX \"t_nocase\" ON \"t\"(\"a\" COLLATE NOCASE)"));
        // The stock SQLite uses the file's index with its collation.
        QCOMPARE(
            test::plainSqlite(path, "SELECT id FROM t INDEXED BY t_nocase WHERE a = 'ABC' COLLATE NOCASE"),
            QString("1"));
        connectTo(openFile(path)); // from x.db
        QVERIFY(db);
        checkCollatedIndexes();
    }

    // A file the application made with collated indexes is taken; the checkpoint leaves its
    // schema as it was and the stock SQLite finds it sound.
    void anExistingFileWithCollatedIndexesIsTaken()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("app.db");
        QVERIFY(plainExec(path, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT);"
                                "CREATE UNIQUE INDEX t_nocase ON t(a COLLATE nocase);"
                                "CREATE TABLE c (id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE);"
                                "CREATE UNIQUE INDEX c_a ON c(a);"
                                "CREATE INDEX c_binary ON c(a COLLATE BINARY);"
                                "CREATE TABLE r (id INTEGER PRIMARY KEY, a TEXT);"
                                "CREATE UNIQUE INDEX r_rtrim ON r(a COLLATE RTRIM);"
                                "INSERT INTO t VALUES (1, 'abc', 1), (2, 'b', 2), (3, 'C', 3), (4, 'a', 4);"
                                "INSERT INTO c VALUES (1, 'x');"
                                "INSERT INTO r VALUES (1, 'x');"));
        const QString schemaBefore = test::plainSqlite(path, schemaQuery);
        connectTo(openFile(path));
        QVERIFY(db);
        checkCollatedIndexes();
        MUST(*a, "INSERT INTO t VALUES (5, 'Zed', 5)");
        MUST(*a, "PRAGMA wal_checkpoint");
        cleanup();
        QCOMPARE(test::plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(test::plainSqlite(path, schemaQuery), schemaBefore);
        QCOMPARE(
            test::plainSqlite(path, "SELECT id FROM t INDEXED BY t_nocase WHERE a = 'zED' COLLATE NOCASE"),
            QString("5"));
        connectTo(openFile(path));
        QVERIFY(db);
        checkCollatedIndexes();
        QCOMPARE(errorOf(a->execute("INSERT INTO t VALUES (6, 'ZED', 6)")),
                 QString("UNIQUE constraint failed: t.a"));
    }
};

QTEST_GUILESS_MAIN(TestMvccIndexKinds)
#include "tst_mvcc_index_kinds.moc"
