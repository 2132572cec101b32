// SAVEPOINT, RELEASE and ROLLBACK TO on the MVCC engine (engine/sql/MvccConnectionSavepoints.cpp).
// Every statement runs on the engine and on a plain SQLite 3.40.1 handle: outcomes (ok or the
// error's message) and rows must be the same. Then what SQLite cannot show: a savepoint transaction
// is invisible to other connections until RELEASE commits it, a conflict dooms the whole transaction
// (only ROLLBACK), and what ROLLBACK TO undid never reaches the log.

#include "engine/api/Database.h"
#include "support/SideBySide.h"
#include "support/TestDb.h"

#include <QTemporaryDir>
#include <QTest>

using namespace txs;
using test::engineOutcome;

class TestMvccSavepoints : public QObject, public test::SideBySide
{
    Q_OBJECT

private slots:
    void init() { open(); }
    void cleanup() { close(); }

    void savepointsLikeSqlite()
    {
        both("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
        both("CREATE INDEX t_v ON t (v)");
        both("BEGIN");
        both("INSERT INTO t VALUES (1, 'one')");
        both("SAVEPOINT s1");
        both("INSERT INTO t VALUES (2, 'two')");
        both("UPDATE t SET v = 'uno' WHERE id = 1");
        both("SAVEPOINT s2");
        both("DELETE FROM t WHERE id = 1");
        sameRows("SELECT * FROM t ORDER BY id");
        both("ROLLBACK TO s2");
        sameRows("SELECT * FROM t ORDER BY id");
        sameRows("SELECT id FROM t WHERE v = 'uno'");
        both("ROLLBACK TRANSACTION TO SAVEPOINT s1");
        sameRows("SELECT * FROM t ORDER BY id");
        both("INSERT INTO t VALUES (3, 'two')"); // the unique value 2 held is free again
        sameRows("SELECT id FROM t WHERE v = 'two'");
        both("RELEASE s1");
        both("ROLLBACK TO s1");
        both("RELEASE nosuch");
        both("RELEASE SAVEPOINT nosuch");
        both("COMMIT");
        sameRows("SELECT * FROM t ORDER BY id");
        // Outside a transaction.
        both("ROLLBACK TO s1");
        both("RELEASE s1");
        // SAVEPOINT begins one; RELEASE of the outermost commits it, ROLLBACK TO keeps it open.
        both("SAVEPOINT sp_outer");
        both("INSERT INTO t VALUES (4, 'four')");
        both("SAVEPOINT Sp_Inner");
        both("INSERT INTO t VALUES (5, 'five')");
        both("ROLLBACK TO sp_inner"); // names compare case-insensitively
        both("RELEASE sp_outer");
        both("COMMIT");
        sameRows("SELECT * FROM t ORDER BY id");
        both("SAVEPOINT o2");
        both("INSERT INTO t VALUES (6, 'six')");
        both("ROLLBACK TO o2");
        both("INSERT INTO t VALUES (7, 'seven')");
        both("ROLLBACK");
        sameRows("SELECT * FROM t ORDER BY id");
        // The same name twice: RELEASE and ROLLBACK TO find the innermost.
        both("BEGIN");
        both("SAVEPOINT a");
        both("INSERT INTO t VALUES (8, 'eight')");
        both("SAVEPOINT a");
        both("INSERT INTO t VALUES (9, 'nine')");
        both("RELEASE a");
        both("ROLLBACK TO a");
        sameRows("SELECT * FROM t ORDER BY id");
        both("BEGIN");
        both("COMMIT");
        // A failed statement inside a savepoint undoes only itself.
        both("SAVEPOINT x");
        both("INSERT INTO t VALUES (10, 'ten')");
        both("INSERT INTO t VALUES (11, 'ten')");
        both("RELEASE x");
        sameRows("SELECT * FROM t ORDER BY id");
    }

    void aSavepointTransactionIsATransaction()
    {
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        MUST(*c, "INSERT INTO t VALUES (1, 'one')");
        auto b = db->connect("b");
        MUST(*c, "SAVEPOINT s");
        QVERIFY(c->transaction().active);
        MUST(*c, "INSERT INTO t VALUES (2, 'two')");
        QCOMPARE_ROWS(*b, "SELECT count(*) FROM t", "1");
        MUST(*c, "RELEASE s");
        QVERIFY(!c->transaction().active);
        QCOMPARE_ROWS(*b, "SELECT count(*) FROM t", "2");

        // A conflict dooms the whole transaction: ROLLBACK TO is refused, ROLLBACK ends it.
        MUST(*c, "BEGIN CONCURRENT");
        MUST(*c, "SAVEPOINT s");
        QCOMPARE_ROWS(*c, "SELECT v FROM t WHERE id = 1", "one");
        MUST(*b, "UPDATE t SET v = 'uno' WHERE id = 1");
        auto update = c->execute("UPDATE t SET v = 'eins' WHERE id = 1");
        QVERIFY(!update.ok());
        QCOMPARE(update.error->kind, ErrorKind::Conflict);
        QVERIFY(!c->execute("ROLLBACK TO s").ok());
        MUST(*c, "ROLLBACK");
        QVERIFY(!c->transaction().active);

        // DDL inside a savepoint's transaction goes with ROLLBACK (more in tst_mvcc_tx_ddl).
        MUST(*c, "SAVEPOINT d");
        MUST(*c, "CREATE TABLE x (y)");
        MUST(*c, "ROLLBACK");
        QVERIFY(!c->execute("SELECT * FROM x").ok());
    }

    void whatRollbackToUndidIsNotLogged()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("x.db").toStdString();
        {
            auto file = test::openMvccFile(path);
            QVERIFY(file);
            auto f = file->connect("f");
            MUST(*f, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
            MUST(*f, "BEGIN");
            MUST(*f, "INSERT INTO t VALUES (1, 'kept')");
            MUST(*f, "SAVEPOINT s");
            MUST(*f, "INSERT INTO t VALUES (2, 'undone')");
            MUST(*f, "UPDATE t SET v = 'changed' WHERE id = 1");
            MUST(*f, "ROLLBACK TO s");
            MUST(*f, "INSERT INTO t VALUES (3, 'undone')");
            MUST(*f, "COMMIT");
        }
        auto file = test::openMvccFile(path);
        QVERIFY(file);
        auto f = file->connect("f");
        QCOMPARE_ROWS(*f, "SELECT * FROM t ORDER BY id", "1|kept, 3|undone");
        QCOMPARE_ROWS(*f, "SELECT id FROM t WHERE v = 'undone'", "3");
    }
};

QTEST_GUILESS_MAIN(TestMvccSavepoints)
#include "tst_mvcc_savepoints.moc"
