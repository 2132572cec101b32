// Which column is the rowid, and AUTOINCREMENT, on the MVCC engine, against SQLite itself.
//
// SQLite makes a column the rowid (its alias) only when it is the single PRIMARY KEY column
// declared exactly INTEGER and not a column constraint with DESC; every other PRIMARY KEY (INT,
// BIGINT, INTEGER PRIMARY KEY DESC) is a unique index beside the rowid, and its values need not
// be integers. Each slot runs the same statements on the MVCC engine and on a copy in stock
// SQLite, and compares what they read and what the file holds (rowid by rowid) after the
// checkpoint, with integrity_check ok and the schema text unchanged.
//
// AUTOINCREMENT: a rowid once handed out is never handed out again, also after the largest row is
// deleted, across a checkpoint, a reopen and an ALTER inside BEGIN; the file keeps the text and
// its sqlite_sequence holds what SQLite's would.

#include "support/PlainSqlite.h"
#include "support/TestDb.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace txs;

namespace {

using test::openFile;
using test::plainScript;
using test::schemaQuery;

// The same statement on the MVCC connection, in plainScript()'s form. Values print as SQLite prints
// them (a REAL 3.5 as 3.5), so the two compare as text.
QString onMvcc(Connection& c, const std::string& sql)
{
    auto r = c.execute(sql);
    if (!r.ok()) return "error: " + QString::fromStdString(r.error->message);
    return QString::fromStdString(r.rowsText());
}

// Every row of `table` with its rowid and its values' types, in rowid order.
std::string dump(const std::string& table, const std::string& columns)
{
    std::string typed;
    for (const auto& column : QString::fromStdString(columns).split(','))
        typed += ", typeof(" + column.trimmed().toStdString() + ")";
    return "SELECT rowid, " + columns + typed + " FROM " + table + " ORDER BY rowid";
}

// A user's file: integer-affinity keys SQLite does not take as the rowid, beside ones it does
// (INTEGER PRIMARY KEY, and PRIMARY KEY (id DESC) as a table constraint); ids unlike rowids, and
// values of other types in the INT key (SQLite keeps them).
const char* keysSchema =
    "CREATE TABLE users(id INT PRIMARY KEY, name TEXT);"
    "CREATE TABLE big(id BIGINT PRIMARY KEY, v TEXT);"
    "CREATE TABLE neg(id INTEGER PRIMARY KEY DESC, v TEXT);"
    "CREATE TABLE alias(id INTEGER, v TEXT, PRIMARY KEY (id DESC));"
    "CREATE TABLE posts(pid INTEGER PRIMARY KEY, author INT, title TEXT);"
    "INSERT INTO users VALUES (100, 'ann'), (200, 'bob'), ('x7', 'text key'), (3.5, 'real');"
    "INSERT INTO big VALUES (9000000000, 'a'), (-5, 'b');"
    "INSERT INTO neg VALUES (5, 'five'), (2, 'two');"
    "INSERT INTO alias VALUES (7, 'seven'), (3, 'three');"
    "INSERT INTO posts VALUES (1, 200, 'hello'), (2, 100, 'hi'), (3, 300, 'nobody');";

struct TableColumns
{
    const char* table;
    const char* columns;
};
const TableColumns keysTables[] = {{"users", "id, name"},
                                   {"big", "id, v"},
                                   {"neg", "id, v"},
                                   {"alias", "id, v"},
                                   {"posts", "pid, author, title"}};

} // namespace

class TestMvccOpenKeys : public QObject
{
    Q_OBJECT

    QTemporaryDir dir;
    QString path() const { return dir.filePath("app.db"); }
    QString reference() const { return dir.filePath("sqlite.db"); }

