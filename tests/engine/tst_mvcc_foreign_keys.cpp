// FOREIGN KEY constraints on the MVCC engine (engine/sql/MvccForeignKeys.h,
// engine/mvcc/ForeignKeySchema.h). Every statement runs on the engine and on a plain SQLite 3.40.1
// handle with PRAGMA foreign_keys = ON; outcomes (ok or the error's message) and rows must be the
// same. Then what only the engine has: checks under the transaction's snapshot, the concurrent
// parent delete / child insert (both commit, as in Turso 0.7.2), durability and existing files.

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

class TestMvccForeignKeys : public QObject, public test::SideBySide
{
    Q_OBJECT

private slots:
    void init() { open(); }
    void cleanup() { close(); }

    void offByDefaultAsInSqlite()
    {
        both("CREATE TABLE p (id INTEGER PRIMARY KEY)");
        both("CREATE TABLE ch (id INTEGER PRIMARY KEY, pid INT REFERENCES p(id))");
        sameRows("PRAGMA foreign_keys");
        both("INSERT INTO ch VALUES (1, 99)"); // not enforced
        both("PRAGMA foreign_keys = ON");
        sameRows("PRAGMA foreign_keys");
        // An orphan made while off: an UPDATE that leaves its key alone is not checked.
        both("UPDATE ch SET id = id WHERE id = 1");
        both("UPDATE ch SET pid = 98 WHERE id = 1");
        both("PRAGMA foreign_keys = off");
        sameRows("PRAGMA foreign_keys");
    }

    void childAndParentChecksLikeSqlite()
    {
        both("PRAGMA foreign_keys = ON");
        both("CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT UNIQUE, a INT, b INT, UNIQUE (a, b))");
        both("CREATE TABLE ch (id INTEGER PRIMARY KEY, pid INT REFERENCES p, code TEXT REFERENCES p(code), "
             "x INT, y INT, FOREIGN KEY (x, y) REFERENCES p(a, b))");
        both("INSERT INTO p VALUES (1, 'one', 1, 1), (2, 'two', 2, 2)");
        both("INSERT INTO ch VALUES (1, 1, 'one', 1, 1)");
        both("INSERT INTO ch VALUES (2, 3, NULL, NULL, NULL)"); // no parent 3
        both("INSERT INTO ch VALUES (3, NULL, 'three', NULL, NULL)");
        both("INSERT INTO ch VALUES (4, NULL, NULL, 1, 2)");    // (1, 2) is no parent
        both("INSERT INTO ch VALUES (5, NULL, NULL, 1, NULL)"); // a NULL column references nothing
        both("INSERT INTO ch VALUES (6, 2, 'two', 2, 2), (7, 9, NULL, NULL, NULL)"); // one bad row: none
        sameRows("SELECT * FROM ch ORDER BY id");
        both("UPDATE ch SET pid = 2 WHERE id = 1");
        both("UPDATE ch SET pid = 5 WHERE id = 1");
        both("DELETE FROM p WHERE id = 1");             // ch 1 references 'one' and (1, 1)
        both("UPDATE p SET code = 'uno' WHERE id = 1"); // and by code
        both("UPDATE p SET code = 'one' WHERE id = 1"); // unchanged: fine
        both("DELETE FROM ch WHERE id = 1");
        both("DELETE FROM p WHERE id = 1");
        both("INSERT INTO p VALUES (1, 'one', 1, 1)");
        // Parent and child written by one statement, and a row that is its own parent.
        both("CREATE TABLE tree (id INTEGER PRIMARY KEY, up INT REFERENCES tree(id))");
        both("INSERT INTO tree VALUES (1, 1)");
        both("INSERT INTO tree VALUES (2, 3), (3, 2)");
        both("INSERT INTO tree VALUES (4, 5)");
        both("DELETE FROM tree WHERE id = 1");
        sameRows("SELECT * FROM tree ORDER BY id");
        sameRows("SELECT * FROM p ORDER BY id");
        // Errors of a key that names no parent key, or a table that is not there.
        both("CREATE TABLE bad (id INTEGER PRIMARY KEY, pa INT REFERENCES p(a))");
        both("INSERT INTO bad VALUES (1, 1)");
        both("CREATE TABLE lost (id INTEGER PRIMARY KEY, g INT REFERENCES ghost(id))");
        both("INSERT INTO lost VALUES (1, 1)");
        both("INSERT INTO lost VALUES (2, NULL)");
        sameRows("SELECT * FROM lost");
    }

