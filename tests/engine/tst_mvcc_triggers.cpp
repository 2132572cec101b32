// Triggers on the MVCC engine (engine/sql/MvccTriggers.h, engine/mvcc/MvccTriggers.cpp,
// FileTriggers.cpp). Every statement runs on the engine and on a plain SQLite 3.40.1 handle;
// outcomes (ok or the error's message) and rows must be the same. Then what only the engine has:
// a trigger's writes belong to the firing statement's transaction, and triggers are durable
// (logged, checkpointed into the file as real triggers that the checkpoint itself does not fire,
// recovered) and taken from an existing file.

#include "engine/api/Database.h"
#include "support/PlainSqlite.h"
#include "support/SideBySide.h"
#include "support/TestDb.h"

#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace txs;
using test::engineOutcome;
using test::plainSqlite;

class TestMvccTriggers : public QObject, public test::SideBySide
{
    Q_OBJECT

    void logTables()
    {
        both("CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, b TEXT)");
        both("CREATE TABLE log (n INTEGER PRIMARY KEY, what TEXT)");
    }

private slots:
    void init() { open(); }
    void cleanup() { close(); }

    void rowTriggersLikeSqlite()
    {
        logTables();
        both("CREATE TRIGGER ai AFTER INSERT ON t BEGIN INSERT INTO log(what) VALUES ('ai ' || NEW.id || ' ' "
             "|| "
             "NEW.a); END");
        both("CREATE TRIGGER bi BEFORE INSERT ON t WHEN NEW.a > 10 BEGIN INSERT INTO log(what) VALUES ('big "
             "' || "
             "NEW.a || ' seen ' || (SELECT count(*) FROM t)); END");
        both("CREATE TRIGGER au AFTER UPDATE ON t BEGIN INSERT INTO log(what) VALUES ('au ' || OLD.a || '->' "
             "|| "
             "NEW.a); END");
        both("CREATE TRIGGER bd BEFORE DELETE ON t BEGIN INSERT INTO log(what) VALUES ('bd ' || OLD.id || ' "
             "' || "
             "OLD.b); END");
        both("CREATE TRIGGER \"ad\" AFTER DELETE ON t FOR EACH ROW BEGIN INSERT INTO log(what) SELECT 'ad "
             "left ' "
             "|| count(*) FROM t; END");
        both("INSERT INTO t VALUES (1, 5, 'x'), (2, 50, 'y'), (3, 500, 'z')");
        both("UPDATE t SET a = a + 1 WHERE id < 3");
        both("UPDATE t SET id = 30 WHERE id = 3"); // the key moves: still one UPDATE
        both("DELETE FROM t WHERE id <> 2");
        sameRows("SELECT * FROM log ORDER BY n");
        sameRows("SELECT * FROM t ORDER BY id");
        // Names: clashes, a missing table, DROP.
        both("CREATE TRIGGER ai AFTER INSERT ON t BEGIN SELECT 1; END");
        both("CREATE TRIGGER IF NOT EXISTS ai AFTER INSERT ON t BEGIN SELECT 1; END");
        both("CREATE TRIGGER t AFTER INSERT ON t BEGIN SELECT 1; END"); // triggers have their own names
        both("CREATE TRIGGER nowhere AFTER INSERT ON missing BEGIN SELECT 1; END");
        both("DROP TRIGGER ai");
        both("DROP TRIGGER ai");
        both("DROP TRIGGER IF EXISTS ai");
        both("DROP TRIGGER t");
        both("INSERT INTO t VALUES (4, 11, 'w')");
        sameRows("SELECT * FROM log ORDER BY n");
    }

    void updateOfColumnsAndOrderLikeSqlite()
    {
        logTables();
        both("CREATE TRIGGER first AFTER UPDATE OF a ON t BEGIN INSERT INTO log(what) VALUES ('first ' || "
             "NEW.id); "
             "END");
        both("CREATE TRIGGER second AFTER UPDATE OF b, a ON t BEGIN INSERT INTO log(what) VALUES ('second ' "
             "|| "
             "NEW.id); END");
        both("CREATE TRIGGER any_ AFTER UPDATE ON t BEGIN INSERT INTO log(what) VALUES ('any ' || NEW.id); "
             "END");
        both("INSERT INTO t VALUES (1, 1, 'p'), (2, 2, 'q')");
        both("UPDATE t SET a = a WHERE id = 1"); // named in SET, unchanged: UPDATE OF a fires
        both("UPDATE t SET b = 'r' WHERE id = 2");
        both("UPDATE t SET id = id + 10 WHERE id = 1"); // neither a nor b
        sameRows("SELECT * FROM log ORDER BY n");
        sameRows("SELECT * FROM t ORDER BY id");
    }