    // Runs `sql` on both (the MVCC connection and the stock SQLite copy) and compares the answers.
    void both(Connection& c, const std::string& sql)
    {
        const QString expected = plainScript(reference(), sql);
        QCOMPARE(onMvcc(c, sql), expected);
    }

private slots:
    void init()
    {
        for (const auto& name : QDir(dir.path()).entryList(QDir::Files | QDir::System))
            QFile::remove(dir.filePath(name));
    }

    void integerKeysThatAreNotTheRowidKeepTheirValues()
    {
        QCOMPARE(plainScript(path(), keysSchema), QString());
        QVERIFY(QFile::copy(path(), reference()));
        const QString schemaBefore = plainScript(path(), schemaQuery);
        {
            Error error;
            auto db = openFile(path(), &error);
            QVERIFY2(db, error.message.c_str());
            auto c = db->connect();
            // Reads: the ids as the file holds them, not the rowids.
            both(*c, "SELECT id, name FROM users ORDER BY id");
            both(*c, "SELECT id, typeof(id) FROM users ORDER BY rowid");
            both(*c, "SELECT rowid, id FROM big ORDER BY id");
            both(*c, "SELECT rowid, id, v FROM neg ORDER BY id");
            both(*c, "SELECT rowid, id, v FROM alias ORDER BY id");
            QCOMPARE(onMvcc(*c, "SELECT name FROM users WHERE id = 200"), QString("bob"));
            // A join on the key.
            both(*c, "SELECT p.title, u.name FROM posts p JOIN users u ON u.id = p.author ORDER BY p.pid");
            // Point writes by the key. (No insert follows the delete of a table's largest rowid:
            // SQLite would hand that rowid out again, the engine never does, as Turso.)
            const char* writes[] = {"UPDATE users SET name = 'Bob' WHERE id = 200",
                                    "DELETE FROM users WHERE id = 100",
                                    "INSERT INTO users VALUES (1, 'one')",
                                    "UPDATE users SET id = 300 WHERE name = 'Bob'",
                                    "UPDATE big SET v = 'A' WHERE id = 9000000000",
                                    "INSERT INTO neg VALUES (1, 'one')",
                                    "DELETE FROM neg WHERE id = 2",
                                    "UPDATE alias SET v = 'SEVEN' WHERE id = 7",
                                    "INSERT INTO alias VALUES (9, 'nine')"};
            for (const char* sql : writes) {
                const QString expected = plainScript(reference(), sql);
                QCOMPARE(onMvcc(*c, sql), expected);
            }
            both(*c, "SELECT p.title, u.name FROM posts p JOIN users u ON u.id = p.author ORDER BY p.pid");
            // Uniqueness, with SQLite's message.
            both(*c, "INSERT INTO users VALUES (300, 'dup')");
            both(*c, "INSERT INTO users VALUES ('x7', 'dup')");
            both(*c, "INSERT INTO big VALUES (-5, 'dup')");
            both(*c, "INSERT INTO neg VALUES (5, 'dup')");
            both(*c, "INSERT INTO alias VALUES (3, 'dup')");
            for (const auto& t : keysTables)
                both(*c, dump(t.table, t.columns));
            MUST(*c, "PRAGMA wal_checkpoint");
        }
        // The file, read by stock SQLite: row for row what SQLite itself holds.
        QCOMPARE(plainScript(path(), "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(plainScript(path(), schemaQuery), schemaBefore);
        for (const auto& t : keysTables)
            QCOMPARE(plainScript(path(), dump(t.table, t.columns)),
                     plainScript(reference(), dump(t.table, t.columns)));
        // And read back by the engine the same.
        auto db = openFile(path());
        QVERIFY(db);
        auto c = db->connect();
        for (const auto& t : keysTables)
            both(*c, dump(t.table, t.columns));
    }

    // Tables the engine creates follow the same rule: the file it writes reads the same in stock
    // SQLite as one SQLite wrote, and a row another program adds keeps its id.
    void tablesTheEngineCreatesFollowSqlitesRule()
    {
        const char* statements[] = {"CREATE TABLE u(id INT PRIMARY KEY, v TEXT)",
                                    "CREATE TABLE d(id INTEGER PRIMARY KEY DESC, v TEXT)",
                                    "CREATE TABLE a(id INTEGER PRIMARY KEY, v TEXT)",
                                    "INSERT INTO u VALUES (100, 'a'), (200, 'b')",
                                    "INSERT INTO d VALUES (50, 'a'), (40, 'b')",
                                    "INSERT INTO a VALUES (70, 'a'), (60, 'b')",
                                    "UPDATE u SET id = 150 WHERE id = 100"};
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto c = db->connect();
            for (const char* sql : statements) {
                const QString expected = plainScript(reference(), sql);
                QCOMPARE(onMvcc(*c, sql), expected);
            }
            both(*c, "INSERT INTO u VALUES (200, 'dup')");
            both(*c, "INSERT INTO d VALUES (40, 'dup')");
            both(*c, dump("u", "id, v"));
            both(*c, dump("d", "id, v"));
            both(*c, dump("a", "id, v"));
            MUST(*c, "PRAGMA wal_checkpoint");
        }
        QCOMPARE(plainScript(path(), "PRAGMA integrity_check"), QString("ok"));
        for (const char* t : {"u", "d", "a"})
            QCOMPARE(plainScript(path(), dump(t, "id, v")), plainScript(reference(), dump(t, "id, v")));
        // Another program adds a row: its rowid is SQLite's next, its id its own.
        const char* other = "INSERT INTO u VALUES (7, 'other')";
        QCOMPARE(plainScript(path(), other), plainScript(reference(), other));
        auto db = openFile(path());
        QVERIFY(db);
        auto c = db->connect();
        both(*c, dump("u", "id, v"));
        both(*c, "SELECT v FROM u WHERE id = 7");
    }

    // AUTOINCREMENT on a table the engine creates: never a rowid handed out before, the text
    // and sqlite_sequence in the file as SQLite keeps them, across checkpoint and reopen.
    void autoincrementNeverReusesARowid()
    {
        const char* create = "CREATE TABLE e(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)";
        QCOMPARE(plainScript(reference(), create), QString());
        const char* first[] = {"INSERT INTO e(v) VALUES ('a'), ('b'), ('c')", "DELETE FROM e WHERE id = 3",
                               "INSERT INTO e(v) VALUES ('d')", "DELETE FROM e WHERE id = 4"};
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto c = db->connect();
            MUST(*c, create);
            for (const char* sql : first)
                QCOMPARE(onMvcc(*c, sql), plainScript(reference(), sql));
            both(*c, "SELECT * FROM e");
            MUST(*c, "PRAGMA wal_checkpoint");
        }
        QCOMPARE(plainScript(path(), "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(plainScript(path(), "SELECT sql LIKE '%AUTOINCREMENT%' FROM sqlite_schema WHERE name = 'e'"),
                 QString("1"));
        QCOMPARE(plainScript(path(), "SELECT * FROM sqlite_sequence"),
                 plainScript(reference(), "SELECT * FROM sqlite_sequence"));
        // Reopened from the checkpointed file, then from the log alone (the largest row deleted
        // since the checkpoint).
        const char* second[] = {"INSERT INTO e(v) VALUES ('e')", "INSERT INTO e(v) VALUES ('f')",
                                "DELETE FROM e WHERE id = 6"};
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto c = db->connect();
            for (const char* sql : second)
                QCOMPARE(onMvcc(*c, sql), plainScript(reference(), sql));
            both(*c, "SELECT * FROM e");
        }
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto c = db->connect();
            const char* sql = "INSERT INTO e(v) VALUES ('g')";
            QCOMPARE(onMvcc(*c, sql), plainScript(reference(), sql));
            both(*c, "SELECT * FROM e");
            MUST(*c, "PRAGMA wal_checkpoint");
        }
        QCOMPARE(plainScript(path(), "SELECT * FROM sqlite_sequence"),
                 plainScript(reference(), "SELECT * FROM sqlite_sequence"));
        QCOMPARE(plainScript(path(), dump("e", "id, v")), plainScript(reference(), dump("e", "id, v")));
    }

    // A table taken from a file keeps AUTOINCREMENT and its sequence through an ALTER inside
    // BEGIN, which rebuilds it.
    void autoincrementOfAFileTableSurvivesAnAlterInsideBegin()
    {
        const char* schema = "CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);"
                             "INSERT INTO t(v) VALUES ('a'), ('b'), ('c'), ('d'), ('e');"
                             "DELETE FROM t WHERE id >= 4;";
        QCOMPARE(plainScript(path(), schema), QString());
        QVERIFY(QFile::copy(path(), reference()));
        const char* statements[] = {
            "INSERT INTO t(v) VALUES ('f')",       "BEGIN",  "ALTER TABLE t ADD COLUMN w INT",
            "INSERT INTO t(v, w) VALUES ('g', 1)", "COMMIT", "DELETE FROM t WHERE id = 7"};
        {
            Error error;
            auto db = openFile(path(), &error);
            QVERIFY2(db, error.message.c_str());
            auto c = db->connect();
            // The reference runs each in its own transaction (plainScript() is one connection a call).
            for (const char* sql : statements) {
                if (std::string(sql) == "BEGIN" || std::string(sql) == "COMMIT") {
                    MUST(*c, sql);
                    continue;
                }
                const QString expected = plainScript(reference(), sql);
                QCOMPARE(onMvcc(*c, sql), expected);
            }
            MUST(*c, "PRAGMA wal_checkpoint");
        }
        QCOMPARE(plainScript(path(), "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(plainScript(path(), "SELECT sql LIKE '%AUTOINCREMENT%' FROM sqlite_schema WHERE name = 't'"),
                 QString("1"));
        QCOMPARE(plainScript(path(), "SELECT * FROM sqlite_sequence"),
                 plainScript(reference(), "SELECT * FROM sqlite_sequence"));
        QCOMPARE(plainScript(path(), dump("t", "id, v, w")), plainScript(reference(), dump("t", "id, v, w")));
        auto db = openFile(path());
        QVERIFY(db);
        auto c = db->connect();
        const char* sql = "INSERT INTO t(v) VALUES ('h')";
        QCOMPARE(onMvcc(*c, sql), plainScript(reference(), sql));
        both(*c, dump("t", "id, v, w"));
    }

    // Two BEGIN CONCURRENT inserts both take a next rowid: distinct ones, and both commit, as on
    // Turso 0.7.2 MVCC (5 and 6 there too); the sequence then holds the larger.
    void concurrentInsertsTakeDistinctRowids()
    {
        auto db = openFile(path());
        QVERIFY(db);
        auto a = db->connect();
        auto b = db->connect();
        MUST(*a, "CREATE TABLE e(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)");
        MUST(*a, "INSERT INTO e(v) VALUES ('x')");
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*a, "INSERT INTO e(v) VALUES ('a')");
        MUST(*b, "INSERT INTO e(v) VALUES ('b')");
        MUST(*a, "COMMIT");
        MUST(*b, "COMMIT");
        QCOMPARE_ROWS(*a, "SELECT id, v FROM e ORDER BY id", "1|x, 2|a, 3|b");
        MUST(*a, "DELETE FROM e WHERE id = 3");
        MUST(*a, "PRAGMA wal_checkpoint");
        QCOMPARE(plainScript(path(), "SELECT * FROM sqlite_sequence"), QString("e|3"));
        // The connection's sqlite_sequence (its schema mirror's, docs/engine.md) says the same.
        QCOMPARE(onMvcc(*a, "SELECT * FROM sqlite_sequence"), QString("e|3"));
    }
};

QTEST_GUILESS_MAIN(TestMvccOpenKeys)
#include "tst_mvcc_open_keys.moc"