    void actionsLikeSqlite()
    {
        both("PRAGMA foreign_keys = ON");
        both("CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT UNIQUE)");
        both("CREATE TABLE cascade (id INTEGER PRIMARY KEY, pid INT REFERENCES p ON DELETE CASCADE ON UPDATE "
             "CASCADE)");
        both("CREATE TABLE setnull (id INTEGER PRIMARY KEY, code TEXT REFERENCES p(code) ON DELETE SET NULL "
             "ON UPDATE SET NULL)");
        both("CREATE TABLE setdefault (id INTEGER PRIMARY KEY, pid INT DEFAULT 9 REFERENCES p(id) ON DELETE "
             "SET DEFAULT)");
        both("CREATE TABLE restrict_ (id INTEGER PRIMARY KEY, pid INT REFERENCES p(id) ON DELETE RESTRICT)");
        both("CREATE TABLE grandchild (id INTEGER PRIMARY KEY, cid INT REFERENCES cascade(id) ON DELETE "
             "CASCADE)");
        both("INSERT INTO p VALUES (1, 'a'), (2, 'b'), (3, 'c'), (9, 'nine')");
        both("INSERT INTO cascade VALUES (10, 1), (11, 1), (12, 2)");
        both("INSERT INTO grandchild VALUES (100, 10), (101, 12)");
        both("INSERT INTO setnull VALUES (20, 'a'), (21, 'b')");
        both("INSERT INTO setdefault VALUES (30, 1), (31, 3)");
        both("INSERT INTO restrict_ VALUES (40, 2)");
        both("DELETE FROM p WHERE id = 1"); // cascades twice, sets null, sets the default 9
        sameRows("SELECT * FROM cascade ORDER BY id");
        sameRows("SELECT * FROM grandchild ORDER BY id");
        sameRows("SELECT * FROM setnull ORDER BY id");
        sameRows("SELECT * FROM setdefault ORDER BY id");
        both("DELETE FROM p WHERE id = 2"); // restricted: nothing of it stays
        sameRows("SELECT * FROM cascade ORDER BY id");
        both("UPDATE p SET id = 20 WHERE id = 2"); // ON UPDATE CASCADE when the key itself moves
        both("DELETE FROM restrict_");
        both("UPDATE p SET id = 20 WHERE id = 2");
        sameRows("SELECT * FROM cascade ORDER BY id");
        both("UPDATE p SET code = 'B' WHERE id = 20");
        sameRows("SELECT * FROM setnull ORDER BY id");
        both("DELETE FROM p WHERE id = 9"); // SET DEFAULT to 9, which is going: fails
        both("DELETE FROM p WHERE id = 3"); // SET DEFAULT to 9, which is there
        sameRows("SELECT * FROM setdefault ORDER BY id");
        sameRows("SELECT * FROM p ORDER BY id");
        // A tree deleted from its root.
        both("CREATE TABLE tree (id INTEGER PRIMARY KEY, up INT REFERENCES tree ON DELETE CASCADE)");
        both("INSERT INTO tree VALUES (1, NULL), (2, 1), (3, 1), (4, 2), (5, 4), (6, NULL)");
        both("DELETE FROM tree WHERE id = 1");
        sameRows("SELECT * FROM tree ORDER BY id");
    }

