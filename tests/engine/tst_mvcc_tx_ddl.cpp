// DDL inside BEGIN ... COMMIT on the MVCC engine (engine/mvcc/MvccTxDdl.cpp), as Turso 0.7.2 does
// it in MVCC mode (checked with its Node package) and as SQLite 3.40.1 does it: the transaction's
// catalog is private until COMMIT, other connections' writes get BUSY while it is open, a BEGIN
// CONCURRENT transaction may make no DDL, an older concurrent writer fails its COMMIT with the
// schema conflict, ROLLBACK and ROLLBACK TO undo the DDL, and on a file the DDL and the rows
// written with it are recovered together or not at all.

#include "support/ExpectError.h"
#include "support/PlainSqlite.h"
#include "support/SideBySide.h"
#include "support/TestDb.h"
#include "support/ThreeConnections.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <map>
#include <thread>

using namespace txs;

namespace {

using test::openFile;

// x.db and x.db-log copied under `to`: what a crash at this moment leaves on disk (everything
// written so far; commits append and sync their frame before they return).
bool copyDatabase(const QString& from, const QString& to)
{
    QFile::remove(to);
    QFile::remove(to + "-log");
    return QFile::copy(from, to) && QFile::copy(from + "-log", to + "-log");
}

} // namespace

class TestMvccTxDdl : public QObject
{
    Q_OBJECT

    test::ThreeConnections three;
    Connection& a() { return *three.a; }
    Connection& b() { return *three.b; }
    Connection& c() { return *three.c; }
    QTemporaryDir dir;
    QString path() const { return dir.filePath("x.db"); }

private slots:
    void init()
    {
        QVERIFY(three.open());
        QFile::remove(path());
        QFile::remove(path() + "-log");
    }
    void cleanup() { three.close(); }

    void createdTableIsPrivateUntilCommit()
    {
        MUST(a(), "BEGIN");
        MUST(a(), "CREATE TABLE n (id INTEGER PRIMARY KEY, v TEXT)");
        MUST(a(), "INSERT INTO n VALUES (1, 'one'), (2, 'two')");
        MUST(a(), "CREATE VIEW nv AS SELECT v FROM n");
        QCOMPARE_ROWS(a(), "SELECT v FROM nv ORDER BY v", "one, two");
        // Turso: "no such table: n" for the other connection until COMMIT.
        EXPECT_ERROR(b(), "SELECT * FROM n", ErrorKind::Syntax, "no such table: n");
        EXPECT_ERROR(b(), "SELECT * FROM nv", ErrorKind::Syntax, "no such table: nv");
        QCOMPARE_ROWS(b(), "SELECT id, v FROM t ORDER BY id", "1|10, 2|20"); // the rest as before
        MUST(a(), "COMMIT");
        QCOMPARE_ROWS(b(), "SELECT id, v FROM n ORDER BY id", "1|one, 2|two");
        QCOMPARE_ROWS(b(), "SELECT v FROM nv ORDER BY v", "one, two");
    }

    void othersWritesAreBusyWhileItIsOpen()
    {
        MUST(a(), "BEGIN");
        MUST(a(), "CREATE TABLE n (x)");
        // Turso: "database is locked" for another connection's autocommit write.
        EXPECT_ERROR(b(), "INSERT INTO t VALUES (3, 30)", ErrorKind::Busy, "database is busy");
        EXPECT_ERROR(b(), "BEGIN IMMEDIATE", ErrorKind::Busy, "database is busy");
        EXPECT_ERROR(b(), "CREATE TABLE other (x)", ErrorKind::Busy, "database is busy");
        QCOMPARE_ROWS(b(), "SELECT count(*) FROM t", "2"); // reads go on
        MUST(a(), "COMMIT");
        MUST(b(), "INSERT INTO t VALUES (3, 30)");
    }

    void deferredTransactionThatReadIsRefusedAfterAnotherCommit()
    {
        MUST(a(), "BEGIN");
        QCOMPARE_ROWS(a(), "SELECT count(*) FROM t", "2");
        MUST(b(), "INSERT INTO t VALUES (3, 30)");
        // As its first write would be: its snapshot is stale, so it cannot become the writer.
        EXPECT_ERROR(a(), "CREATE TABLE n (x)", ErrorKind::BusySnapshot, "snapshot");
        MUST(a(), "ROLLBACK");
    }

