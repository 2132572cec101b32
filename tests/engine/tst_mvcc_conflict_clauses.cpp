// Constraint-level ON CONFLICT clauses (NOT NULL, UNIQUE, PRIMARY KEY) on the MVCC engine, each
// statement against a plain SQLite 3.40.1 handle: the statement's OR clause wins over the
// constraint's, else the constraint's applies, else ABORT. REPLACE on UNIQUE deletes the rows in
// the way (the REPLACE constraints last), on NOT NULL writes the default (an error without one),
// IGNORE skips the row, FAIL keeps the statement's earlier rows, ROLLBACK ends the transaction.
// Durability: the clauses are written back, so the checkpointed file has them, and an existing
// file's are taken with its schema unchanged.

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
using test::openFile;
using test::sqliteOutcome;

class TestMvccConflictClauses : public QObject, public test::SideBySide
{
    Q_OBJECT

    void all(std::initializer_list<const char*> statements)
    {
        for (const char* sql : statements)
            both(sql);
    }

private slots:
    void init() { open(); }
    void cleanup() { close(); }

    void columnClausesApplyUnlessTheStatementNamesOne()
    {
        all({
            "CREATE TABLE t (id INTEGER PRIMARY KEY, u INT UNIQUE ON CONFLICT REPLACE, "
            "v TEXT NOT NULL ON CONFLICT IGNORE, w TEXT NOT NULL ON CONFLICT REPLACE DEFAULT 'dw', "
            "x INT NOT NULL ON CONFLICT REPLACE)",
            "INSERT INTO t VALUES (1, 10, 'a', 'b', 1)",
            "INSERT INTO t VALUES (2, 10, 'c', 'd', 2)",          // replaces row 1
            "INSERT INTO t VALUES (3, 30, NULL, 'd', 3)",         // skipped
            "INSERT INTO t VALUES (4, 40, 'e', NULL, 4)",         // w gets its default
            "INSERT INTO t VALUES (5, 50, 'e', 'f', NULL)",       // no default: the error
            "INSERT OR ABORT INTO t VALUES (6, 10, 'g', 'h', 6)", // the statement's clause wins
            "INSERT OR IGNORE INTO t VALUES (6, 10, 'g', 'h', 6)",
            "INSERT OR FAIL INTO t VALUES (7, 70, NULL, 'h', 7)",
            "UPDATE t SET u = 40 WHERE id = 2",   // replaces row 4
            "UPDATE t SET v = NULL WHERE id = 2", // skipped
            "UPDATE t SET w = NULL WHERE id = 2", // the default
            "INSERT INTO t VALUES (8, 80, 'i', 'j', 8), (9, 80, NULL, 'k', 9), (10, 80, 'l', 'm', 10)",
        });
        sameRows("SELECT * FROM t ORDER BY id");
        QCOMPARE(engineRows(*c, "SELECT id, u, w FROM t ORDER BY id"), QString("2|40|dw, 10|80|m"));
        sameRows("SELECT count(*) FROM t WHERE u = 80");
    }

    void keysAndTableConstraints()
    {
        all({
            "CREATE TABLE p (id INTEGER PRIMARY KEY ON CONFLICT IGNORE, a TEXT)",
            "INSERT INTO p VALUES (1, 'a'), (1, 'b'), (2, 'c')",
            "INSERT OR REPLACE INTO p VALUES (2, 'd')",
            "UPDATE p SET id = 1 WHERE id = 2", // ignored
            "CREATE TABLE q (k TEXT PRIMARY KEY ON CONFLICT REPLACE, a TEXT)",
            "INSERT INTO q VALUES ('x', 'a'), ('x', 'b'), ('y', 'c')",
            "CREATE TABLE m (a INT, b INT, n TEXT, UNIQUE (a, b) ON CONFLICT IGNORE, "
            "CONSTRAINT pk PRIMARY KEY (n) ON CONFLICT REPLACE)",
            "INSERT INTO m VALUES (1, 1, 'p'), (1, 1, 'q'), (1, 2, 'p')",
        });
        sameRows("SELECT * FROM p ORDER BY id");
        sameRows("SELECT rowid, * FROM q ORDER BY rowid");
        sameRows("SELECT * FROM m ORDER BY rowid"); // (an ignored row spends a rowid in the engine)
    }