    // An upsert's rows fire triggers as in SQLite: BEFORE INSERT for every row whatever it then
    // meets, AFTER INSERT for a row inserted, UPDATE triggers (with UPDATE OF the SET columns) for a
    // DO UPDATE; nothing more for DO NOTHING, OR IGNORE or a false DO UPDATE WHERE; OR REPLACE fires
    // the INSERT triggers only (recursive_triggers off). They fired none before, with no error. A
    // trigger's own INSERT inside an upsert is a plain INSERT, not the upsert.
    void upsertsFireTriggersLikeSqlite()
    {
        both("CREATE TABLE kv (k TEXT PRIMARY KEY, v INT, w INT)");
        both("CREATE TABLE log (n INTEGER PRIMARY KEY, what TEXT)");
        both("CREATE TRIGGER bi BEFORE INSERT ON kv BEGIN INSERT INTO log(what) VALUES ('bi ' || NEW.k || "
             "NEW.v); "
             "END");
        both("CREATE TRIGGER ai AFTER INSERT ON kv BEGIN INSERT INTO log(what) VALUES ('ai ' || NEW.k || "
             "NEW.v); "
             "END");
        both("CREATE TRIGGER bu BEFORE UPDATE ON kv BEGIN INSERT INTO log(what) VALUES ('bu ' || OLD.v || "
             "'>' || "
             "NEW.v); END");
        both("CREATE TRIGGER au AFTER UPDATE ON kv BEGIN INSERT INTO log(what) VALUES ('au ' || OLD.v || '>' "
             "|| "
             "NEW.v); END");
        both("CREATE TRIGGER auw AFTER UPDATE OF w ON kv BEGIN INSERT INTO log(what) VALUES ('auw ' || "
             "NEW.w); "
             "END");
        both(
            "CREATE TRIGGER bd BEFORE DELETE ON kv BEGIN INSERT INTO log(what) VALUES ('bd ' || OLD.k); END");
        both("INSERT INTO kv VALUES ('a', 1, 0)");
        both("INSERT INTO kv VALUES ('a', 2, 0) ON CONFLICT(k) DO UPDATE SET v = excluded.v");
        both("INSERT INTO kv VALUES ('a', 2, 5) ON CONFLICT(k) DO UPDATE SET w = excluded.w");
        both("INSERT INTO kv VALUES ('b', 1, 0), ('a', 3, 0) ON CONFLICT(k) DO UPDATE SET v = excluded.v");
        both("INSERT INTO kv VALUES ('b', 9, 0) ON CONFLICT DO NOTHING");
        both("INSERT OR IGNORE INTO kv VALUES ('b', 9, 0)");
        both("INSERT INTO kv VALUES ('b', 9, 0) ON CONFLICT(k) DO UPDATE SET v = 7 WHERE 0");
        both("INSERT OR REPLACE INTO kv VALUES ('b', 5, 0)");
        both("INSERT INTO kv VALUES ('c', 1, 0) ON CONFLICT(k) DO UPDATE SET v = v + 1 RETURNING k, v");
        sameRows("SELECT * FROM log ORDER BY n");
        sameRows("SELECT * FROM kv ORDER BY k");
        // A BEFORE UPDATE trigger's RAISE(IGNORE) leaves the row as it was; RAISE(ABORT) undoes the upsert.
        both("CREATE TRIGGER keep BEFORE UPDATE ON kv WHEN NEW.v > 100 BEGIN SELECT RAISE(IGNORE); END");
        both("INSERT INTO kv VALUES ('a', 500, 0) ON CONFLICT(k) DO UPDATE SET v = excluded.v");
        both("CREATE TRIGGER no BEFORE UPDATE ON kv WHEN NEW.v < 0 BEGIN SELECT RAISE(ABORT, 'negative'); "
             "END");
        both("INSERT INTO kv VALUES ('z', 1, 0), ('a', -1, 0) ON CONFLICT(k) DO UPDATE SET v = excluded.v");
        sameRows("SELECT * FROM log ORDER BY n");
        sameRows("SELECT * FROM kv ORDER BY k");
    }