    void beginConcurrentRefusesDdlWithTursosMessage()
    {
        const char* turso =
            "DDL statements require an exclusive transaction (use BEGIN instead of BEGIN CONCURRENT)";
        MUST(a(), "BEGIN CONCURRENT");
        EXPECT_ERROR(a(), "CREATE TABLE n (x)", ErrorKind::Misuse, turso);
        EXPECT_ERROR(a(), "CREATE INDEX t_v ON t (v)", ErrorKind::Misuse, turso);
        EXPECT_ERROR(a(), "DROP TABLE t", ErrorKind::Misuse, turso);
        EXPECT_ERROR(a(), "CREATE VIEW tv AS SELECT * FROM t", ErrorKind::Misuse, turso);
        // The transaction goes on.
        MUST(a(), "INSERT INTO t VALUES (3, 30)");
        MUST(a(), "COMMIT");
        QCOMPARE_ROWS(b(), "SELECT count(*) FROM t", "3");
    }

    void olderConcurrentWriterGetsTheSchemaConflict()
    {
        MUST(c(), "BEGIN CONCURRENT");
        MUST(c(), "INSERT INTO t VALUES (3, 30)");
        MUST(a(), "BEGIN");
        MUST(a(), "CREATE TABLE n (x)");
        // While the DDL transaction holds the exclusive slot no other commit runs. (Turso answers
        // this COMMIT with a write-write conflict; TxScope keeps its rule for an exclusive
        // holder: BUSY, and the COMMIT may be retried.)
        EXPECT_ERROR(c(), "COMMIT", ErrorKind::Busy, "holds the exclusive lock");
        MUST(a(), "COMMIT");
        EXPECT_ERROR(c(), "COMMIT", ErrorKind::Schema, "Database schema conflict");
        MUST(c(), "ROLLBACK");
        QCOMPARE_ROWS(b(), "SELECT count(*) FROM t", "2");
    }

    void rolledBackDdlCausesNoSchemaConflict()
    {
        MUST(c(), "BEGIN CONCURRENT");
        MUST(c(), "INSERT INTO t VALUES (3, 30)");
        MUST(a(), "BEGIN");
        MUST(a(), "CREATE TABLE n (x)");
        MUST(a(), "DROP TABLE t");
        MUST(a(), "ROLLBACK");
        MUST(c(), "COMMIT"); // the committed catalog never changed
        QCOMPARE_ROWS(b(), "SELECT count(*) FROM t", "3");
    }

    void rollbackUndoesEveryKind()
    {
        MUST(a(), "CREATE TABLE old (id INTEGER PRIMARY KEY, v TEXT)");
        MUST(a(), "INSERT INTO old VALUES (1, 'kept')");
        MUST(a(), "CREATE VIEW old_v AS SELECT v FROM old");
        MUST(a(), "CREATE TABLE audit (what)");
        MUST(a(), "CREATE TRIGGER old_tr AFTER INSERT ON old BEGIN INSERT INTO audit VALUES (new.v); END");
        const auto from = three.trace->appendedCount();
        MUST(a(), "BEGIN");
        MUST(a(), "CREATE TABLE n (id INTEGER PRIMARY KEY, v TEXT)");
        MUST(a(), "INSERT INTO n VALUES (1, 'gone')");
        MUST(a(), "CREATE UNIQUE INDEX n_v ON n (v)");
        MUST(a(), "CREATE VIEW nv AS SELECT * FROM n");
        MUST(a(), "CREATE TRIGGER n_tr AFTER INSERT ON n BEGIN INSERT INTO audit VALUES ('n'); END");
        MUST(a(), "DROP TRIGGER old_tr");
        MUST(a(), "DROP VIEW old_v");
        MUST(a(), "DROP TABLE old");
        EXPECT_ERROR(a(), "SELECT * FROM old", ErrorKind::Syntax, "no such table: old");
        // Meanwhile the others read the committed catalog.
        QCOMPARE_ROWS(b(), "SELECT v FROM old_v", "kept");
        EXPECT_ERROR(b(), "SELECT * FROM n", ErrorKind::Syntax, "no such table: n");
        MUST(a(), "ROLLBACK");
        // The trace says so too: n (the first table created since `from`) ends dropped, old (the
        // first dropped) ends created again.
        std::uint32_t created = 0, dropped = 0;
        std::map<std::uint32_t, EventKind> last;
        for (const auto& e : three.trace->snapshot()) {
            if (e.seq < from || (e.kind != EventKind::TableCreated && e.kind != EventKind::TableDropped))
                continue;
            if (e.kind == EventKind::TableCreated && !created) created = e.table;
            if (e.kind == EventKind::TableDropped && !dropped) dropped = e.table;
            last[e.table] = e.kind;
        }
        QVERIFY(created && dropped);
        QVERIFY(last[created] == EventKind::TableDropped);
        QVERIFY(last[dropped] == EventKind::TableCreated);
        for (Connection* conn : {&a(), &b()}) {
            EXPECT_ERROR(*conn, "SELECT * FROM n", ErrorKind::Syntax, "no such table: n");
            EXPECT_ERROR(*conn, "SELECT * FROM nv", ErrorKind::Syntax, "no such table: nv");
            QCOMPARE_ROWS(*conn, "SELECT v FROM old_v", "kept");
        }
        MUST(a(), "INSERT INTO old VALUES (2, 'fired')"); // old_tr is back
        QCOMPARE_ROWS(b(), "SELECT what FROM audit", "fired");
        // The names are free again: nothing of the transaction is left in the catalog.
        MUST(a(), "CREATE TABLE n (x)");
        MUST(a(), "CREATE INDEX n_v ON n (x)");
        MUST(a(), "CREATE TRIGGER n_tr AFTER INSERT ON n BEGIN SELECT 1; END");
    }

