// Partial indexes (CREATE INDEX ... WHERE) and indexes on expressions on the MVCC engine: only row
// versions satisfying the WHERE are in a partial index, and uniqueness holds only among them; an
// expression index holds the expression's value and enforces UNIQUE with SQLite's message; both
// versioned like every entry (snapshots, rollback, first committer wins at COMMIT), kept through the
// log, the checkpoint (the file's real index, its SQL text unchanged, integrity_check ok), an
// existing file's open and a crash before COMMIT. Behaviour checked on SQLite 3.40.1 and Turso
// 0.7.2 in MVCC mode (Turso's message for an expression index is "t.lower (email)", SQLite's and
// ours "index 't_email'").

#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"
#include "support/PlainSqlite.h"
#include "support/TestDb.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace txs;
using test::errorOf;
using test::openFile;
using test::plainExec;
using test::schemaQuery;

namespace {

// The statements of makeTables as the user typed them: SQLite keeps this text in sqlite_schema.
const char* const indexSql[] = {
    "CREATE UNIQUE INDEX t_email ON t(lower(email))",
    "CREATE UNIQUE INDEX t_pos ON t(b) WHERE b > 0",
    "CREATE INDEX t_ab ON t(a, b + 1)",
    "CREATE UNIQUE INDEX t_both ON t(lower(a)) WHERE b > 100",
};

} // namespace

class TestMvccIndexPartialExpr : public QObject
{
    Q_OBJECT

    std::shared_ptr<Database> db;
    std::unique_ptr<Connection> a, b;

    void connectTo(std::shared_ptr<Database> opened)
    {
        db = std::move(opened);
        a = db->connect("A");
        b = db->connect("B");
    }

    std::shared_ptr<mvcc::Index> index(const char* name) { return mvccStoreOf(*db)->table("t")->index(name); }

    void makeTables(Connection& c)
    {
        MUST(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT, email TEXT)");
        for (const char* sql : indexSql)
            MUST(c, sql);
        MUST(c, "INSERT INTO t VALUES (1, 'x', 5, 'A@x'), (2, 'y', -1, 'b@x'), (3, 'z', -1, 'c@x')");
    }

    // What every test checks on the rows of makeTables (and whatever else was committed).
    void checkIndexes()
    {
        QCOMPARE(errorOf(a->execute("INSERT INTO t VALUES (9, 'q', 0, 'a@X')")),
                 QString("UNIQUE constraint failed: index 't_email'"));
        QCOMPARE(errorOf(a->execute("INSERT INTO t VALUES (9, 'q', 5, 'new@x')")),
                 QString("UNIQUE constraint failed: t.b"));
        // Outside the partial index a value may repeat.
        MUST(*a, "BEGIN");
        MUST(*a, "INSERT INTO t VALUES (9, 'q', -1, 'new@x')");
        MUST(*a, "INSERT INTO t VALUES (10, 'X', 101, 'new2@x')");
        QCOMPARE(errorOf(a->execute("INSERT INTO t VALUES (11, 'x', 102, 'new3@x')")),
                 QString("UNIQUE constraint failed: index 't_both'"));
        MUST(*a, "ROLLBACK");
        QVERIFY(index("t_email")->ready() && index("t_pos")->ready());
        // A partial index serves a query whose WHERE implies its own; an expression index never
        // does (docs/engine.md): that query is answered by a scan, correctly.
        QVERIFY(test::queryPlan(*a, "SELECT id FROM t WHERE b = 5 AND b > 0").contains("t_pos"));
        QVERIFY(!test::queryPlan(*a, "SELECT id FROM t WHERE b = 5").contains("t_pos"));
        QVERIFY(!test::queryPlan(*a, "SELECT id FROM t WHERE lower(email) = 'a@x'").contains("t_email"));
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE b = 5 AND b > 0", "1");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE lower(email) = 'a@x'", "1");
    }