    // A body's INSERT that omits columns gets their DEFAULTs, as in SQLite (the body runs against
    // virtual tables, which SQLite hands NULL for an omitted column: TriggerBodyDefaults.h), in
    // every INSERT form; and a DEFAULT added later to the written table is used from then on.
    void bodyInsertsGetTheirDefaultsLikeSqlite()
    {
        both("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        both("CREATE TABLE audit (n INTEGER PRIMARY KEY, tid INT, what TEXT DEFAULT 'insert', "
             "k INT NOT NULL DEFAULT (6 + 1), \"we;ird\" TEXT DEFAULT 'END')");
        both("CREATE TRIGGER ai AFTER INSERT ON t BEGIN "
             "INSERT INTO audit (tid) VALUES (NEW.id); "
             "INSERT INTO audit(tid, what) SELECT NEW.id, 'select ' || NEW.v; "
             "INSERT INTO main.audit(tid, k) VALUES (NEW.id, 1), (-NEW.id, 2); "
             "INSERT OR REPLACE INTO audit DEFAULT VALUES; END");
        both("CREATE TRIGGER bu BEFORE UPDATE ON t WHEN NEW.v = 'end' BEGIN REPLACE INTO audit(tid) VALUES "
             "(OLD.id); END");
        both("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
        both("UPDATE t SET v = 'end' WHERE id = 2");
        sameRows("SELECT n, tid, what, k, \"we;ird\" FROM audit ORDER BY n");
        both("ALTER TABLE audit ADD COLUMN at TEXT DEFAULT 'later'");
        both("INSERT INTO t VALUES (3, 'c')");
        sameRows("SELECT * FROM audit ORDER BY n");
    }

    void raiseLikeSqlite()
    {
        logTables();
        both("CREATE TRIGGER guard BEFORE INSERT ON t WHEN NEW.a < 0 BEGIN SELECT RAISE(ABORT, 'negative "
             "a'); END");
        both("CREATE TRIGGER skip BEFORE INSERT ON t WHEN NEW.a = 0 BEGIN SELECT RAISE(IGNORE); END");
        both("CREATE TRIGGER stop BEFORE INSERT ON t WHEN NEW.a = 99 BEGIN SELECT RAISE(FAIL, 'stop at 99'); "
             "END");
        both("CREATE TRIGGER undo BEFORE UPDATE ON t WHEN NEW.a = 77 BEGIN SELECT RAISE(ROLLBACK, 'no 77'); "
             "END");
        both("CREATE TRIGGER keep BEFORE DELETE ON t WHEN OLD.b = 'keep' BEGIN SELECT RAISE(IGNORE); END");
        both("INSERT INTO t VALUES (1, 1, 'a'), (2, -1, 'b')");                 // ABORT: neither row
        both("INSERT INTO t VALUES (1, 1, 'a'), (2, 0, 'b'), (3, 3, 'c')");     // IGNORE: row 2 skipped
        both("INSERT INTO t VALUES (4, 4, 'keep'), (5, 99, 'e'), (6, 6, 'f')"); // FAIL: row 4 stays
        sameRows("SELECT * FROM t ORDER BY id");
        both("DELETE FROM t"); // row 4 kept
        sameRows("SELECT * FROM t ORDER BY id");
        both("BEGIN");
        both("INSERT INTO t VALUES (7, 7, 'g')");
        both("INSERT INTO t VALUES (8, 99, 'h')"); // FAIL inside a transaction: it goes on
        both("UPDATE t SET a = 77 WHERE id = 7");  // ROLLBACK: the transaction is over
        both("COMMIT");
        sameRows("SELECT * FROM t ORDER BY id");
        both("UPDATE t SET a = 77"); // in autocommit
        sameRows("SELECT * FROM t ORDER BY id");
    }

    void chainsAndRecursionLikeSqlite()
    {
        logTables();
        both("CREATE TABLE counts (k TEXT PRIMARY KEY, n INT)");
        both("INSERT INTO counts VALUES ('log', 0)");
        // t -> log -> counts; and a trigger that inserts into its own table (not recursive by default).
        both("CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log(what) VALUES ('t ' || NEW.id); "
             "END");
        both(
            "CREATE TRIGGER log_count AFTER INSERT ON log BEGIN UPDATE counts SET n = n + 1 WHERE k = 'log'; "
            "END");
        both("CREATE TRIGGER again AFTER INSERT ON t WHEN NEW.id < 100 BEGIN INSERT INTO t VALUES (NEW.id + "
             "100, "
             "NEW.a, 'echo'); END");
        both("INSERT INTO t VALUES (1, 1, 'x')");
        sameRows("SELECT * FROM t ORDER BY id");
        sameRows("SELECT * FROM log ORDER BY n");
        sameRows("SELECT * FROM counts");
        both("PRAGMA recursive_triggers = ON");
        sameRows("PRAGMA recursive_triggers");
        both("CREATE TABLE r (n INTEGER PRIMARY KEY)");
        both("CREATE TRIGGER deeper AFTER INSERT ON r WHEN NEW.n < 5 BEGIN INSERT INTO r VALUES (NEW.n + 1); "
             "END");
        both("INSERT INTO r VALUES (1)");
        sameRows("SELECT group_concat(n) FROM r");
        // A trigger's failing statement fails the statement that fired it.
        both("CREATE TRIGGER dup AFTER DELETE ON r BEGIN INSERT INTO log VALUES (1, 'dup'); END");
        both("DELETE FROM r WHERE n = 5");
        sameRows("SELECT group_concat(n) FROM r");
        // Dropping the table drops its triggers.
        both("DROP TABLE t");
        both("CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, b TEXT)");
        both("INSERT INTO t VALUES (1, 1, 'x')");
        sameRows("SELECT count(*) FROM log");
        both("DROP TRIGGER t_log");
    }

    void aTriggersWritesBelongToTheTransaction()
    {
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT)");
        MUST(*c, "CREATE TABLE total (k INTEGER PRIMARY KEY, n INT)");
        MUST(*c, "INSERT INTO total VALUES (1, 0)");
        MUST(*c,
             "CREATE TRIGGER add_ AFTER INSERT ON t BEGIN UPDATE total SET n = n + NEW.a WHERE k = 1; END");
        auto b = db->connect("b");
        MUST(*c, "BEGIN CONCURRENT");
        MUST(*c, "INSERT INTO t VALUES (1, 10)");
        QCOMPARE_ROWS(*c, "SELECT n FROM total", "10");
        QCOMPARE_ROWS(*b, "SELECT n FROM total", "0"); // not committed
        MUST(*c, "ROLLBACK");
        QCOMPARE_ROWS(*b, "SELECT n FROM total", "0");
        // Two concurrent inserts whose triggers update one row: a write-write conflict for the second.
        MUST(*c, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*c, "INSERT INTO t VALUES (1, 1)");
        auto r = b->execute("INSERT INTO t VALUES (2, 2)");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->kind, ErrorKind::Conflict);
        MUST(*b, "ROLLBACK");
        MUST(*c, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT n FROM total", "1");
    }

    // Transactional, as in Turso and SQLite (more in tst_mvcc_tx_ddl); INSTEAD OF stays refused.
    void ddlOnTriggersInsideATransactionIsUndoneByRollback()
    {
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
        MUST(*c, "BEGIN");
        MUST(*c, "CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END");
        MUST(*c, "ROLLBACK");
        MUST(*c, "CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END"); // the name is free again
        auto r = c->execute("CREATE TRIGGER v INSTEAD OF INSERT ON t BEGIN SELECT 1; END");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->kind, ErrorKind::NotSupported);
    }