    void rollbackToSavepointUndoesDdlAfterIt()
    {
        MUST(a(), "BEGIN");
        MUST(a(), "CREATE TABLE k (id INTEGER PRIMARY KEY, v TEXT)");
        MUST(a(), "INSERT INTO k VALUES (1, 'before')");
        MUST(a(), "SAVEPOINT s");
        MUST(a(), "CREATE TABLE m (x)");
        MUST(a(), "CREATE UNIQUE INDEX k_v ON k (v)");
        MUST(a(), "INSERT INTO k VALUES (2, 'after')");
        MUST(a(), "DROP TABLE t");
        MUST(a(), "ROLLBACK TO s");
        QCOMPARE_ROWS(a(), "SELECT id, v FROM k", "1|before");
        QCOMPARE_ROWS(a(), "SELECT count(*) FROM t", "2");
        EXPECT_ERROR(a(), "SELECT * FROM m", ErrorKind::Syntax, "no such table: m");
        MUST(a(), "INSERT INTO k VALUES (3, 'before')"); // the unique index went too
        MUST(a(), "RELEASE s");
        MUST(a(), "COMMIT");
        QCOMPARE_ROWS(b(), "SELECT id, v FROM k ORDER BY id", "1|before, 3|before");
        EXPECT_ERROR(b(), "SELECT * FROM m", ErrorKind::Syntax, "no such table: m");
        QCOMPARE_ROWS(b(), "SELECT count(*) FROM t", "2");
    }

    void failedStatementLeavesNoDdl()
    {
        MUST(a(), "BEGIN");
        MUST(a(), "CREATE TABLE src (v)");
        MUST(a(), "INSERT INTO src VALUES (1), (1)");
        MUST(a(), "CREATE TABLE ctas AS SELECT v FROM src");
        QCOMPARE_ROWS(a(), "SELECT v FROM ctas", "1, 1");
        EXPECT_ERROR(a(), "CREATE TABLE src (x)", ErrorKind::Syntax, "table src already exists");
        EXPECT_ERROR(a(), "CREATE UNIQUE INDEX src_v ON src (v)", ErrorKind::Constraint, "UNIQUE");
        MUST(a(), "COMMIT");
        QCOMPARE_ROWS(b(), "SELECT v FROM ctas", "1, 1");
    }

    // ALTER TABLE inside BEGIN, each form, as Turso 0.7.2 does it in MVCC mode (checked): the
    // transaction reads the altered table with its own rows (written before the ALTER: converted;
    // after it: in the new shape), others read the committed one and their writes get BUSY, and
    // COMMIT makes it everyone's.
    void alterForms_data()
    {
        QTest::addColumn<QString>("alter");
        QTest::addColumn<QString>("insert");
        QTest::addColumn<QString>("select");
        QTest::addColumn<QString>("rows");
        QTest::newRow("add column") << "ALTER TABLE t ADD COLUMN w TEXT DEFAULT 'd'"
                                    << "INSERT INTO t VALUES (4, 40, 'x')"
                                    << "SELECT * FROM t ORDER BY id" << "1|11|d, 3|30|d, 4|40|x";
        QTest::newRow("rename column") << "ALTER TABLE t RENAME COLUMN v TO vv"
                                       << "INSERT INTO t (id, vv) VALUES (4, 40)"
                                       << "SELECT id, vv FROM t ORDER BY id" << "1|11, 3|30, 4|40";
        QTest::newRow("drop column") << "ALTER TABLE t DROP COLUMN v" << "INSERT INTO t VALUES (4)"
                                     << "SELECT * FROM t ORDER BY id" << "1, 3, 4";
        QTest::newRow("rename to") << "ALTER TABLE t RENAME TO u" << "INSERT INTO u VALUES (4, 40)"
                                   << "SELECT * FROM u ORDER BY id" << "1|11, 3|30, 4|40";
    }
    void alterForms()
    {
        QFETCH(QString, alter);
        QFETCH(QString, insert);
        QFETCH(QString, select);
        QFETCH(QString, rows);
        MUST(a(), "BEGIN");
        MUST(a(), "INSERT INTO t VALUES (3, 30)");
        MUST(a(), "UPDATE t SET v = 11 WHERE id = 1");
        MUST(a(), "DELETE FROM t WHERE id = 2");
        MUST(a(), alter.toStdString());
        MUST(a(), insert.toStdString());
        QCOMPARE_ROWS(a(), select.toStdString(), rows.toStdString());
        QCOMPARE_ROWS(b(), "SELECT * FROM t ORDER BY id", "1|10, 2|20");
        EXPECT_ERROR(b(), "INSERT INTO t VALUES (9, 90)", ErrorKind::Busy, "database is busy");
        MUST(a(), "COMMIT");
        QCOMPARE_ROWS(b(), select.toStdString(), rows.toStdString());
        QCOMPARE_ROWS(c(), select.toStdString(), rows.toStdString());
    }