private slots:
    void cleanup()
    {
        a.reset();
        b.reset();
        db.reset();
    }

    // An UPDATE moving a row out of the partial index frees its value for others, into it takes
    // it; each snapshot decides uniqueness by the versions it sees.
    void partialIndexMovesAndSnapshots()
    {
        connectTo(test::openMvcc());
        makeTables(*a);
        QCOMPARE(index("t_pos")->size(), std::size_t{1}); // rows 2 and 3 are outside
        QCOMPARE(index("t_email")->size(), std::size_t{3});
        MUST(*b, "BEGIN CONCURRENT");
        QCOMPARE_ROWS(*b, "SELECT count(*) FROM t", "3");
        MUST(*a, "UPDATE t SET b = -5 WHERE id = 1"); // out of t_pos
        QCOMPARE(index("t_pos")->keysWith(Row{Value(std::int64_t{5})}).size(), std::size_t{1}); // b's version
        MUST(*a, "UPDATE t SET b = 5 WHERE id = 2"); // into it, with the value row 1 left
        // b's snapshot still sees row 1 at 5: its insert of 5 clashes there, not for a.
        QCOMPARE(errorOf(b->execute("INSERT INTO t VALUES (20, 'w', 5, 'w@x')")),
                 QString("UNIQUE constraint failed: t.b"));
        QCOMPARE(errorOf(a->execute("INSERT INTO t VALUES (20, 'w', 5, 'w@x')")),
                 QString("UNIQUE constraint failed: t.b"));
        MUST(*b, "COMMIT");
        mvccStoreOf(*db)->collectGarbage();
        const auto fives = index("t_pos")->keysWith(Row{Value(std::int64_t{5})});
        QCOMPARE(fives, std::vector<std::int64_t>{2});
        QCOMPARE(index("t_pos")->size(), std::size_t{1});
        // An expression's value changing only in case keeps one lower() entry per row.
        MUST(*a, "UPDATE t SET email = 'a@X' WHERE id = 1");
        mvccStoreOf(*db)->collectGarbage();
        QCOMPARE(index("t_email")->size(), std::size_t{3});
        MUST(*a, "UPDATE t SET email = 'other@x' WHERE id = 1");
        mvccStoreOf(*db)->collectGarbage();
        QCOMPARE(index("t_email")->keysWith(Row{Value("a@x")}).size(), std::size_t{0});
        MUST(*a, "INSERT INTO t VALUES (4, 'w', 0, 'A@X')");
        QCOMPARE(index("t_ab")->keysWith(Row{Value("w"), Value(std::int64_t{1})}),
                 std::vector<std::int64_t>{4});
    }

    void rollbackTakesEntriesBack()
    {
        connectTo(test::openMvcc());
        makeTables(*a);
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "INSERT INTO t VALUES (7, 'r', 7, 'R@x')");
        MUST(*a, "UPDATE t SET b = 8 WHERE id = 2");
        QCOMPARE(index("t_pos")->size(), std::size_t{3});
        QCOMPARE(errorOf(b->execute("INSERT INTO t VALUES (8, 'r', 0, 'r@X')")), QString()); // not seen
        MUST(*b, "DELETE FROM t WHERE id = 8");
        MUST(*a, "ROLLBACK");
        mvccStoreOf(*db)->collectGarbage();
        QCOMPARE(index("t_pos")->size(), std::size_t{1});
        QCOMPARE(index("t_email")->size(), std::size_t{3});
        MUST(*a, "INSERT INTO t VALUES (7, 'r', 8, 'r@x')");
        checkIndexes();
    }

    // As on Turso 0.7.2: the first COMMIT wins, the second gets the write-write conflict; equal
    // values outside a partial index both commit.
    void concurrentEqualValuesFirstCommitterWins()
    {
        connectTo(test::openMvcc());
        makeTables(*a);
        auto race = [&](const char* first, const char* second, bool conflict) {
            MUST(*a, "BEGIN CONCURRENT");
            MUST(*b, "BEGIN CONCURRENT");
            MUST(*a, first);
            MUST(*b, second);
            MUST(*a, "COMMIT");
            auto r = b->execute("COMMIT");
            if (!conflict) {
                QVERIFY2(r.ok(), second);
                return;
            }
            QVERIFY2(!r.ok(), second);
            QCOMPARE(r.error->kind, ErrorKind::Conflict);
            MUST(*b, "ROLLBACK");
        };
        race("INSERT INTO t VALUES (10, 'p', 0, 'Q@q')", "INSERT INTO t VALUES (11, 'p', 0, 'q@Q')", true);
        race("INSERT INTO t VALUES (12, 'p', 200, 'r1')", "INSERT INTO t VALUES (13, 'p', 200, 'r2')", true);
        race("INSERT INTO t VALUES (14, 'p', -7, 's1')", "INSERT INTO t VALUES (15, 'p', -7, 's2')", false);
        race("INSERT INTO t VALUES (16, 'Dup', 300, 't1')", "INSERT INTO t VALUES (17, 'dUP', 301, 't2')",
             true);
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE id >= 10 ORDER BY id", "10, 12, 14, 15, 16");
    }

    // CREATE INDEX on a table with rows, autocommit and inside BEGIN; UNIQUE over duplicates is
    // refused with SQLite's message.
    void createOnRowsAutocommitAndInTransaction()
    {
        connectTo(test::openMvcc());
        MUST(*a, "CREATE TABLE u (id INTEGER PRIMARY KEY, e TEXT, n INT)");
        MUST(*a, "INSERT INTO u VALUES (1, 'A', 1), (2, 'a', -1), (3, 'b', 2)");
        QCOMPARE(errorOf(a->execute("CREATE UNIQUE INDEX u_e ON u(lower(e))")),
                 QString("UNIQUE constraint failed: index 'u_e'"));
        MUST(*a, "CREATE UNIQUE INDEX u_p ON u(lower(e)) WHERE n > 0");
        QCOMPARE(errorOf(a->execute("INSERT INTO u VALUES (4, 'a', 2)")),
                 QString("UNIQUE constraint failed: index 'u_p'"));
        MUST(*a, "INSERT INTO u VALUES (4, 'a', -2)");
        MUST(*a, "BEGIN");
        MUST(*a, "CREATE UNIQUE INDEX u_n ON u(n * 2) WHERE n < 0");
        QCOMPARE(errorOf(a->execute("INSERT INTO u VALUES (5, 'c', -1)")),
                 QString("UNIQUE constraint failed: index 'u_n'"));
        MUST(*a, "COMMIT");
        QCOMPARE(errorOf(b->execute("INSERT INTO u VALUES (5, 'c', -2)")),
                 QString("UNIQUE constraint failed: index 'u_n'"));
        MUST(*b, "INSERT INTO u VALUES (5, 'c', 5)");
        QCOMPARE(errorOf(a->execute("DROP INDEX Missing_Name")), QString("no such index: Missing_Name"));
        MUST(*a, "DROP INDEX u_n");
        MUST(*a, "INSERT INTO u VALUES (6, 'd', -2)");
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
        checkIndexes();
        MUST(*a, "UPDATE t SET b = 6 WHERE id = 2");
        MUST(*a, "PRAGMA wal_checkpoint");
        cleanup();
        QCOMPARE(test::plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(
            test::plainSqlite(
                path, "SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 't' ORDER BY rowid"),
            QString("%1, %2, %3, %4").arg(indexSql[0], indexSql[1], indexSql[2], indexSql[3]));
        // The stock SQLite enforces the file's indexes and uses them.
        QVERIFY(!plainExec(path, "INSERT INTO t VALUES (30, 'k', 6, 'k@x')"));
        QCOMPARE(test::plainSqlite(path, "SELECT id FROM t INDEXED BY t_pos WHERE b = 6 AND b > 0"),
                 QString("2"));
        QCOMPARE(test::plainSqlite(path, "SELECT id FROM t INDEXED BY t_email WHERE lower(email) = 'a@x'"),
                 QString("1"));
        connectTo(openFile(path)); // from x.db
        QVERIFY(db);
        checkIndexes();
        QCOMPARE(errorOf(a->execute("INSERT INTO t VALUES (30, 'k', 6, 'k@x')")),
                 QString("UNIQUE constraint failed: t.b"));
    }

    void anExistingFileWithSuchIndexesIsTaken()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("app.db");
        QVERIFY(plainExec(
            path, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT, email TEXT);"
                  "CREATE UNIQUE INDEX t_email ON t(lower(email));"
                  "CREATE UNIQUE INDEX t_pos ON t(b) WHERE b > 0;"
                  "CREATE INDEX t_ab ON t(a, b + 1);"
                  "CREATE UNIQUE INDEX t_both ON t(lower(a)) WHERE b > 100;"
                  "INSERT INTO t VALUES (1, 'x', 5, 'A@x'), (2, 'y', -1, 'b@x'), (3, 'z', -1, 'c@x');"));
        const QString schemaBefore = test::plainSqlite(path, schemaQuery);
        connectTo(openFile(path));
        QVERIFY(db);
        checkIndexes();
        MUST(*a, "INSERT INTO t VALUES (5, 'Zed', 7, 'zed@x')");
        MUST(*a, "PRAGMA wal_checkpoint");
        cleanup();
        QCOMPARE(test::plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(test::plainSqlite(path, schemaQuery), schemaBefore);
        connectTo(openFile(path));
        QVERIFY(db);
        checkIndexes();
        QCOMPARE(errorOf(a->execute("INSERT INTO t VALUES (6, 'q', 7, 'q@x')")),
                 QString("UNIQUE constraint failed: t.b"));
    }

    // A NOCASE entry keeps the text of the first version that made it when a later version
    // changes only case. Nothing shows that text: reads return the visible version's row, and the
    // checkpoint writes rows, from which SQLite builds the file's index itself.
    void nocaseEntryTextIsNotObservable()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("x.db");
        connectTo(openFile(path));
        QVERIFY(db);
        MUST(*a, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)");
        MUST(*a, "CREATE UNIQUE INDEX t_nocase ON t(a COLLATE NOCASE)");
        MUST(*a, "INSERT INTO t VALUES (1, 'abc')");
        MUST(*a, "UPDATE t SET a = 'ABC' WHERE id = 1");
        mvccStoreOf(*db)->collectGarbage();
        QCOMPARE_ROWS(*a, "SELECT a FROM t WHERE a = 'aBc' COLLATE NOCASE", "ABC");
        QCOMPARE_ROWS(*a, "SELECT a FROM t ORDER BY a COLLATE NOCASE", "ABC");
        MUST(*a, "PRAGMA wal_checkpoint");
        cleanup();
        QCOMPARE(test::plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(
            test::plainSqlite(path, "SELECT a FROM t INDEXED BY t_nocase WHERE a = 'abc' COLLATE NOCASE"),
            QString("ABC"));
    }

    // A crash with a transaction open: its rows and entries are gone after the restart, the
    // committed ones enforce uniqueness as before.
    void crashBeforeCommit()
    {
        QTemporaryDir dir, copy;
        const QString path = dir.filePath("x.db");
        connectTo(openFile(path));
        QVERIFY(db);
        makeTables(*a);
        MUST(*b, "BEGIN");
        MUST(*b, "INSERT INTO t VALUES (40, 'c', 40, 'crash@x')");
        MUST(*b, "UPDATE t SET b = -5 WHERE id = 1");
        // The files as a crash leaves them now: copied while the transaction is open.
        for (const char* name : {"x.db", "x.db-log"})
            if (QFile::exists(dir.filePath(name)))
                QVERIFY(QFile::copy(dir.filePath(name), copy.filePath(name)));
        cleanup();
        connectTo(openFile(copy.filePath("x.db")));
        QVERIFY(db);
        QCOMPARE_ROWS(*a, "SELECT id, b FROM t ORDER BY id", "1|5, 2|-1, 3|-1");
        MUST(*a, "INSERT INTO t VALUES (40, 'c', 40, 'crash@x')");
        checkIndexes();
    }
};

QTEST_GUILESS_MAIN(TestMvccIndexPartialExpr)
#include "tst_mvcc_index_partial_expr.moc"