    void replaceComesLast()
    {
        all({
            "CREATE TABLE two (id INTEGER PRIMARY KEY, a INT UNIQUE ON CONFLICT IGNORE, "
            "b INT UNIQUE ON CONFLICT REPLACE)",
            "INSERT INTO two VALUES (1, 1, 1), (2, 2, 2)",
            "INSERT INTO two VALUES (3, 1, 2)", // a ignores the row: row 2 stays
            "INSERT INTO two VALUES (3, 3, 2)", // replaces row 2
            "CREATE TABLE three (id INTEGER PRIMARY KEY ON CONFLICT REPLACE, a INT UNIQUE)",
            "INSERT INTO three VALUES (1, 1), (2, 2)",
            "INSERT INTO three VALUES (1, 2)", // a's ABORT: nothing replaced
            "INSERT INTO three VALUES (1, 5)",
        });
        sameRows("SELECT * FROM two ORDER BY id");
        sameRows("SELECT * FROM three ORDER BY id");
    }

    void failKeepsEarlierRowsRollbackEndsTheTransaction()
    {
        all({
            "CREATE TABLE f (id INTEGER PRIMARY KEY, u INT UNIQUE ON CONFLICT FAIL)",
            "INSERT INTO f VALUES (1, 1)",
            "INSERT INTO f VALUES (2, 2), (3, 1), (4, 4)", // keeps row 2
            "BEGIN",
            "INSERT INTO f VALUES (5, 5), (6, 1), (7, 7)", // keeps row 5, the transaction goes on
            "COMMIT",
            "CREATE TABLE rb (id INTEGER PRIMARY KEY, u INT UNIQUE ON CONFLICT ROLLBACK)",
            "INSERT INTO rb VALUES (1, 1)",
            "BEGIN",
            "INSERT INTO rb VALUES (2, 2)",
            "INSERT INTO rb VALUES (3, 1)", // ends the transaction: row 2 is gone
            "COMMIT",                       // cannot commit - no transaction is active
            "INSERT OR ABORT INTO rb VALUES (3, 1)",
            // A statement's OR FAIL and OR ROLLBACK, on a constraint with no clause of its own.
            "CREATE TABLE g (id INTEGER PRIMARY KEY, u INT UNIQUE)",
            "INSERT INTO g VALUES (1, 1)",
            "INSERT OR FAIL INTO g VALUES (2, 2), (3, 1), (4, 4)",
            "UPDATE OR FAIL g SET u = 9 - id", // 8 and 7: both pass
            "UPDATE OR FAIL g SET u = 8",      // row 1 keeps 8, row 2 fails
            "BEGIN",
            "INSERT INTO g VALUES (5, 5)",
            "INSERT OR ROLLBACK INTO g VALUES (6, 6), (7, 5)",
            "COMMIT",
        });
        sameRows("SELECT * FROM f ORDER BY id");
        sameRows("SELECT * FROM rb ORDER BY id");
        sameRows("SELECT * FROM g ORDER BY id");
        QCOMPARE(engineRows(*c, "SELECT id FROM f ORDER BY id"), QString("1, 2, 5"));
    }

    void upsertsAndTriggers()
    {
        all({
            "CREATE TABLE up (id INTEGER PRIMARY KEY, u INT UNIQUE ON CONFLICT IGNORE, "
            "r INT UNIQUE ON CONFLICT REPLACE, n INT)",
            "INSERT INTO up VALUES (1, 1, 1, 0), (2, 2, 2, 0)", "CREATE TABLE lg (x)",
            "CREATE TRIGGER td AFTER DELETE ON up BEGIN INSERT INTO lg VALUES ('del ' || old.id); END",
            "CREATE TRIGGER ti AFTER INSERT ON up BEGIN INSERT INTO lg VALUES ('ins ' || new.id); END",
            "INSERT INTO up VALUES (3, 3, 1, 0)", // replaces row 1; no DELETE trigger (no recursive_triggers)
        });
        // SQLite refuses ON CONFLICT on a virtual table: the engine's plan, compared by hand.
        for (const char* sql : {
                 "INSERT INTO up VALUES (4, 2, 9, 0) ON CONFLICT (id) DO UPDATE SET n = n + 1", // u ignores
                                                                                                // it
                 "INSERT INTO up VALUES (5, 5, 2, 0) ON CONFLICT (id) DO UPDATE SET n = n + 1", // r replaces
                                                                                                // row 2
                 "INSERT INTO up VALUES (3, 7, 7, 0) ON CONFLICT (id) DO UPDATE SET n = n + 10",
             })
            QCOMPARE(engineOutcome(*c, sql), sqliteOutcome(reference, sql));
        sameRows("SELECT * FROM up ORDER BY id");
        sameRows("SELECT x FROM lg ORDER BY rowid");
        // With recursive_triggers on, the rows REPLACE deletes fire the DELETE triggers, as in SQLite:
        // a UNIQUE's clause, the key's own, a statement's OR REPLACE.
        all({
            "PRAGMA recursive_triggers = ON",
            "DELETE FROM lg",
            "INSERT INTO up VALUES (8, 8, 3, 0)",
            "CREATE TABLE kr (id INTEGER PRIMARY KEY ON CONFLICT REPLACE, a TEXT)",
            "CREATE TRIGGER kd AFTER DELETE ON kr BEGIN INSERT INTO lg VALUES ('kr ' || old.a); END",
            "INSERT INTO kr VALUES (1, 'a'), (1, 'b')",
            "INSERT OR REPLACE INTO up VALUES (8, 9, 9, 1)",
            "UPDATE kr SET id = 1 WHERE id = 1",
            "PRAGMA recursive_triggers = OFF",
            "INSERT INTO kr VALUES (1, 'c')",
        });
        sameRows("SELECT * FROM up ORDER BY id");
        sameRows("SELECT * FROM kr ORDER BY id");
        sameRows("SELECT x FROM lg ORDER BY rowid");
    }