    // ROLLBACK takes the ALTER back with the rows written before and after it.
    void alterRolledBack_data() { alterForms_data(); }
    void alterRolledBack()
    {
        QFETCH(QString, alter);
        QFETCH(QString, insert);
        MUST(a(), "BEGIN");
        MUST(a(), "INSERT INTO t VALUES (3, 30)");
        MUST(a(), alter.toStdString());
        MUST(a(), insert.toStdString());
        MUST(a(), "ROLLBACK");
        QCOMPARE_ROWS(a(), "SELECT * FROM t ORDER BY id", "1|10, 2|20");
        QCOMPARE_ROWS(b(), "SELECT * FROM t ORDER BY id", "1|10, 2|20");
        EXPECT_ERROR(a(), "SELECT * FROM u", ErrorKind::Syntax, "no such table: u");
        MUST(b(), "INSERT INTO t VALUES (3, 30)"); // nobody holds the table any more
        QCOMPARE_ROWS(a(), "SELECT count(*) FROM t", "3");
    }

    void alterRolledBackToSavepoint()
    {
        MUST(a(), "BEGIN");
        MUST(a(), "INSERT INTO t VALUES (3, 30)");
        MUST(a(), "SAVEPOINT s");
        MUST(a(), "ALTER TABLE t ADD COLUMN w TEXT DEFAULT 'd'");
        MUST(a(), "INSERT INTO t VALUES (4, 40, 'x')");
        MUST(a(), "ROLLBACK TO s");
        // The table before the ALTER, with the row written before the savepoint.
        QCOMPARE_ROWS(a(), "SELECT * FROM t ORDER BY id", "1|10, 2|20, 3|30");
        MUST(a(), "INSERT INTO t VALUES (5, 50)");
        MUST(a(), "ALTER TABLE t RENAME COLUMN v TO vv");
        MUST(a(), "SAVEPOINT s2");
        MUST(a(), "INSERT INTO t VALUES (6, 60)");
        MUST(a(), "ROLLBACK TO s2"); // after the ALTER: it stays
        MUST(a(), "RELEASE s");
        QCOMPARE_ROWS(b(), "SELECT * FROM t ORDER BY id", "1|10, 2|20");
        MUST(a(), "COMMIT");
        QCOMPARE_ROWS(b(), "SELECT id, vv FROM t ORDER BY id", "1|10, 2|20, 3|30, 5|50");
    }

    // A failing ALTER leaves the transaction as it was, and it goes on.
    void failedAlterLeavesNothing()
    {
        MUST(a(), "BEGIN");
        MUST(a(), "INSERT INTO t VALUES (3, NULL)");
        EXPECT_ERROR(a(), "ALTER TABLE t ADD COLUMN w NOT NULL", ErrorKind::Other,
                     "Cannot add a NOT NULL column with default value NULL");
        EXPECT_ERROR(a(), "ALTER TABLE t ADD COLUMN w CHECK (w > v) DEFAULT 15", ErrorKind::Constraint,
                     "CHECK constraint failed");
        EXPECT_ERROR(a(), "ALTER TABLE t DROP COLUMN id", ErrorKind::Other, "cannot drop PRIMARY KEY column");
        MUST(a(), "UPDATE t SET v = 30 WHERE id = 3");
        MUST(a(), "ALTER TABLE t ADD COLUMN w CHECK (w > v) DEFAULT 35"); // over its own rows too
        MUST(a(), "COMMIT");
        QCOMPARE_ROWS(b(), "SELECT * FROM t ORDER BY id", "1|10|35, 2|20|35, 3|30|35");
    }

