// Secondary indexes on the MVCC engine: CREATE [UNIQUE] INDEX, UNIQUE constraints, composite and
// non-integer primary keys; used by the planner (EXPLAIN QUERY PLAN), uniqueness decided like the
// key's (at once when visible, first committer wins otherwise), entries kept in step with rows
// through undo and garbage collection.

#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/trace/TraceLog.h"
#include "support/PlainSqlite.h"
#include "support/TestDb.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace txs;
using test::errorOf;

class TestMvccIndex : public QObject
{
    Q_OBJECT

    std::shared_ptr<Database> db;
    std::unique_ptr<Connection> a, b;

    mvcc::MvccStore& store() { return *mvccStoreOf(*db); }

    QString plan(const std::string& sql) { return test::queryPlan(*a, sql); }

    std::size_t entries(const char* table, const char* index)
    {
        return store().table(table)->index(index)->size();
    }

private slots:
    void init()
    {
        db = test::openMvcc();
        a = db->connect("A");
        b = db->connect("B");
        MUST(*a, "CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT UNIQUE, v INT, w TEXT)");
        MUST(*a, "CREATE INDEX t_v ON t (v)");
        MUST(*a,
             "INSERT INTO t VALUES (1, 'a', 10, 'x'), (2, 'b', 20, 'y'), (3, 'c', 20, 'z'), (4, NULL, 30, "
             "'x'), (5, NULL, NULL, 'y')");
    }

    void cleanup()
    {
        a.reset();
        b.reset();
        db.reset();
    }

