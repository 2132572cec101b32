// CHECK constraints and COLLATE on columns of MVCC tables, which SQLite refuses or ignores on
// virtual tables and the engine enforces through a row mirror (engine/sql/MvccChecks.h). Every
// statement runs on the engine and on a plain SQLite 3.40.1 handle; outcomes (ok or the error's
// message) and the final rows must be the same. Durability: the checkpointed file keeps the
// constraints (the stock sqlite3 enforces them there) and reopening enforces them again.

#include "engine/api/Database.h"
#include "support/PlainSqlite.h"
#include "support/SideBySide.h"
#include "support/TestDb.h"

#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace txs;
using test::engineOutcome;
using test::engineRows;
using test::sqliteOutcome;
using test::sqliteRows;

namespace {

using test::openFile;

} // namespace

class TestMvccChecks : public QObject, public test::SideBySide
{
    Q_OBJECT

private slots:
    void init() { open(); }
    void cleanup() { close(); }

    void checkConstraintsLikeSqlite()
    {
        both("CREATE TABLE t (id INTEGER PRIMARY KEY, a INT CHECK (a > 0), b TEXT, "
             "CONSTRAINT short_b CHECK (length(b) < 3), CHECK (a < 100))");
        both("INSERT INTO t VALUES (1, 0, 'x')");                // the column's CHECK, named by its text
        both("INSERT INTO t VALUES (1, 5, 'xxxx')");             // a named one, by its name
        both("INSERT INTO t VALUES (1, 500, 'x')");              // a table CHECK
        both("INSERT INTO t VALUES (2, NULL, 'x')");             // NULL passes
        both("INSERT INTO t VALUES (3, '7', 'x')");              // affinity applied before the check
        both("INSERT OR IGNORE INTO t VALUES (4, 0, 'x')");      // skipped
        both("INSERT OR REPLACE INTO t VALUES (5, 0, 'x')");     // still an error
        both("INSERT INTO t VALUES (6, 10, 'y'), (7, -1, 'z')"); // the statement leaves nothing
        both("UPDATE t SET a = -1");
        both("UPDATE OR IGNORE t SET a = a * 30"); // 7 * 30 fails and is skipped, others not
        both("UPDATE t SET b = 'ab' WHERE id = 3");
        sameRows("SELECT * FROM t ORDER BY id");
        QCOMPARE(engineRows(*c, "SELECT * FROM t ORDER BY id"), QString("2|NULL|x, 3|7|ab"));
    }

    void checkComparesWithTheColumnsAffinity()
    {
        both("CREATE TABLE u (id INTEGER PRIMARY KEY, n INT CHECK (n > '5'), s TEXT CHECK (s <> 5))");
        both("INSERT INTO u VALUES (1, 7, 'x')"); // 7 > '5' with INTEGER affinity: true
        both("INSERT INTO u VALUES (2, 3, 'x')");
        both("INSERT INTO u VALUES (3, 6, 5)"); // '5' <> 5 with TEXT affinity: false
        sameRows("SELECT * FROM u ORDER BY id");
    }

    void checkInUpsertAndTransactions()
    {
        both("CREATE TABLE v (id INTEGER PRIMARY KEY, n INT CHECK (n BETWEEN 0 AND 10))");
        both("INSERT INTO v VALUES (1, 5)");
        // SQLite refuses ON CONFLICT on a virtual table; the engine's plan checks the update too.
        QCOMPARE(engineOutcome(*c, "INSERT INTO v VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET n = n + 20"),
                 sqliteOutcome(reference,
                               "INSERT INTO v VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET n = n + 20"));
        both("BEGIN");
        both("INSERT INTO v VALUES (2, 3)");
        both("INSERT INTO v VALUES (3, 30)"); // fails; the transaction keeps row 2
        both("COMMIT");
        sameRows("SELECT * FROM v ORDER BY id");
        QCOMPARE(engineRows(*c, "SELECT * FROM v ORDER BY id"), QString("1|5, 2|3"));
    }

    void collateOnColumns()
    {
        both("CREATE TABLE w (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE, code TEXT COLLATE RTRIM)");
        both("INSERT INTO w VALUES (1, 'Alice', 'a  '), (2, 'bob', 'b'), (3, 'ALICE', 'c')");
        sameRows("SELECT id FROM w WHERE name = 'alice' ORDER BY id");
        sameRows("SELECT id FROM w WHERE code = 'a' ORDER BY id");
        sameRows("SELECT name FROM w ORDER BY name, id");
        sameRows("SELECT count(DISTINCT name) FROM w");
        sameRows("SELECT id FROM w WHERE name > 'B' ORDER BY id");
        QCOMPARE(engineRows(*c, "SELECT id FROM w WHERE name = 'alice' ORDER BY id"), QString("1, 3"));
        // A CHECK sees the column's collation too.
        both("CREATE TABLE k (id INTEGER PRIMARY KEY, s TEXT COLLATE NOCASE CHECK (s IN ('yes', 'no')))");
        both("INSERT INTO k VALUES (1, 'YES')");
        both("INSERT INTO k VALUES (2, 'maybe')");
        sameRows("SELECT * FROM k");
    }