    // CREATE/DROP INDEX on a table that existed before the transaction: the transaction's own
    // until COMMIT (others neither use nor see it), undone by ROLLBACK and ROLLBACK TO.
    void indexOnPreexistingTable()
    {
        MUST(a(), "BEGIN");
        MUST(a(), "INSERT INTO t VALUES (3, 30)");
        MUST(a(), "CREATE INDEX t_v ON t (v)");
        MUST(a(), "INSERT INTO t VALUES (4, 40)");
        QVERIFY(test::queryPlan(a(), "SELECT id FROM t WHERE v = 40").contains("t_v"));
        QCOMPARE_ROWS(a(), "SELECT id FROM t WHERE v = 30", "3");
        QVERIFY(!test::queryPlan(b(), "SELECT id FROM t WHERE v = 20").contains("t_v"));
        QCOMPARE_ROWS(b(), "SELECT id FROM t WHERE v = 20", "2");
        MUST(a(), "ROLLBACK");
        QVERIFY(!test::queryPlan(a(), "SELECT id FROM t WHERE v = 20").contains("t_v"));
        QCOMPARE_ROWS(a(), "SELECT count(*) FROM t", "2");

        MUST(a(), "BEGIN");
        MUST(a(), "INSERT INTO t VALUES (3, 10)");
        EXPECT_ERROR(a(), "CREATE UNIQUE INDEX t_v ON t (v)", ErrorKind::Constraint, "UNIQUE constraint failed");
        MUST(a(), "SAVEPOINT s");
        MUST(a(), "CREATE INDEX t_v ON t (v)");
        MUST(a(), "ROLLBACK TO s");
        QVERIFY(!test::queryPlan(a(), "SELECT id FROM t WHERE v = 20").contains("t_v"));
        MUST(a(), "CREATE INDEX t_v ON t (v)");
        MUST(a(), "COMMIT");
        QVERIFY(test::queryPlan(b(), "SELECT id FROM t WHERE v = 10").contains("t_v"));
        QCOMPARE_ROWS(b(), "SELECT id FROM t WHERE v = 10 ORDER BY id", "1, 3");
        MUST(b(), "INSERT INTO t VALUES (5, 10)"); // maintained by everyone now
        QCOMPARE_ROWS(c(), "SELECT id FROM t WHERE v = 10 ORDER BY id", "1, 3, 5");

        MUST(a(), "BEGIN");
        MUST(a(), "DROP INDEX t_v");
        MUST(a(), "INSERT INTO t VALUES (6, 10)");
        QVERIFY(!test::queryPlan(a(), "SELECT id FROM t WHERE v = 10").contains("t_v"));
        QVERIFY(test::queryPlan(b(), "SELECT id FROM t WHERE v = 10").contains("t_v"));
        MUST(a(), "ROLLBACK");
        QVERIFY(test::queryPlan(a(), "SELECT id FROM t WHERE v = 10").contains("t_v"));
        QCOMPARE_ROWS(a(), "SELECT id FROM t WHERE v = 10 ORDER BY id", "1, 3, 5");
        MUST(a(), "BEGIN");
        MUST(a(), "DROP INDEX t_v");
        MUST(a(), "COMMIT");
        QVERIFY(!test::queryPlan(b(), "SELECT id FROM t WHERE v = 10").contains("t_v"));
        QCOMPARE_ROWS(b(), "SELECT id FROM t WHERE v = 10 ORDER BY id", "1, 3, 5");
    }

    // The same statements on a plain SQLite 3.40.1 handle: the same outcomes and rows.
    void likeSqlite()
    {
        test::SideBySide side;
        side.open();
        for (const char* sql : {"CREATE TABLE base (id INTEGER PRIMARY KEY, v TEXT)",
                                "INSERT INTO base VALUES (1, 'a')",
                                "BEGIN",
                                "CREATE TABLE n (id INTEGER PRIMARY KEY, v TEXT UNIQUE)",
                                "INSERT INTO n VALUES (1, 'x')",
                                "SAVEPOINT s1",
                                "DROP TABLE n",
                                "CREATE TABLE n (other)",
                                "INSERT INTO n VALUES ('y')",
                                "ROLLBACK TO s1",
                                "INSERT INTO n VALUES (2, 'x')",
                                "INSERT INTO n VALUES (2, 'z')",
                                "CREATE VIEW nv AS SELECT v FROM n",
                                "CREATE TABLE n (x)",
                                "DROP TABLE base",
                                "RELEASE s1",
                                "COMMIT",
                                "BEGIN",
                                "DROP VIEW nv",
                                "DROP TABLE n",
                                "CREATE TABLE n (q)",
                                "ROLLBACK"})
            side.both(sql);
        side.sameRows("SELECT id, v FROM n ORDER BY id");
        side.sameRows("SELECT * FROM nv ORDER BY 1");
        side.sameRows("SELECT * FROM base");
        side.close();
    }

