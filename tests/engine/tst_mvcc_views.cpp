// Views over MVCC tables (engine/sql/MvccConnectionViews.cpp, engine/mvcc/MvccViews.cpp,
// FileViews.cpp). Every statement runs on the engine and on a plain SQLite 3.40.1 handle; outcomes
// (ok or the error's message) and rows must be the same. A view reads under the transaction's
// snapshot, is shared by every connection, and is durable: logged, checkpointed into the file as a
// real view (the stock sqlite3 reads it), recovered, and taken from an existing file.

#include "engine/api/Database.h"
#include "support/PlainSqlite.h"
#include "support/SideBySide.h"
#include "support/TestDb.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace txs;
using test::engineOutcome;
using test::engineRows;
using test::plainSqlite;
using test::sqliteOutcome;
using test::sqliteRows;

namespace {

using test::openFile;

// Runs a script on the file with plain SQLite (read-write), "ok" or the error.
QString plainExec(const QString& path, const char* sql)
{
    sqlite3* db = nullptr;
    if (sqlite3_open(path.toUtf8().constData(), &db) != SQLITE_OK) return "cannot open";
    const QString outcome = test::sqliteOutcome(db, sql);
    sqlite3_close(db);
    return outcome;
}

} // namespace

class TestMvccViews : public QObject, public test::SideBySide
{
    Q_OBJECT

private slots:
    void init() { open(); }
    void cleanup() { close(); }

    void viewsLikeSqlite()
    {
        both("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n INT)");
        both("CREATE TABLE u (id INTEGER PRIMARY KEY, t_id INT, label TEXT)");
        both("INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)");
        both("INSERT INTO u VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 3, 'z')");
        both("CREATE VIEW big AS SELECT id, upper(v) AS up FROM t WHERE n > 15");
        both("CREATE VIEW IF NOT EXISTS main.joined(tid, label) AS SELECT t.id, u.label FROM t JOIN u ON "
             "u.t_id = t.id");
        both("CREATE VIEW totals AS SELECT tid, count(*) AS c FROM joined GROUP BY tid"); // a view on a view
        sameRows("SELECT * FROM big ORDER BY id");
        sameRows("SELECT * FROM joined ORDER BY tid, label");
        sameRows("SELECT * FROM totals ORDER BY tid");
        sameRows("SELECT b.up, j.label FROM big b LEFT JOIN joined j ON j.tid = b.id ORDER BY 1, 2");
        // Clashes and misuse, with SQLite's words.
        both("CREATE VIEW big AS SELECT 1");
        both("CREATE VIEW IF NOT EXISTS big AS SELECT 1");
        both("CREATE VIEW t AS SELECT 1");
        both("CREATE TABLE big (x)");
        both("CREATE INDEX t_n ON t(n)");
        both("CREATE VIEW t_n AS SELECT 1");
        both("CREATE INDEX big ON t(v)");
        both("INSERT INTO big VALUES (9, 'z')");
        both("UPDATE big SET up = 'q'");
        both("DELETE FROM big");
        both("DROP TABLE big");
        both("DROP VIEW t");
        both("DROP VIEW nosuch");
        both("DROP VIEW IF EXISTS nosuch");
        both("CREATE VIEW broken AS SELECT * FROM missing"); // not resolved until read
        both("SELECT * FROM broken");
        both("CREATE VIEW bad AS SELEC 1");
        // Writes show through; a dropped table leaves its views, which then fail to read.
        both("UPDATE t SET n = 5 WHERE id = 2");
        sameRows("SELECT * FROM big ORDER BY id");
        both("DROP VIEW totals");
        both("SELECT * FROM totals");
        both("DROP TABLE u");
        both("SELECT * FROM joined");
        both("CREATE TABLE u (id INTEGER PRIMARY KEY, t_id INT, label TEXT)");
        both("INSERT INTO u VALUES (7, 3, 'again')");
        sameRows("SELECT * FROM joined ORDER BY tid");
        // TEMP views stay with the connection, as in SQLite.
        both("CREATE TEMP VIEW mine AS SELECT count(*) FROM t");
        sameRows("SELECT * FROM mine");
        both("DROP VIEW mine");
        QCOMPARE(engineRows(*c, "SELECT * FROM big ORDER BY id"), QString("3|C"));
    }

