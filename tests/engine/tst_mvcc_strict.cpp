// STRICT tables on the MVCC engine, statement by statement against a plain SQLite 3.40.1 handle:
// the types CREATE TABLE allows, the affinity conversion then the type check on INSERT, UPDATE and
// upserts (same error text and SQLITE_CONSTRAINT_DATATYPE), the order of the checks (NOT NULL,
// types, CHECK), triggers and ALTER TABLE ADD COLUMN. Durability: the checkpointed file keeps
// STRICT for the stock sqlite3, and an existing file's STRICT table is taken and enforced.

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
using test::sqliteRows;

class TestMvccStrict : public QObject, public test::SideBySide
{
    Q_OBJECT

    static constexpr const char* everyType =
        "CREATE TABLE s (id INTEGER PRIMARY KEY, a INTEGER, b REAL, c TEXT, d BLOB, e ANY, "
        "f INT NOT NULL DEFAULT 0) STRICT";

private slots:
    void init() { open(); }
    void cleanup() { close(); }

    void createTableTakesOnlyTheSixTypes()
    {
        both("CREATE TABLE bad (a VARCHAR(10)) STRICT");
        both("CREATE TABLE bad (a) STRICT");
        both("CREATE TABLE bad (a NUMERIC) STRICT");
        both("CREATE TABLE fine (a int, b Integer, c real, d text, e blob, f any) strict");
        both(everyType);
    }