    void triggersAreDurableAndNotFiredByTheCheckpoint()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("x.db");
        {
            auto file = test::openMvccFile(path.toStdString());
            QVERIFY(file);
            auto f = file->connect("f");
            MUST(*f, "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT)");
            MUST(*f, "CREATE TABLE log (n INTEGER PRIMARY KEY, id INT)");
            MUST(*f, "CREATE TRIGGER kept AFTER INSERT ON t BEGIN INSERT INTO log(id) VALUES (NEW.id); END");
            MUST(*f, "CREATE TRIGGER gone AFTER DELETE ON t BEGIN SELECT 1; END");
            MUST(*f, "INSERT INTO t VALUES (1, 1)");
            MUST(*f, "PRAGMA wal_checkpoint");
            // In the log only: a new trigger, a dropped one, one created and dropped.
            MUST(*f,
                 "CREATE TRIGGER later AFTER UPDATE ON t BEGIN INSERT INTO log(id) VALUES (-NEW.id); END");
            MUST(*f, "DROP TRIGGER gone");
            MUST(*f, "CREATE TRIGGER brief AFTER INSERT ON log BEGIN SELECT 1; END");
            MUST(*f, "DROP TRIGGER brief");
            MUST(*f, "INSERT INTO t VALUES (2, 2)");
        }
        QCOMPARE(plainSqlite(path, "SELECT group_concat(id) FROM log"), QString("1"));
        {
            auto file = test::openMvccFile(path.toStdString()); // recovered from the file and the log
            QVERIFY(file);
            auto f = file->connect("f");
            QCOMPARE_ROWS(*f, "SELECT id FROM log ORDER BY n", "1, 2");
            MUST(*f, "UPDATE t SET a = 3 WHERE id = 2");
            QCOMPARE_ROWS(*f, "SELECT id FROM log ORDER BY n", "1, 2, -2");
            MUST(*f, "PRAGMA wal_checkpoint");
        }
        // Written as real triggers, and the checkpoint's own inserts fired none of them.
        QCOMPARE(plainSqlite(path, "SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name"),
                 QString("kept, later"));
        QCOMPARE(plainSqlite(path, "SELECT group_concat(id) FROM (SELECT id FROM log ORDER BY n)"),
                 QString("1,2,-2"));
        QCOMPARE(plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        {
            auto file = test::openMvccFile(path.toStdString()); // from the file alone
            QVERIFY(file);
            auto f = file->connect("f");
            MUST(*f, "INSERT INTO t VALUES (3, 3)");
            QCOMPARE_ROWS(*f, "SELECT count(*) FROM log", "4");
        }
    }