    void clausesAreDurable()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("x.db");
        {
            auto file = openFile(path);
            QVERIFY(file);
            auto f = file->connect("f");
            MUST(*f, "CREATE TABLE t (id INTEGER PRIMARY KEY ON CONFLICT IGNORE, u INT UNIQUE ON CONFLICT "
                     "REPLACE, "
                     "v TEXT NOT NULL ON CONFLICT IGNORE)");
            MUST(*f, "INSERT INTO t VALUES (1, 1, 'a'), (2, 1, 'b'), (2, 5, 'c'), (3, 3, NULL)");
            MUST(*f, "PRAGMA wal_checkpoint");
        }
        QCOMPARE(test::plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(test::plainSqlite(path, "SELECT * FROM t"), QString("2|1|b"));
        sqlite3* plain = nullptr;
        QCOMPARE(sqlite3_open(path.toUtf8().constData(), &plain), SQLITE_OK);
        QCOMPARE(sqliteOutcome(plain, "INSERT INTO t VALUES (2, 9, 'x'), (4, 1, 'y'), (5, 5, NULL)"),
                 QString("ok"));
        QCOMPARE(test::plainSqlite(path, "SELECT * FROM t"), QString("4|1|y"));
        sqlite3_close(plain);
        {
            auto file = openFile(path);
            QVERIFY(file);
            auto f = file->connect("f");
            MUST(*f, "INSERT INTO t VALUES (4, 9, 'x'), (6, 1, 'z'), (7, 7, NULL)");
            QCOMPARE(engineRows(*f, "SELECT * FROM t"), QString("6|1|z"));
        }
    }

    void anExistingFilesClausesAreTaken()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("app.db");
        {
            sqlite3* plain = nullptr;
            QCOMPARE(sqlite3_open(path.toUtf8().constData(), &plain), SQLITE_OK);
            QCOMPARE(sqliteOutcome(plain,
                                   "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT UNIQUE ON CONFLICT "
                                   "REPLACE, note TEXT NOT NULL ON CONFLICT REPLACE DEFAULT '-');"
                                   "CREATE TABLE s (k TEXT PRIMARY KEY ON CONFLICT IGNORE, v INT) STRICT;"
                                   "INSERT INTO tags VALUES (1, 'a', 'x');"),
                     QString("ok"));
            sqlite3_close(plain);
        }
        const QString schemaBefore =
            test::plainSqlite(path, "SELECT type, name, sql FROM sqlite_schema ORDER BY name");
        {
            auto file = openFile(path);
            QVERIFY(file);
            auto f = file->connect("f");
            MUST(*f, "INSERT INTO tags VALUES (2, 'a', NULL)");
            MUST(*f, "INSERT INTO s VALUES ('k', 1), ('k', 2)");
            QCOMPARE(engineRows(*f, "SELECT * FROM tags"), QString("2|a|-"));
            QCOMPARE(engineRows(*f, "SELECT * FROM s"), QString("k|1"));
            QCOMPARE(engineOutcome(*f, "INSERT INTO s VALUES ('j', 'no')"),
                     QString("cannot store TEXT value in INT column s.v"));
            MUST(*f, "PRAGMA wal_checkpoint");
        }
        QCOMPARE(test::plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(test::plainSqlite(path, "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE "
                                         "'%txscope%' ORDER BY name"),
                 schemaBefore);
        QCOMPARE(test::plainSqlite(path, "SELECT * FROM tags"), QString("2|a|-"));
    }
};

QTEST_GUILESS_MAIN(TestMvccConflictClauses)
#include "tst_mvcc_conflict_clauses.moc"