    void valuesAreConvertedThenChecked()
    {
        both(everyType);
        for (const char* sql : {
                 "INSERT INTO s (a) VALUES ('123')",   // converted: 123
                 "INSERT INTO s (a) VALUES ('abc')",   // cannot store TEXT value in INTEGER column s.a
                 "INSERT INTO s (a) VALUES (1.5)",     // REAL in INTEGER
                 "INSERT INTO s (a) VALUES (2.0)",     // 2
                 "INSERT INTO s (a) VALUES (x'01')",   // BLOB in INTEGER
                 "INSERT INTO s (b) VALUES (3)",       // 3.0
                 "INSERT INTO s (b) VALUES ('4.5')",   // 4.5
                 "INSERT INTO s (b) VALUES ('x')",     // TEXT in REAL
                 "INSERT INTO s (c) VALUES (5)",       // '5'
                 "INSERT INTO s (c) VALUES (x'00')",   // BLOB in TEXT
                 "INSERT INTO s (d) VALUES ('t')",     // TEXT in BLOB
                 "INSERT INTO s (d) VALUES (7)",       // INT in BLOB
                 "INSERT INTO s (d) VALUES (x'0102')", // fine
                 "INSERT INTO s (e) VALUES ('123')",   // ANY keeps the text
                 "INSERT INTO s (e) VALUES (1.0)",     // and the real
                 "INSERT INTO s (f) VALUES (NULL)",    // NOT NULL
                 "INSERT INTO s (f) VALUES ('zz')",    // INT column
                 "INSERT INTO s (a, b, c, d, e) VALUES (NULL, NULL, NULL, NULL, NULL)",
                 "INSERT INTO s (id) VALUES ('q')", // the key: datatype mismatch
                 "INSERT INTO s (id) VALUES ('77')",
                 "INSERT INTO s (a) VALUES (1), ('no'), (3)", // the statement leaves nothing
             })
            both(sql);
        // (Not the ids: the engine spends a rowid on a failed INSERT, SQLite does not.)
        sameRows("SELECT a, typeof(a), b, typeof(b), c, typeof(c), hex(d), typeof(d), e, typeof(e), f, "
                 "typeof(f) FROM s ORDER BY id");
        sameRows("SELECT count(*) FROM s WHERE id = 77");
        // The ANY column compares without affinity, as in SQLite: '123' is not 123.
        sameRows("SELECT e FROM s WHERE e = 123 ORDER BY id");
        sameRows("SELECT e FROM s WHERE e = '123' ORDER BY id");
        auto r = c->execute("INSERT INTO s (a) VALUES ('abc')");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->extendedCode, SQLITE_CONSTRAINT_DATATYPE);
        QCOMPARE(r.error->code, SQLITE_CONSTRAINT);
    }

    void checksRunInSqlitesOrder()
    {
        both("CREATE TABLE o (a INT CHECK (a > 'x'), b INT NOT NULL) STRICT");
        both("INSERT INTO o VALUES ('x', NULL)");         // NOT NULL first, though b follows a
        both("INSERT INTO o VALUES ('x', 1)");            // then the type, before the CHECK
        both("INSERT OR IGNORE INTO o VALUES ('x', 1)");  // OR IGNORE does not skip a type error
        both("INSERT OR REPLACE INTO o VALUES ('x', 1)"); // nor OR REPLACE
        both("INSERT INTO o VALUES (5, 1)");              // the CHECK
        both("CREATE TABLE p (a INT NOT NULL CHECK (a > 0), e ANY CHECK (typeof(e) <> 'integer')) STRICT");
        both("INSERT INTO p VALUES ('x', NULL)");
        both("INSERT INTO p VALUES (0, NULL)");
        both("INSERT INTO p VALUES (1, '5')"); // the CHECK sees ANY's text as given
        both("INSERT INTO p VALUES (2, 5)");
        sameRows("SELECT a, e, typeof(e) FROM p");
    }

    void updatesUpsertsAndTriggers()
    {
        both(everyType);
        both("INSERT INTO s (id, a, c) VALUES (1, 1, 'x')");
        both("UPDATE s SET a = 'xyz' WHERE id = 1");
        both("UPDATE s SET a = '42', c = 9 WHERE id = 1");
        both("UPDATE OR IGNORE s SET b = 'no'");
        both("CREATE TABLE u (id INTEGER PRIMARY KEY, k INT UNIQUE, n INT) STRICT");
        both("INSERT INTO u VALUES (1, 1, 0)");
        QCOMPARE(engineOutcome(*c, "INSERT INTO u VALUES (2, 1, 0) ON CONFLICT (k) DO UPDATE SET n = 'no'"),
                 sqliteOutcome(reference,
                               "INSERT INTO u VALUES (2, 1, 0) ON CONFLICT (k) DO UPDATE SET n = 'no'"));
        QCOMPARE(
            engineOutcome(*c, "INSERT INTO u VALUES (2, 1, 0) ON CONFLICT (k) DO UPDATE SET n = '5'"),
            sqliteOutcome(reference, "INSERT INTO u VALUES (2, 1, 0) ON CONFLICT (k) DO UPDATE SET n = '5'"));
        both("CREATE TABLE l (x INT) STRICT");
        both("CREATE TRIGGER tr AFTER INSERT ON u BEGIN INSERT INTO l VALUES (NEW.k || 'x'); END");
        both("INSERT INTO u VALUES (3, 3, 3)"); // the trigger's insert fails: the statement too
        both("DROP TRIGGER tr");
        both("CREATE TRIGGER tr AFTER INSERT ON u BEGIN INSERT INTO l VALUES (NEW.k * 10); END");
        both("INSERT INTO u VALUES (4, '4', 4)");
        sameRows("SELECT id, a, typeof(a), c, typeof(c), b FROM s ORDER BY id");
        sameRows("SELECT id, k, n, typeof(n) FROM u ORDER BY id");
        sameRows("SELECT x, typeof(x) FROM l");
    }

    void alterAddColumnFollowsTheRules()
    {
        both(everyType);
        both("INSERT INTO s (id) VALUES (1)");
        both("ALTER TABLE s ADD COLUMN g VARCHAR");
        both("ALTER TABLE s ADD COLUMN g INTEGER");
        both("INSERT INTO s (g) VALUES ('g')");
        both("INSERT INTO s (id, g) VALUES (2, '7')");
        sameRows("SELECT g, typeof(g) FROM s ORDER BY id");
    }

    void strictIsDurableAndCheckpointed()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("x.db");
        {
            auto file = openFile(path);
            QVERIFY(file);
            auto f = file->connect("f");
            MUST(*f, everyType);
            MUST(*f, "INSERT INTO s (id, a, b, e) VALUES (1, '10', 2, '3')");
            MUST(*f, "PRAGMA wal_checkpoint");
            MUST(*f, "INSERT INTO s (id, a) VALUES (2, 20)"); // in the log only
        }
        QCOMPARE(test::plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(test::plainSqlite(path, "SELECT strict FROM pragma_table_list WHERE name = 's'"),
                 QString("1"));
        QCOMPARE(test::plainSqlite(path, "SELECT a, typeof(a), b, typeof(b), e, typeof(e) FROM s"),
                 QString("10|integer|2.0|real|3|text"));
        sqlite3* plain = nullptr;
        QCOMPARE(sqlite3_open(path.toUtf8().constData(), &plain), SQLITE_OK);
        QCOMPARE(sqliteOutcome(plain, "INSERT INTO s (a) VALUES ('abc')"),
                 QString("cannot store TEXT value in INTEGER column s.a"));
        sqlite3_close(plain);
        {
            auto file = openFile(path); // recovered: the log's row, and STRICT again
            QVERIFY(file);
            auto f = file->connect("f");
            QCOMPARE(engineRows(*f, "SELECT id FROM s ORDER BY id"), QString("1, 2"));
            QCOMPARE(engineOutcome(*f, "INSERT INTO s (c) VALUES (x'01')"),
                     QString("cannot store BLOB value in TEXT column s.c"));
        }
    }

    void anExistingFilesStrictTableIsTaken()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("app.db");
        const char* create = "CREATE TABLE items (id INTEGER PRIMARY KEY, qty int NOT NULL, price REAL, "
                             "tag ANY) STRICT";
        {
            sqlite3* plain = nullptr;
            QCOMPARE(sqlite3_open(path.toUtf8().constData(), &plain), SQLITE_OK);
            QCOMPARE(sqliteOutcome(plain, create), QString("ok"));
            QCOMPARE(sqliteOutcome(plain, "INSERT INTO items VALUES (1, 2, 3, 'x')"), QString("ok"));
            sqlite3_close(plain);
        }
        const QString schemaBefore =
            test::plainSqlite(path, "SELECT type, name, sql FROM sqlite_schema ORDER BY name");
        {
            auto file = openFile(path);
            QVERIFY(file);
            auto f = file->connect("f");
            QCOMPARE(engineOutcome(*f, "INSERT INTO items VALUES (2, 'many', 1, 1)"),
                     QString("cannot store TEXT value in INT column items.qty"));
            MUST(*f, "INSERT INTO items VALUES (3, '4', 5, '6')");
            QCOMPARE(engineRows(*f,
                                "SELECT qty, typeof(qty), price, typeof(price), tag, typeof(tag) FROM items "
                                "WHERE id = 3"),
                     QString("4|integer|5.0|real|6|text"));
            MUST(*f, "PRAGMA wal_checkpoint");
        }
        QCOMPARE(test::plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(test::plainSqlite(path, "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE "
                                         "'%txscope%' ORDER BY name"),
                 schemaBefore);
        QCOMPARE(test::plainSqlite(path, "SELECT id, tag, typeof(tag) FROM items ORDER BY id"),
                 QString("1|x|text, 3|6|text"));
    }
};

QTEST_GUILESS_MAIN(TestMvccStrict)
#include "tst_mvcc_strict.moc"