    // ALTER and CREATE INDEX inside transactions, with savepoints, on a plain SQLite 3.40.1 handle:
    // the same outcomes and rows.
    void alterLikeSqlite()
    {
        test::SideBySide side;
        side.open();
        for (const char* sql : {"CREATE TABLE p (id INTEGER PRIMARY KEY, v TEXT, n INT)",
                                "INSERT INTO p VALUES (1, 'a', 1), (2, 'b', 2)",
                                "CREATE VIEW pv AS SELECT id, v FROM p",
                                "BEGIN",
                                "INSERT INTO p VALUES (3, 'c', 3)",
                                "ALTER TABLE p ADD COLUMN w INT DEFAULT 5",
                                "UPDATE p SET w = 6 WHERE id = 2",
                                "SAVEPOINT s",
                                "ALTER TABLE p RENAME COLUMN v TO vv",
                                "INSERT INTO p VALUES (4, 'd', 4, 7)",
                                "ROLLBACK TO s",
                                "ALTER TABLE p DROP COLUMN v", // the view reads it
                                "ALTER TABLE p DROP COLUMN n",
                                "CREATE INDEX p_w ON p (w)",
                                "ALTER TABLE p RENAME COLUMN v TO vv", // the view is rewritten
                                "RELEASE s",
                                "COMMIT",
                                "BEGIN",
                                "INSERT INTO p VALUES (5, 'e', 8)",
                                "ALTER TABLE p RENAME TO q",
                                "CREATE UNIQUE INDEX q_w ON q (w)", // 1 and 3 hold 5
                                "CREATE INDEX q_vv ON q (vv)",
                                "DROP INDEX p_w",
                                "ROLLBACK",
                                "BEGIN",
                                "ALTER TABLE p RENAME TO q",
                                "INSERT INTO q VALUES (6, 'f', 9)",
                                "DROP INDEX p_w",
                                "COMMIT"})
            side.both(sql);
        side.sameRows("SELECT * FROM q ORDER BY id");
        side.sameRows("SELECT * FROM pv ORDER BY id");
        side.sameRows("SELECT * FROM p");
        side.close();
    }

    // On a file: the ALTER, the index and the rows are in the commit's frame; reopened (from the
    // log, then after a checkpoint from the file) it is all there.
    void alterReopensAfterCommit()
    {
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto conn = db->connect();
            MUST(*conn, "CREATE TABLE p (id INTEGER PRIMARY KEY, v TEXT, n INT)");
            MUST(*conn, "CREATE INDEX p_n ON p (n)");
            MUST(*conn, "CREATE TABLE log (x)");
            MUST(*conn, "CREATE TABLE q (id INTEGER PRIMARY KEY, v)");
            MUST(*conn, "CREATE TRIGGER q_tr AFTER INSERT ON q BEGIN INSERT INTO log VALUES ('q'); END");
            MUST(*conn, "INSERT INTO p VALUES (1, 'a', 1), (2, 'b', 2)");
            MUST(*conn, "INSERT INTO q VALUES (1, 'x')");
            MUST(*conn, "CREATE INDEX q_old ON q (id, v)");
            MUST(*conn, "BEGIN");
            MUST(*conn, "INSERT INTO p VALUES (3, 'c', 3)");
            MUST(*conn, "ALTER TABLE p ADD COLUMN w DEFAULT 'd'");
            MUST(*conn, "ALTER TABLE p RENAME COLUMN v TO vv");
            MUST(*conn, "INSERT INTO p VALUES (4, 'e', 4, 'w')");
            MUST(*conn, "CREATE UNIQUE INDEX q_v ON q (v)");
            MUST(*conn, "INSERT INTO q VALUES (2, 'y')");
            MUST(*conn, "DROP INDEX q_old");
            MUST(*conn, "COMMIT");
        }
        for (int pass = 0; pass < 2; ++pass) {
            auto db = openFile(path());
            QVERIFY(db);
            auto conn = db->connect();
            QCOMPARE_ROWS(*conn, "SELECT * FROM p ORDER BY id", "1|a|1|d, 2|b|2|d, 3|c|3|d, 4|e|4|w");
            QVERIFY(test::queryPlan(*conn, "SELECT id FROM p WHERE n = 3").contains("p_n"));
            QCOMPARE_ROWS(*conn, "SELECT id FROM p WHERE n = 3", "3");
            QCOMPARE_ROWS(*conn, "SELECT * FROM q ORDER BY id", pass == 0 ? "1|x, 2|y" : "1|x, 2|y, 3|z");
            EXPECT_ERROR(*conn, "INSERT INTO q VALUES (9, 'x')", ErrorKind::Constraint, "UNIQUE");
            EXPECT_ERROR(*conn, "DROP INDEX q_old", ErrorKind::Syntax, "no such index"); // gone from x.db too
            if (pass == 0) {
                MUST(*conn, "INSERT INTO q VALUES (3, 'z')"); // q's trigger was kept
                QCOMPARE_ROWS(*conn, "SELECT x FROM log", "q, q, q"); // fired for rows 1, 2 and 3
                MUST(*conn, "DELETE FROM log");
                MUST(*conn, "PRAGMA wal_checkpoint"); // the second pass reads it from the file
            }
        }
        // The stock SQLite reads the checkpointed file with the new shape and indexes.
        QCOMPARE(test::plainSqlite(path(), "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(test::plainSqlite(path(), "SELECT group_concat(name, ',') FROM pragma_table_info('p')"),
                 QString("id,vv,n,w"));
        QCOMPARE(test::plainSqlite(path(), "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master "
                                           "WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY name)"),
                 QString("p_n,q_tr,q_v"));
    }