    void collateOnTheKeyIsRefusedIndexesTakeIt()
    {
        // The key is compared as an integer by the store: another collation there would not hold.
        auto r = c->execute("CREATE TABLE y (id INTEGER PRIMARY KEY COLLATE NOCASE)");
        QVERIFY(!r.ok());
        QVERIFY(r.error->message.find("COLLATE") != std::string::npos);
        // Unique columns and indexes decide by their collation (tst_mvcc_index_kinds has the rest).
        MUST(*c, "CREATE TABLE x (id INTEGER PRIMARY KEY, e TEXT COLLATE NOCASE UNIQUE)");
        MUST(*c, "INSERT INTO x VALUES (1, 'a')");
        QVERIFY(!c->execute("INSERT INTO x VALUES (2, 'A')").ok());
        MUST(*c, "CREATE TABLE z (id INTEGER PRIMARY KEY, e TEXT COLLATE NOCASE)");
        MUST(*c, "CREATE INDEX z_e ON z(e)");
        MUST(*c, "CREATE INDEX z_b ON z(e COLLATE BINARY)");
        MUST(*c, "DROP INDEX z_b");
    }

    void checkNamingItsTableIsRefusedNotBroken()
    {
        // SQLite takes CHECK (t.a > 0); the mirror, another table, could not: refused at CREATE,
        // and the connection goes on.
        auto r = c->execute("CREATE TABLE t (a INT CHECK (t.a > 0))");
        QVERIFY(!r.ok());
        QVERIFY(r.error->message.find("CHECK") != std::string::npos);
        MUST(*c, "CREATE TABLE t (a INT CHECK (a > 0))");
        QCOMPARE(engineOutcome(*c, "INSERT INTO t VALUES (0)"), QString("CHECK constraint failed: a > 0"));
    }

    void otherConnectionsAndDropEnforceToo()
    {
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT CHECK (a > 0))");
        auto other = db->connect("b");
        auto r = other->execute("INSERT INTO t VALUES (1, -5)");
        QVERIFY(!r.ok());
        QCOMPARE(QString::fromStdString(r.error->message), QString("CHECK constraint failed: a > 0"));
        QCOMPARE(r.error->extendedCode, SQLITE_CONSTRAINT_CHECK);
        // Dropped and created again without the CHECK: the old constraint is gone everywhere.
        MUST(*c, "DROP TABLE t");
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT)");
        MUST(*other, "INSERT INTO t VALUES (1, -5)");
        QCOMPARE(engineRows(*c, "SELECT * FROM t"), QString("1|-5"));
    }

    void constraintsAreDurable()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("x.db");
        {
            auto file = openFile(path);
            QVERIFY(file);
            auto f = file->connect("f");
            MUST(*f, "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT CHECK (a > 0), "
                     "name TEXT COLLATE NOCASE, CONSTRAINT pair CHECK (a < 1000 OR name IS NULL))");
            MUST(*f, "INSERT INTO t VALUES (1, 5, 'Ann'), (2, 2000, NULL)");
            MUST(*f, "PRAGMA wal_checkpoint");
            MUST(*f, "INSERT INTO t VALUES (3, 7, 'ann')"); // in the log only
        }
        // The file the stock sqlite3 opens keeps the constraints and the collation.
        QCOMPARE(test::plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(test::plainSqlite(path, "SELECT id FROM t WHERE name = 'ANN' ORDER BY id"), QString("1"));
        sqlite3* plain = nullptr;
        QCOMPARE(sqlite3_open(path.toUtf8().constData(), &plain), SQLITE_OK);
        QCOMPARE(sqliteOutcome(plain, "INSERT INTO t VALUES (10, 1500, 'x')"),
                 QString("CHECK constraint failed: pair"));
        sqlite3_close(plain);
        {
            auto file = openFile(path); // recovered: the log's row, and the constraints again
            QVERIFY(file);
            auto f = file->connect("f");
            QCOMPARE(engineRows(*f, "SELECT id FROM t WHERE name = 'ANN' ORDER BY id"), QString("1, 3"));
            QCOMPARE(engineOutcome(*f, "INSERT INTO t VALUES (4, -1, 'x')"),
                     QString("CHECK constraint failed: a > 0"));
            QCOMPARE(engineOutcome(*f, "INSERT INTO t VALUES (4, 1500, 'x')"),
                     QString("CHECK constraint failed: pair"));
        }
    }
};

QTEST_GUILESS_MAIN(TestMvccChecks)
#include "tst_mvcc_checks.moc"