    void equalityAndRangesUseTheIndex()
    {
        QVERIFY2(plan("SELECT * FROM t WHERE v = 20").contains(":t_v"),
                 qPrintable(plan("SELECT * FROM t WHERE v = 20")));
        QVERIFY(plan("SELECT * FROM t WHERE v > 10 AND v <= 30").contains(":t_v"));
        QVERIFY(plan("SELECT * FROM t WHERE email = 'b'").contains(":sqlite_autoindex_t_1"));
        QVERIFY(plan("SELECT * FROM t WHERE w = 'x'").contains("INDEX 0:"));
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE v = 20", "2, 3");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE v = '20'", "2, 3");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE v = 20.0", "2, 3");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE v > 10 AND v <= 30 ORDER BY id", "2, 3, 4");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE v < 20", "1");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE v IS NULL", "5");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE v = NULL", "");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE v IN (30, 10) ORDER BY id", "1, 4");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE email = 'c'", "3");
        // A number against a TEXT column may come from a numeric column, where SQLite converts the
        // column's values: the index is not trusted with it, and the answer stays SQLite's.
        MUST(*a, "INSERT INTO t VALUES (6, '7', 70, 'n')");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE email = 7", "6");
        QCOMPARE_ROWS(*a, "SELECT t.id FROM t JOIN t AS u ON t.email = u.v WHERE u.id = 6", "");
        // Parameters as literals.
        auto r = a->execute("SELECT id FROM t WHERE v = ?", {Value(20)});
        QCOMPARE(QString::fromStdString(r.rowsText()), QString("2, 3"));
    }

    // Counted, not timed: a lookup through an index reads the rows it returns, not the table
    // (each row read is a VersionRead event).
    void lookupsReadOnlyTheirRows()
    {
        auto trace = std::make_shared<TraceLog>();
        db = test::openMvcc(trace);
        a = db->connect("A");
        MUST(*a, "CREATE TABLE big (id INTEGER PRIMARY KEY, v INT, u TEXT UNIQUE)");
        MUST(*a, "CREATE INDEX big_v ON big (v)");
        MUST(*a, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) "
                 "INSERT INTO big SELECT x, x % 1000, 'u' || x FROM c");
        // "rows | version reads" of one query.
        auto reads = [&](const std::string& sql) {
            const auto before = trace->countOf(EventKind::VersionRead);
            const QString rows = QString::fromStdString(a->execute(sql).rowsText());
            return rows + " | " + QString::number(trace->countOf(EventKind::VersionRead) - before);
        };
        QCOMPARE(reads("SELECT id FROM big WHERE u = 'u4321'"), QString("4321 | 1"));
        QCOMPARE(reads("SELECT count(*) FROM big WHERE v = 7"), QString("5 | 5"));
        QCOMPARE(reads("SELECT count(*) FROM big WHERE v BETWEEN 10 AND 11"), QString("10 | 10"));
        QCOMPARE(reads("SELECT count(*) FROM big WHERE +v = 7"), QString("5 | 5000"));
    }

    void orderByUsesTheIndexOrder()
    {
        QVERIFY(!plan("SELECT v FROM t ORDER BY v").contains("TEMP B-TREE"));
        QVERIFY(!plan("SELECT v FROM t WHERE v > 10 ORDER BY v DESC").contains("TEMP B-TREE"));
        QCOMPARE_ROWS(*a, "SELECT id FROM t ORDER BY v, id", "5, 1, 2, 3, 4");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE v >= 20 ORDER BY v DESC", "4, 3, 2");
        QCOMPARE_ROWS(*a, "SELECT v FROM t ORDER BY v DESC", "30, 20, 20, 10, NULL");
    }

    void multiColumnIndexUsesItsLeftmostPrefix()
    {
        MUST(*a, "CREATE TABLE m (id INTEGER PRIMARY KEY, a INT, b INT, c TEXT)");
        MUST(*a, "CREATE INDEX m_ab ON m (a, b)");
        MUST(*a, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200) "
                 "INSERT INTO m SELECT x, x % 10, x % 7, 'r' || x FROM n");
        QVERIFY(plan("SELECT * FROM m WHERE a = 3 AND b = 4").contains(":m_ab"));
        QVERIFY(plan("SELECT * FROM m WHERE a = 3 AND b > 4").contains(":m_ab"));
        QVERIFY(plan("SELECT * FROM m WHERE a = 3").contains(":m_ab"));
        QVERIFY(!plan("SELECT * FROM m WHERE b = 4").contains(":m_ab"));
        QVERIFY(!plan("SELECT * FROM m WHERE a = 3 ORDER BY b").contains("TEMP B-TREE"));
        QCOMPARE_ROWS(*a, "SELECT count(*) FROM m WHERE a = 3 AND b = 4", "3");
        QCOMPARE_ROWS(*a, "SELECT count(*) FROM m WHERE +a = 3 AND +b = 4", "3");
        QCOMPARE_ROWS(*a,
                      "SELECT group_concat(id) FROM (SELECT id FROM m WHERE a = 3 AND b > 4 ORDER BY b, id)",
                      "33,103,173,13,83,153");
        QCOMPARE_ROWS(
            *a, "SELECT group_concat(id) FROM (SELECT id FROM m WHERE +a = 3 AND +b > 4 ORDER BY b, id)",
            "33,103,173,13,83,153");
    }

    void visibleDuplicateFailsAtOnce()
    {
        MUST(*a, "BEGIN CONCURRENT");
        auto r = a->execute("INSERT INTO t VALUES (10, 'a', 1, '')");
        QVERIFY(!r.ok());
        QCOMPARE(errorOf(r), QString("UNIQUE constraint failed: t.email"));
        QCOMPARE(r.error->extendedCode, rc::ConstraintUnique);
        // The statement is undone, the transaction goes on.
        MUST(*a, "INSERT INTO t VALUES (10, 'new', 1, '')");
        r = a->execute("UPDATE t SET email = 'b' WHERE id = 1");
        QCOMPARE(errorOf(r), QString("UNIQUE constraint failed: t.email"));
        MUST(*a, "UPDATE t SET email = 'a' WHERE id = 1"); // its own value
        // Freed within the transaction: taken again.
        MUST(*a, "DELETE FROM t WHERE id = 2");
        MUST(*a, "INSERT INTO t VALUES (11, 'b', 1, '')");
        MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE email IN ('a', 'b', 'new') ORDER BY id", "1, 10, 11");
        // A multi-row statement failing half way leaves nothing, nor index entries that match.
        r = a->execute("INSERT INTO t VALUES (20, 'p', 5, ''), (21, 'q', 5, ''), (22, 'a', 5, '')");
        QVERIFY(!r.ok());
        QCOMPARE_ROWS(*a, "SELECT count(*) FROM t WHERE v = 5", "0");
        QCOMPARE_ROWS(*a, "SELECT count(*) FROM t WHERE email = 'p'", "0");
        QCOMPARE(entries("t", "t_v"), std::size_t{7}); // the undo took the entries back
    }

    void nullsAreDistinct()
    {
        MUST(*a, "INSERT INTO t VALUES (30, NULL, 1, ''), (31, NULL, 1, '')");
        QCOMPARE_ROWS(*a, "SELECT count(*) FROM t WHERE email IS NULL", "4");
        // Through the unique index, which must not promise one row for IS NULL.
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE email IS NULL ORDER BY id", "4, 5, 30, 31");
        QCOMPARE_ROWS(*a, "SELECT t.id FROM t JOIN t AS o ON o.id = 4 WHERE t.email IS o.email ORDER BY 1",
                      "4, 5, 30, 31");
    }

    void concurrentInsertsOfOneValueFirstCommitterWins()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*a, "INSERT INTO t VALUES (10, 'dup', 1, '')");
        MUST(*b, "INSERT INTO t VALUES (11, 'dup', 1, '')"); // neither sees the other
        MUST(*a, "COMMIT");
        auto r = b->execute("COMMIT");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->kind, ErrorKind::Conflict);
        QVERIFY(isRetryable(*r.error));
        QVERIFY2(errorOf(r).contains("conflict"), qPrintable(errorOf(r)));
        MUST(*b, "ROLLBACK");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE email = 'dup'", "10");

        // Committed after our snapshot: not visible, so also decided at COMMIT (as Turso 0.7.2).
        MUST(*b, "BEGIN CONCURRENT");
        QCOMPARE_ROWS(*b, "SELECT count(*) FROM t", "6");
        MUST(*a, "INSERT INTO t VALUES (12, 'late', 1, '')");
        MUST(*b, "INSERT INTO t VALUES (13, 'late', 1, '')");
        QCOMPARE(b->execute("COMMIT").error->kind, ErrorKind::Conflict);
        MUST(*b, "ROLLBACK");

        // The first one rolled back: the second commits.
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*a, "INSERT INTO t VALUES (14, 'gone', 1, '')");
        MUST(*b, "INSERT INTO t VALUES (15, 'gone', 1, '')");
        MUST(*a, "ROLLBACK");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE email = 'gone'", "15");

        // Moving a value away and another row taking it, concurrently: both commit.
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*a, "UPDATE t SET email = 'moved' WHERE id = 15");
        MUST(*a, "COMMIT");
        MUST(*b, "INSERT INTO t VALUES (16, 'zz', 1, '')");
        MUST(*b, "COMMIT");
    }

    void replaceIgnoreAndUpsertOnAUniqueIndex()
    {
        MUST(*a, "INSERT OR IGNORE INTO t VALUES (10, 'a', 99, '')");
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE email = 'a'", "1");
        auto r = a->execute("INSERT OR IGNORE INTO t VALUES (10, 'a', 99, '')");
        QCOMPARE(r.changes, 0);
        MUST(*a, "INSERT OR REPLACE INTO t VALUES (10, 'a', 99, 'r')");
        QCOMPARE_ROWS(*a, "SELECT id, v FROM t WHERE email = 'a'", "10|99");
        QCOMPARE_ROWS(*a, "SELECT count(*) FROM t WHERE id = 1", "0");
        MUST(*a,
             "INSERT INTO t VALUES (11, 'b', 5, '') ON CONFLICT (email) DO UPDATE SET v = excluded.v + 1");
        QCOMPARE_ROWS(*a, "SELECT id, v FROM t WHERE email = 'b'", "2|6");
        MUST(*a, "INSERT INTO t VALUES (12, 'c', 5, '') ON CONFLICT (email) DO NOTHING");
        QCOMPARE_ROWS(*a, "SELECT id, v FROM t WHERE email = 'c'", "3|20");
        // A conflict on another constraint than the target is that constraint's error.
        r = a->execute("INSERT INTO t VALUES (2, 'fresh', 5, '') ON CONFLICT (email) DO NOTHING");
        QCOMPARE(errorOf(r), QString("UNIQUE constraint failed: t.id"));
        r = a->execute("INSERT INTO t VALUES (50, 'c', 5, '') ON CONFLICT (id) DO NOTHING");
        QCOMPARE(errorOf(r), QString("UNIQUE constraint failed: t.email"));
        // Without a target, any.
        MUST(*a, "INSERT INTO t VALUES (50, 'c', 5, '') ON CONFLICT DO UPDATE SET w = 'hit'");
        QCOMPARE_ROWS(*a, "SELECT id, w FROM t WHERE email = 'c'", "3|hit");
        QCOMPARE(errorOf(a->execute("INSERT INTO t VALUES (60, 'q', 1, '') ON CONFLICT (v) DO NOTHING")),
                 QString("ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint"));
    }

    void createUniqueIndexChecksTheRows()
    {
        auto r = a->execute("CREATE UNIQUE INDEX t_v_unique ON t (v)");
        QCOMPARE(errorOf(r), QString("UNIQUE constraint failed: t.v"));
        QVERIFY(!store().table("t")->index("t_v_unique"));
        MUST(*a, "CREATE UNIQUE INDEX t_vw ON t (v, w)");
        QCOMPARE(errorOf(a->execute("INSERT INTO t VALUES (9, 'n', 10, 'x')")),
                 QString("UNIQUE constraint failed: t.v, t.w"));
        QCOMPARE(errorOf(a->execute("CREATE INDEX t_v ON t (w)")), QString("index t_v already exists"));
        MUST(*a, "CREATE INDEX IF NOT EXISTS t_v ON t (w)");
        QCOMPARE(errorOf(a->execute("CREATE INDEX q ON nope (w)")), QString("no such table: main.nope"));
    }

    void dropIndex()
    {
        MUST(*a, "DROP INDEX t_v");
        QVERIFY(!plan("SELECT * FROM t WHERE v = 20").contains(":t_v"));
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE v = 20", "2, 3");
        QCOMPARE(errorOf(a->execute("DROP INDEX t_v")),
                 QString("no such index: t_v")); // the user's spelling, as SQLite
        MUST(*a, "DROP INDEX IF EXISTS t_v");
        QCOMPARE(errorOf(a->execute("DROP INDEX sqlite_autoindex_t_1")),
                 QString("index associated with UNIQUE or PRIMARY KEY constraint cannot be dropped"));
        // Another connection's statements planned with it are prepared again.
        QCOMPARE_ROWS(*b, "SELECT id FROM t WHERE email = 'b'", "2");
    }

    void ddlIsASchemaChange()
    {
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*b, "UPDATE t SET w = 'q' WHERE id = 1");
        MUST(*a, "CREATE INDEX t_w ON t (w)");
        QCOMPARE(b->execute("COMMIT").error->kind, ErrorKind::Schema);
        MUST(*b, "ROLLBACK");
        QCOMPARE_ROWS(*b, "SELECT id FROM t WHERE w = 'x'", "1, 4");
    }

    void compositeAndTextPrimaryKeys()
    {
        MUST(*a, "CREATE TABLE c (a INT, b TEXT, x, PRIMARY KEY (a, b))");
        MUST(*a, "INSERT INTO c VALUES (1, 'a', 1), (1, 'b', 2), (2, 'a', 3)");
        auto r = a->execute("INSERT INTO c VALUES (1, 'a', 9)");
        QCOMPARE(errorOf(r), QString("UNIQUE constraint failed: c.a, c.b"));
        QCOMPARE(r.error->extendedCode, rc::ConstraintPrimaryKey);
        QVERIFY(plan("SELECT * FROM c WHERE a = 1 AND b = 'b'").contains(":sqlite_autoindex_c_1"));
        QCOMPARE_ROWS(*a, "SELECT x FROM c WHERE a = 1 AND b = 'b'", "2");
        QCOMPARE_ROWS(*a, "SELECT rowid, x FROM c ORDER BY rowid", "1|1, 2|2, 3|3");
        MUST(*a, "INSERT INTO c VALUES (1, 'a', 7) ON CONFLICT (a, b) DO UPDATE SET x = excluded.x");
        QCOMPARE_ROWS(*a, "SELECT x FROM c WHERE a = 1 AND b = 'a'", "7");

        MUST(*a, "CREATE TABLE s (name TEXT PRIMARY KEY, n INT)");
        MUST(*a, "INSERT INTO s VALUES ('k', 1)");
        QCOMPARE(errorOf(a->execute("INSERT INTO s VALUES ('k', 2)")),
                 QString("UNIQUE constraint failed: s.name"));
        MUST(*a, "INSERT OR REPLACE INTO s VALUES ('k', 3)");
        QCOMPARE_ROWS(*a, "SELECT name, n FROM s", "k|3");
        QCOMPARE(store().table("s")->schema().createSql,
                 std::string("CREATE TABLE \"s\"(\"name\" TEXT, \"n\" INT, PRIMARY KEY (\"name\"))"));
    }

    // Indexes on a file: logged, replayed at open, checkpointed as real indexes of x.db (the stock
    // sqlite3 sees them and its integrity_check passes), loaded from there, dropped from there.
    void indexesSurviveReopenAndCheckpoint()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("x.db");
        auto open = [&] {
            OpenOptions options;
            options.journalMode = JournalMode::Mvcc;
            Error error;
            auto opened = Database::open(path.toStdString(), options, &error);
            if (!opened) qWarning("%s", error.message.c_str());
            return opened;
        };
        auto check = [&](Connection& c) {
            QCOMPARE(errorOf(c.execute("INSERT INTO f VALUES (9, 'a', 1, 1)")),
                     QString("UNIQUE constraint failed: f.email"));
            QCOMPARE(errorOf(c.execute("INSERT INTO p VALUES (1, 'x', 0)")),
                     QString("UNIQUE constraint failed: p.a, p.b"));
            QVERIFY(plan("SELECT * FROM f WHERE v = 2").contains(":f_v"));
            QCOMPARE_ROWS(c, "SELECT id FROM f WHERE v = 2", "2, 3");
            QCOMPARE_ROWS(c, "SELECT n FROM p WHERE a = 1 AND b = 'y'", "2");
        };
        {
            auto fileDb = open();
            QVERIFY(fileDb);
            auto c = fileDb->connect();
            MUST(*c, "CREATE TABLE f (id INTEGER PRIMARY KEY, email TEXT UNIQUE, v INT, w INT)");
            MUST(*c, "CREATE TABLE p (a INT, b TEXT, n INT, PRIMARY KEY (a, b))");
            MUST(*c, "CREATE INDEX f_v ON f (v)");
            MUST(*c, "CREATE INDEX f_w ON f (w)");
            MUST(*c, "INSERT INTO f VALUES (1, 'a', 1, 1), (2, 'b', 2, 2), (3, 'c', 2, 3)");
            MUST(*c, "INSERT INTO p VALUES (1, 'x', 1), (1, 'y', 2)");
            MUST(*c, "DROP INDEX f_w");
        }
        {
            auto fileDb = open(); // from the log
            QVERIFY(fileDb);
            db = fileDb;
            a = fileDb->connect();
            check(*a);
            QVERIFY(!mvccStoreOf(*fileDb)->table("f")->index("f_w"));
            MUST(*a, "PRAGMA wal_checkpoint");
            a.reset();
            db.reset();
        }
        QCOMPARE(test::plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(test::plainSqlite(path, "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name "
                                         "<> '__txscope_mvcc_meta' ORDER BY name"),
                 QString("f_v, sqlite_autoindex_f_1, sqlite_autoindex_p_1"));
        QCOMPARE(test::plainSqlite(path, "SELECT id FROM f INDEXED BY f_v WHERE v = 2"), QString("2, 3"));
        {
            auto fileDb = open(); // from x.db
            QVERIFY(fileDb);
            db = fileDb;
            a = fileDb->connect();
            check(*a);
            QCOMPARE(mvccStoreOf(*fileDb)->table("f")->index("f_v")->size(), std::size_t{3});
            MUST(*a, "DROP INDEX f_v");
            MUST(*a, "PRAGMA wal_checkpoint");
            a.reset();
            db.reset();
        }
        QCOMPARE(test::plainSqlite(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'f_v'"),
                 QString("0"));
        QCOMPARE(test::plainSqlite(path, "SELECT count(*) FROM __txscope_mvcc_meta WHERE key LIKE 'index:%'"),
                 QString("0"));
        QCOMPARE(test::plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        // Two rows swap their unique values: the checkpoint writes them one by one, and x.db's
        // unique index must not refuse the state in between.
        {
            auto fileDb = open();
            QVERIFY(fileDb);
            db = fileDb;
            a = fileDb->connect();
            MUST(*a, "BEGIN; UPDATE f SET email = 'tmp' WHERE id = 1; UPDATE f SET email = 'a' WHERE id = 2; "
                     "UPDATE f SET email = 'b' WHERE id = 1; COMMIT");
            MUST(*a, "PRAGMA wal_checkpoint");
            a.reset();
            db.reset();
        }
        QCOMPARE(test::plainSqlite(path, "SELECT id, email FROM f ORDER BY id"), QString("1|b, 2|a, 3|c"));
        QCOMPARE(test::plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        auto fileDb = open();
        QVERIFY(fileDb);
        db = fileDb;
        a = fileDb->connect();
        QCOMPARE_ROWS(*a, "SELECT id FROM f WHERE email = 'a'", "2");
    }

    // Tables named like the columns of SQLite's table-valued pragmas (seq, name, type) are read
    // by name, not mistaken for those columns.
    void tablesNamedLikePragmaColumns()
    {
        MUST(*a, "CREATE TABLE seq (id INTEGER PRIMARY KEY, name TEXT UNIQUE)");
        MUST(*a, "CREATE TABLE name (type TEXT PRIMARY KEY, seq INT)");
        MUST(*a, "CREATE INDEX seq_name ON seq (name)");
        MUST(*a, "INSERT INTO seq VALUES (1, 'x')");
        QCOMPARE(errorOf(a->execute("INSERT INTO seq VALUES (2, 'x')")),
                 QString("UNIQUE constraint failed: seq.name"));
        MUST(*a, "INSERT INTO name VALUES ('t', 1)");
        QCOMPARE(errorOf(a->execute("INSERT INTO name VALUES ('t', 2)")),
                 QString("UNIQUE constraint failed: name.type"));
    }

    void garbageCollectionTakesEntriesBack()
    {
        for (int i = 0; i < 50; ++i)
            MUST(*a, "UPDATE t SET v = v + 1 WHERE id <= 3");
        store().collectGarbage();
        QCOMPARE(entries("t", "t_v"), std::size_t{5});
        QCOMPARE_ROWS(*a, "SELECT id FROM t WHERE v = 70", "2, 3");
    }
};

QTEST_GUILESS_MAIN(TestMvccIndex)
#include "tst_mvcc_index.moc"