    // A DROP INDEX in a commit frame is one the checkpoint must look for, as an autocommit one's.
    void indexDroppedInsideTransactionLeavesTheFile()
    {
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto conn = db->connect();
            MUST(*conn, "CREATE TABLE n (v)");
            MUST(*conn, "PRAGMA wal_checkpoint"); // looked for drops: none since
            MUST(*conn, "BEGIN");
            MUST(*conn, "CREATE TABLE m (v)");
            MUST(*conn, "CREATE INDEX m_v ON m (v)");
            MUST(*conn, "DROP INDEX m_v");
            MUST(*conn, "COMMIT");
            MUST(*conn, "PRAGMA wal_checkpoint");
        }
        auto db = openFile(path());
        QVERIFY(db);
        auto conn = db->connect();
        MUST(*conn, "CREATE INDEX m_v ON m (v)"); // the name is free: the file has no such index
    }

    void alterCrashBeforeCommitRecoversNothingOfIt()
    {
        const QString copy = dir.filePath("crash.db");
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto conn = db->connect();
            MUST(*conn, "CREATE TABLE p (id INTEGER PRIMARY KEY, v TEXT)");
            MUST(*conn, "INSERT INTO p VALUES (1, 'committed')");
            MUST(*conn, "BEGIN");
            MUST(*conn, "INSERT INTO p VALUES (2, 'open')");
            MUST(*conn, "ALTER TABLE p ADD COLUMN w DEFAULT 'd'");
            MUST(*conn, "CREATE INDEX p_w ON p (w)");
            MUST(*conn, "ALTER TABLE p RENAME TO r");
            QVERIFY(copyDatabase(path(), copy)); // the crash: the transaction never committed
            MUST(*conn, "COMMIT");
        }
        auto db = openFile(copy);
        QVERIFY(db);
        auto conn = db->connect();
        EXPECT_ERROR(*conn, "SELECT * FROM r", ErrorKind::Syntax, "no such table: r");
        QCOMPARE_ROWS(*conn, "SELECT * FROM p", "1|committed");
        MUST(*conn, "CREATE INDEX p_w ON p (v)"); // the name is free
    }

    // On a file: the DDL is in the commit's frame with its rows.
    void reopenRecoversTheCommittedTransaction()
    {
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto conn = db->connect();
            MUST(*conn, "CREATE TABLE pre (id INTEGER PRIMARY KEY, v)");
            MUST(*conn, "INSERT INTO pre VALUES (1, 'pre')");
            MUST(*conn, "BEGIN");
            MUST(*conn, "CREATE TABLE n (id INTEGER PRIMARY KEY, v TEXT)");
            MUST(*conn, "INSERT INTO n VALUES (1, 'one'), (2, 'two')");
            MUST(*conn, "CREATE INDEX n_v ON n (v)");
            MUST(*conn, "CREATE VIEW nv AS SELECT v FROM n");
            MUST(*conn, "CREATE TABLE log (v)");
            MUST(*conn, "CREATE TRIGGER n_tr AFTER INSERT ON n BEGIN INSERT INTO log VALUES (new.v); END");
            MUST(*conn, "CREATE TABLE gone (x)");
            MUST(*conn, "INSERT INTO gone VALUES (1)");
            MUST(*conn, "DROP TABLE gone");
            MUST(*conn, "DROP TABLE pre");
            MUST(*conn, "CREATE TABLE pre (other)"); // the same name, a new table
            MUST(*conn, "INSERT INTO pre VALUES ('new')");
            MUST(*conn, "COMMIT");
        }
        for (int pass = 0; pass < 2; ++pass) {
            auto db = openFile(path());
            QVERIFY(db);
            auto conn = db->connect();
            QCOMPARE_ROWS(*conn, "SELECT id, v FROM n ORDER BY id", "1|one, 2|two");
            QCOMPARE_ROWS(*conn, "SELECT v FROM nv ORDER BY v", "one, two");
            QCOMPARE_ROWS(*conn, "SELECT * FROM pre", "new");
            EXPECT_ERROR(*conn, "SELECT * FROM gone", ErrorKind::Syntax, "no such table: gone");
            EXPECT_ERROR(*conn, "CREATE INDEX n_v ON n (id)", ErrorKind::Syntax, "index n_v already exists");
            if (pass == 0) {
                MUST(*conn, "INSERT INTO n VALUES (3, 'three')");
                QCOMPARE_ROWS(*conn, "SELECT v FROM log", "three");
                MUST(*conn, "DELETE FROM n WHERE id = 3");
                MUST(*conn, "PRAGMA wal_checkpoint"); // the second pass reads it from the file
            }
        }
    }

    void crashBeforeCommitRecoversNothingOfIt()
    {
        const QString copy = dir.filePath("crash.db");
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto conn = db->connect();
            MUST(*conn, "CREATE TABLE pre (v)");
            MUST(*conn, "INSERT INTO pre VALUES ('committed')");
            MUST(*conn, "BEGIN");
            MUST(*conn, "CREATE TABLE n (v)");
            MUST(*conn, "INSERT INTO n VALUES ('open')");
            MUST(*conn, "DROP TABLE pre");
            QVERIFY(copyDatabase(path(), copy)); // the crash: the transaction never committed
            MUST(*conn, "COMMIT");
        }
        auto db = openFile(copy);
        QVERIFY(db);
        auto conn = db->connect();
        EXPECT_ERROR(*conn, "SELECT * FROM n", ErrorKind::Syntax, "no such table: n");
        QCOMPARE_ROWS(*conn, "SELECT v FROM pre", "committed");
    }

    void tornCommitFrameRecoversNothingOfIt()
    {
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto conn = db->connect();
            MUST(*conn, "CREATE TABLE pre (v)");
            MUST(*conn, "INSERT INTO pre VALUES ('committed')");
        }
        const qint64 before = QFileInfo(path() + "-log").size(); // closed: the log holds its frames only
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto conn = db->connect();
            MUST(*conn, "BEGIN");
            MUST(*conn, "CREATE TABLE n (v)");
            MUST(*conn, "INSERT INTO n VALUES ('torn')");
            MUST(*conn, "DROP TABLE pre");
            MUST(*conn, "COMMIT");
        }
        // A crash in the middle of the commit frame's append: the frame is cut short.
        QFile log(path() + "-log");
        QVERIFY(log.size() > before + 7);
        QVERIFY(log.resize(log.size() - 7));
        auto db = openFile(path());
        QVERIFY(db);
        auto conn = db->connect();
        EXPECT_ERROR(*conn, "SELECT * FROM n", ErrorKind::Syntax, "no such table: n");
        QCOMPARE_ROWS(*conn, "SELECT v FROM pre", "committed");
    }

    // Readers sync their catalog while a transaction creates, fills and commits or rolls back a
    // table: they see it whole (all its rows) or not at all. Under TSan this is the race check of
    // the private catalog.
    void readersSeeATableWholeOrNotAtAll()
    {
        std::atomic<bool> done{false};
        std::atomic<int> seen{0}, wrong{0};
        std::thread reader([&] {
            while (!done.load()) {
                auto r = b().execute("SELECT count(*) FROM n");
                if (r.ok()) {
                    ++seen;
                    if (r.rowsText() != "3") ++wrong;
                } else if (!test::mentions(r.error->message, "no such table: n")) {
                    ++wrong;
                }
            }
        });
        std::string failed; // the writer's first error (MUST would return with the reader running)
        for (int i = 0; i < 40 && failed.empty(); ++i) {
            const bool commit = i % 2 == 0;
            for (const char* sql : {"BEGIN", "CREATE TABLE n (v)", "INSERT INTO n VALUES (1), (2), (3)",
                                    commit ? "COMMIT" : "ROLLBACK", commit ? "DROP TABLE n" : "SELECT 1"}) {
                auto r = a().execute(sql);
                if (!r.ok()) {
                    failed = std::string(sql) + ": " + r.error->describe();
                    break;
                }
            }
        }
        done = true;
        reader.join();
        QVERIFY2(failed.empty(), failed.c_str());
        QCOMPARE(wrong.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestMvccTxDdl)
#include "tst_mvcc_tx_ddl.moc"