    void deferredKeysAreCheckedAtCommit()
    {
        both("PRAGMA foreign_keys = ON");
        both("CREATE TABLE p (id INTEGER PRIMARY KEY)");
        both("CREATE TABLE ch (id INTEGER PRIMARY KEY, pid INT REFERENCES p(id) DEFERRABLE INITIALLY "
             "DEFERRED)");
        both("INSERT INTO ch VALUES (1, 1)"); // autocommit: checked at its commit
        both("BEGIN");
        both("INSERT INTO ch VALUES (1, 1)");
        both("INSERT INTO p VALUES (1)");
        both("COMMIT");
        both("BEGIN");
        both("INSERT INTO ch VALUES (2, 2)");
        both("COMMIT"); // fails, the transaction stays open
        both("INSERT INTO p VALUES (2)");
        both("COMMIT");
        both("BEGIN");
        both("DELETE FROM p WHERE id = 1");
        both("COMMIT");
        both("ROLLBACK");
        sameRows("SELECT * FROM ch ORDER BY id");
        sameRows("SELECT * FROM p ORDER BY id");
    }

    void checksReadTheTransactionsSnapshot()
    {
        MUST(*c, "PRAGMA foreign_keys = ON");
        MUST(*c, "CREATE TABLE p (id INTEGER PRIMARY KEY)");
        MUST(*c, "CREATE TABLE ch (id INTEGER PRIMARY KEY, pid INT REFERENCES p(id))");
        auto b = db->connect("b");
        MUST(*b, "PRAGMA foreign_keys = ON");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*b, "SELECT count(*) FROM p"); // fixes b's snapshot
        MUST(*c, "INSERT INTO p VALUES (1)");
        // The parent committed after b's snapshot: b does not see it.
        QCOMPARE(engineOutcome(*b, "INSERT INTO ch VALUES (1, 1)"), QString("FOREIGN KEY constraint failed"));
        MUST(*b, "ROLLBACK");
        MUST(*b, "INSERT INTO ch VALUES (1, 1)");
    }

    // Measured on Turso 0.7.2 in MVCC mode: T1 deletes a parent while T2 inserts a child of it, both
    // BEGIN CONCURRENT; both COMMITs succeed and the child is an orphan. TxScope does the same under
    // snapshot isolation (each check reads its own snapshot), and the orphan is there to see.
    void concurrentParentDeleteAndChildInsertBothCommit()
    {
        MUST(*c, "PRAGMA foreign_keys = ON");
        MUST(*c, "CREATE TABLE p (id INTEGER PRIMARY KEY)");
        MUST(*c, "CREATE TABLE ch (id INTEGER PRIMARY KEY, pid INT REFERENCES p(id))");
        MUST(*c, "INSERT INTO p VALUES (1)");
        auto b = db->connect("b");
        MUST(*b, "PRAGMA foreign_keys = ON");
        MUST(*c, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*c, "DELETE FROM p WHERE id = 1");
        MUST(*b, "INSERT INTO ch VALUES (10, 1)");
        MUST(*c, "COMMIT");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM p", "0");
        QCOMPARE_ROWS(*c, "SELECT ch.id FROM ch LEFT JOIN p ON p.id = ch.pid WHERE p.id IS NULL", "10");
    }

    // Under PRAGMA isolation = 'serializable' the checks' reads make the same pair a dangerous
    // structure: one of them fails with a conflict and no orphan is left.
    void serializableRefusesTheOrphan()
    {
        MUST(*c, "PRAGMA foreign_keys = ON");
        MUST(*c, "CREATE TABLE p (id INTEGER PRIMARY KEY)");
        MUST(*c, "CREATE TABLE ch (id INTEGER PRIMARY KEY, pid INT REFERENCES p(id))");
        MUST(*c, "INSERT INTO p VALUES (1)");
        auto b = db->connect("b");
        for (auto* conn : {c.get(), b.get()}) {
            MUST(*conn, "PRAGMA foreign_keys = ON");
            MUST(*conn, "PRAGMA isolation = 'serializable'");
            MUST(*conn, "BEGIN CONCURRENT");
        }
        MUST(*c, "DELETE FROM p WHERE id = 1");
        MUST(*b, "INSERT INTO ch VALUES (10, 1)");
        const bool first = c->execute("COMMIT").ok();
        const auto second = b->execute("COMMIT");
        QVERIFY(first != second.ok());
        if (!second.ok()) QCOMPARE(second.error->kind, ErrorKind::Conflict);
        auto check = db->connect("check");
        QCOMPARE_ROWS(*check, "SELECT count(*) FROM ch LEFT JOIN p ON p.id = ch.pid WHERE p.id IS NULL", "0");
    }

    void foreignKeysAreDurableAndWrittenBack()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("x.db");
        const char* child =
            "CREATE TABLE ch (id INTEGER PRIMARY KEY, pid INT REFERENCES p(id) ON DELETE CASCADE, "
            "k INT, FOREIGN KEY (k) REFERENCES p DEFERRABLE INITIALLY DEFERRED)";
        {
            auto file = test::openMvccFile(path.toStdString());
            QVERIFY(file);
            auto f = file->connect("f");
            MUST(*f, "CREATE TABLE p (id INTEGER PRIMARY KEY)");
            MUST(*f, child);
            MUST(*f, "INSERT INTO p VALUES (1), (2)");
            MUST(*f, "INSERT INTO ch VALUES (1, 1, NULL), (2, 2, 1)");
        }
        {
            auto file = test::openMvccFile(path.toStdString()); // recovered from the log
            QVERIFY(file);
            auto f = file->connect("f");
            MUST(*f, "PRAGMA foreign_keys = ON");
            QCOMPARE(engineOutcome(*f, "INSERT INTO ch VALUES (3, 7, NULL)"),
                     QString("FOREIGN KEY constraint failed"));
            MUST(*f, "DELETE FROM p WHERE id = 2"); // cascades
            QCOMPARE_ROWS(*f, "SELECT id FROM ch", "1");
            MUST(*f, "PRAGMA wal_checkpoint");
        }
        // The stock sqlite3 reads the same keys from the file.
        QCOMPARE(plainSqlite(
                     path, "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('ch') "
                           "ORDER BY id"),
                 QString("p|k|NULL|NO ACTION, p|pid|id|CASCADE"));
        QCOMPARE(plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(plainSqlite(path, "PRAGMA foreign_key_check"), QString(""));
        {
            auto file = test::openMvccFile(path.toStdString()); // from the file alone
            QVERIFY(file);
            auto f = file->connect("f");
            MUST(*f, "PRAGMA foreign_keys = ON");
            MUST(*f, "BEGIN");
            MUST(*f, "INSERT INTO ch VALUES (5, NULL, 8)");
            QCOMPARE(engineOutcome(*f, "COMMIT"), QString("FOREIGN KEY constraint failed"));
            MUST(*f, "ROLLBACK");
        }
    }

    void anExistingFilesForeignKeysAreTaken()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("app.db");
        {
            sqlite3* raw = nullptr;
            QCOMPARE(sqlite3_open(path.toUtf8().constData(), &raw), SQLITE_OK);
            QCOMPARE(test::sqliteOutcome(raw,
                                         "CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT);"
                                         "CREATE TABLE book (id INTEGER PRIMARY KEY, author_id INTEGER NOT "
                                         "NULL REFERENCES author(id) ON DELETE CASCADE);"
                                         "INSERT INTO author VALUES (1, 'a'), (2, 'b');"
                                         "INSERT INTO book VALUES (10, 1), (11, 2);"),
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
            MUST(*f, "PRAGMA foreign_keys = ON");
            QCOMPARE(engineOutcome(*f, "INSERT INTO book VALUES (12, 3)"),
                     QString("FOREIGN KEY constraint failed"));
            MUST(*f, "DELETE FROM author WHERE id = 1");
            QCOMPARE_ROWS(*f, "SELECT id FROM book", "11");
            MUST(*f, "PRAGMA wal_checkpoint");
        }
        QCOMPARE(plainSqlite(path, "SELECT type, name, sql FROM sqlite_schema WHERE tbl_name <> "
                                   "'__txscope_mvcc_meta' ORDER BY name"),
                 schemaBefore);
        QCOMPARE(plainSqlite(path, "SELECT group_concat(id) FROM book"), QString("11"));
        QCOMPARE(plainSqlite(path, "PRAGMA integrity_check"), QString("ok"));
    }
};

QTEST_GUILESS_MAIN(TestMvccForeignKeys)
#include "tst_mvcc_foreign_keys.moc"