    void anExistingFilesTriggersAreTaken()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("app.db");
        {
            sqlite3* raw = nullptr;
            QCOMPARE(sqlite3_open(path.toUtf8().constData(), &raw), SQLITE_OK);
            QCOMPARE(test::sqliteOutcome(
                         raw, "CREATE TABLE account (id INTEGER PRIMARY KEY, balance INT);"
                              "CREATE TABLE audit (n INTEGER PRIMARY KEY, account INT, delta INT);"
                              "CREATE TRIGGER audit_balance AFTER UPDATE OF balance ON account "
                              "BEGIN INSERT INTO audit(account, delta) VALUES (NEW.id, NEW.balance "
                              "- OLD.balance); END;"
                              "INSERT INTO account VALUES (1, 100);"),
                     QString("ok"));
            sqlite3_close(raw);
        }
        const QString schemaBefore =
            plainSqlite(path, "SELECT type, name, sql FROM sqlite_schema ORDER BY name");
        {
            Error error;
            auto file = test::openMvccFile(path.toStdString(), &error);
            QVERIFY2(file, error.message.c_str());
            auto f = file->connect("f");
            MUST(*f, "UPDATE account SET balance = balance - 30 WHERE id = 1");
            QCOMPARE_ROWS(*f, "SELECT account, delta FROM audit", "1|-30");
            MUST(*f, "PRAGMA wal_checkpoint");
        }
        {
            auto file = test::openMvccFile(path.toStdString()); // recorded now: taken once, not twice
            QVERIFY(file);
            auto f = file->connect("f");
            MUST(*f, "UPDATE account SET balance = 80 WHERE id = 1");
            QCOMPARE_ROWS(*f, "SELECT delta FROM audit ORDER BY n", "-30, 10");
            MUST(*f, "PRAGMA wal_checkpoint");
        }
        QCOMPARE(plainSqlite(path, "SELECT type, name, sql FROM sqlite_schema WHERE tbl_name <> "
                                   "'__txscope_mvcc_meta' ORDER BY name"),
                 schemaBefore);
        QCOMPARE(plainSqlite(path, "SELECT group_concat(delta) FROM (SELECT delta FROM audit ORDER BY n)"),
                 QString("-30,10"));
        QCOMPARE(plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
    }
};

QTEST_GUILESS_MAIN(TestMvccTriggers)
#include "tst_mvcc_triggers.moc"