    void aViewReadsTheTransactionsSnapshot()
    {
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT)");
        MUST(*c, "INSERT INTO t VALUES (1, 10), (2, 20)");
        MUST(*c, "CREATE VIEW total AS SELECT count(*) || ':' || sum(n) FROM t");
        auto b = db->connect("b");
        MUST(*b, "BEGIN CONCURRENT");
        QCOMPARE_ROWS(*b, "SELECT * FROM total", "2:30");
        MUST(*c, "INSERT INTO t VALUES (3, 30)");
        QCOMPARE_ROWS(*c, "SELECT * FROM total", "3:60");
        QCOMPARE_ROWS(*b, "SELECT * FROM total", "2:30"); // its snapshot, as its tables
        MUST(*b, "INSERT INTO t VALUES (4, 40)");
        QCOMPARE_ROWS(*b, "SELECT * FROM total", "3:70"); // and its own writes
        QCOMPARE_ROWS(*c, "SELECT * FROM total", "3:60");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT * FROM total", "4:100");
        // Dropped by one connection: gone for the other.
        MUST(*c, "DROP VIEW total");
        QCOMPARE(engineOutcome(*b, "SELECT * FROM total"), QString("no such table: total"));
    }

    // Transactional, as in Turso and SQLite (more in tst_mvcc_tx_ddl).
    void ddlOnViewsInsideATransactionIsUndoneByRollback()
    {
        auto b = db->connect("b");
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
        MUST(*c, "CREATE VIEW v AS SELECT * FROM t");
        MUST(*c, "BEGIN");
        MUST(*c, "CREATE VIEW w AS SELECT 1");
        MUST(*c, "DROP VIEW v");
        QCOMPARE(engineOutcome(*b, "SELECT * FROM w"), QString("no such table: w"));
        QCOMPARE_ROWS(*b, "SELECT count(*) FROM v", "0");
        MUST(*c, "ROLLBACK");
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM v", "0");
        QCOMPARE(engineOutcome(*c, "SELECT * FROM w"), QString("no such table: w"));
    }

    void aTransactionThatBeganBeforeAViewCommitsWithTheSchemaConflict()
    {
        // Any DDL changes the schema a running transaction planned with, as in Turso.
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
        auto b = db->connect("b");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*b, "INSERT INTO t VALUES (1)");
        MUST(*c, "CREATE VIEW v AS SELECT * FROM t");
        auto r = b->execute("COMMIT");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->kind, ErrorKind::Schema);
    }

    void viewsAreDurable()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("x.db");
        {
            auto file = openFile(path);
            QVERIFY(file);
            auto f = file->connect("f");
            MUST(*f, "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT)");
            MUST(*f, "INSERT INTO t VALUES (1, 10), (2, 20)");
            MUST(*f, "CREATE VIEW kept AS SELECT id FROM t WHERE n > 15");
            MUST(*f, "CREATE VIEW gone AS SELECT 1");
            MUST(*f, "PRAGMA wal_checkpoint");
            // In the log only: a new view, a dropped one, one created and dropped.
            MUST(*f, "CREATE VIEW later AS SELECT sum(n) FROM t");
            MUST(*f, "DROP VIEW gone");
            MUST(*f, "CREATE VIEW brief AS SELECT 2");
            MUST(*f, "DROP VIEW brief");
            MUST(*f, "INSERT INTO t VALUES (3, 30)");
        }
        // The checkpointed file: the stock sqlite3 reads the view.
        QCOMPARE(plainSqlite(path, "SELECT group_concat(id) FROM kept"), QString("2"));
        QCOMPARE(plainSqlite(path, "SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name"),
                 QString("gone, kept"));
        {
            auto file = openFile(path); // recovered from the file and the log
            QVERIFY(file);
            auto f = file->connect("f");
            QCOMPARE_ROWS(*f, "SELECT * FROM kept ORDER BY id", "2, 3");
            QCOMPARE_ROWS(*f, "SELECT * FROM later", "60");
            QVERIFY(!f->execute("SELECT * FROM gone").ok());
            QVERIFY(!f->execute("SELECT * FROM brief").ok());
            MUST(*f, "PRAGMA wal_checkpoint");
        }
        QCOMPARE(plainSqlite(path, "SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name"),
                 QString("kept, later"));
        QCOMPARE(plainSqlite(path, "SELECT * FROM later"), QString("60"));
        QCOMPARE(plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        {
            auto file = openFile(path); // from the file alone
            QVERIFY(file);
            auto f = file->connect("f");
            QCOMPARE_ROWS(*f, "SELECT * FROM kept ORDER BY id", "2, 3");
            QCOMPARE_ROWS(*f, "SELECT * FROM later", "60");
        }
    }

    void anExistingFilesViewsAreTaken()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("app.db");
        QCOMPARE(plainExec(path,
                           "CREATE TABLE orders (id INTEGER PRIMARY KEY, amount INT);"
                           "INSERT INTO orders VALUES (1, 5), (2, 50);"
                           "CREATE VIEW large /* over 10 */ AS SELECT id FROM orders WHERE amount > 10;"),
                 QString("ok"));
        const QString schemaBefore =
            plainSqlite(path, "SELECT type, name, sql FROM sqlite_schema ORDER BY name");
        {
            Error error;
            auto file = openFile(path, &error);
            QVERIFY2(file, error.message.c_str());
            auto f = file->connect("f");
            QCOMPARE_ROWS(*f, "SELECT * FROM large", "2");
            MUST(*f, "INSERT INTO orders VALUES (3, 70)");
            QCOMPARE_ROWS(*f, "SELECT * FROM large ORDER BY id", "2, 3");
            MUST(*f, "PRAGMA wal_checkpoint");
        }
        {
            auto file = openFile(path); // its view is now recorded: taken once, not twice
            QVERIFY(file);
            auto f = file->connect("f");
            QCOMPARE_ROWS(*f, "SELECT * FROM large ORDER BY id", "2, 3");
        }
        QCOMPARE(plainSqlite(path, "SELECT type, name, sql FROM sqlite_schema WHERE tbl_name <> "
                                   "'__txscope_mvcc_meta' ORDER BY name"),
                 schemaBefore);
        QCOMPARE(plainSqlite(path, "SELECT group_concat(id) FROM large"), QString("2,3"));
        QCOMPARE(plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
    }
};

QTEST_GUILESS_MAIN(TestMvccViews)
#include "tst_mvcc_views.moc"
