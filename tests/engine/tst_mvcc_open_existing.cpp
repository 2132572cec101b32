// An existing SQLite database opened in MVCC mode: its tables and indexes (integer, TEXT and
// composite keys, UNIQUE, secondary indexes) are loaded, none ignored; what the engine cannot take
// (WITHOUT ROWID, generated columns, expression indexes ...) is refused naming each object with the file
// unchanged; only reading leaves the file byte for byte; the checkpoint writes back a file the
// stock SQLite reads with integrity_check ok and its schema unchanged; commits not yet
// checkpointed are recovered into the taken tables.

#include "support/PlainSqlite.h"
#include "support/TestDb.h"

#include <QCryptographicHash>
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

QByteArray sha256(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly)
               ? QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex()
               : QByteArray();
}

// The schema a user's application made: integer, TEXT and composite keys, UNIQUE columns, a
// multi-column index, a DESC index, AUTOINCREMENT.
const char* appSchema =
    "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT);"
    "CREATE TABLE products (sku TEXT PRIMARY KEY, title TEXT, price REAL DEFAULT 0);"
    "CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, customer INTEGER NOT NULL, "
    "placed TEXT);"
    "CREATE INDEX orders_by_customer ON orders(customer, placed DESC);"
    "CREATE TABLE order_lines (order_id INTEGER, line INTEGER, sku TEXT, qty INTEGER, "
    "PRIMARY KEY (order_id, line));"
    "CREATE UNIQUE INDEX products_title ON products(title);"
    "INSERT INTO customers VALUES (1, 'ann@example.org', 'Ann'), (2, 'bob@example.org', 'Bob');"
    "INSERT INTO products VALUES ('A-1', 'lamp', 12.5), ('B-2', 'desk', 99);"
    "INSERT INTO orders(customer, placed) VALUES (1, '2026-01-02'), (2, '2026-01-03');"
    "INSERT INTO order_lines VALUES (1, 1, 'A-1', 2), (1, 2, 'B-2', 1), (2, 1, 'A-1', 5);";

} // namespace

class TestMvccOpenExisting : public QObject
{
    Q_OBJECT

    QTemporaryDir dir;
    QString path() const { return dir.filePath("app.db"); }
    QString logPath() const { return dir.filePath("app.db-log"); }

private slots:
    void init()
    {
        for (const auto& name : QDir(dir.path()).entryList(QDir::Files | QDir::System))
            QFile::remove(dir.filePath(name));
    }

    void tablesAndIndexesAreLoaded()
    {
        QCOMPARE(plainScript(path(), appSchema), QString());
        const QByteArray before = sha256(path());
        {
            Error error;
            auto db = openFile(path(), &error);
            QVERIFY2(db, error.message.c_str());
            auto c = db->connect();
            QCOMPARE_ROWS(*c, "SELECT id, email FROM customers ORDER BY id",
                          "1|ann@example.org, 2|bob@example.org");
            QCOMPARE_ROWS(*c, "SELECT sku, price FROM products ORDER BY sku", "A-1|12.5, B-2|99.0");
            QCOMPARE_ROWS(*c, "SELECT sum(qty) FROM order_lines", "8");
            QCOMPARE_ROWS(*c, "SELECT id FROM orders WHERE customer = 2", "2");
            // The file's indexes are the engine's: used by the planner, and enforced.
            QVERIFY(test::queryPlan(*c, "SELECT id FROM orders WHERE customer = 2").contains("INDEX"));
            QVERIFY(!c->execute("INSERT INTO customers VALUES (3, 'ann@example.org', 'Another')").ok());
            QVERIFY(!c->execute("INSERT INTO products VALUES ('C-3', 'lamp', 1)").ok());
            QVERIFY(!c->execute("INSERT INTO order_lines VALUES (1, 2, 'A-1', 9)").ok());
        }
        // Only read: the file is as it was, and no log appeared.
        QCOMPARE(sha256(path()), before);
        QVERIFY(!QFile::exists(logPath()));
    }

    void checkpointWritesBackASoundFileWithItsSchema()
    {
        QCOMPARE(plainScript(path(), appSchema), QString());
        const QString schemaBefore = plainScript(path(), schemaQuery);
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto c = db->connect();
            MUST(*c, "INSERT INTO customers VALUES (3, 'cy@example.org', 'Cy')");
            MUST(*c, "UPDATE products SET price = 15 WHERE sku = 'A-1'");
            MUST(*c, "DELETE FROM order_lines WHERE order_id = 2");
            MUST(*c, "INSERT INTO orders(customer, placed) VALUES (3, '2026-02-01')");
            MUST(*c, "PRAGMA wal_checkpoint");
        }
        QCOMPARE(plainScript(path(), "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(plainScript(path(), schemaQuery), schemaBefore);
        QCOMPARE(plainScript(path(), "SELECT id, name FROM customers ORDER BY id"),
                 QString("1|Ann, 2|Bob, 3|Cy"));
        QCOMPARE(plainScript(path(), "SELECT price FROM products WHERE sku = 'A-1'"), QString("15.0"));
        QCOMPARE(plainScript(path(), "SELECT count(*) FROM order_lines"), QString("2"));
        QCOMPARE(plainScript(path(), "SELECT customer FROM orders WHERE id = 3"), QString("3"));
        // Reopened: the tables are the engine's now, recorded; nothing is refused.
        auto db = openFile(path());
        QVERIFY(db);
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM customers", "3");
    }

    void commitsInTheLogAreRecoveredIntoTheTakenTables()
    {
        QCOMPARE(plainScript(path(), appSchema), QString());
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto c = db->connect();
            MUST(*c, "INSERT INTO products VALUES ('C-3', 'chair', 40)");
            MUST(*c, "CREATE INDEX customers_by_name ON customers(name)");
        }
        QVERIFY(QFile::exists(logPath()));
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto c = db->connect();
            QCOMPARE_ROWS(*c, "SELECT title FROM products WHERE sku = 'C-3'", "chair");
            QVERIFY(!c->execute("INSERT INTO products VALUES ('D-4', 'chair', 1)").ok());
            // An index another program adds to a table the engine now holds is taken as well.
        }
        QCOMPARE(plainScript(path(), "CREATE INDEX products_by_price ON products(price)"), QString());
        auto db = openFile(path());
        QVERIFY(db);
        auto c = db->connect();
        QVERIFY(test::queryPlan(*c, "SELECT sku FROM products WHERE price = 40").contains("INDEX"));
        QCOMPARE_ROWS(*c, "SELECT sku FROM products WHERE price = 40", "C-3");
        MUST(*c, "PRAGMA wal_checkpoint");
        QCOMPARE(plainScript(path(), "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(
            plainScript(path(),
                        "SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'customers_by%'"),
            QString("customers_by_name"));
    }

    void aDroppedTableLeavesTheFile()
    {
        QCOMPARE(plainScript(path(), appSchema), QString());
        {
            auto db = openFile(path());
            auto c = db->connect();
            MUST(*c, "DROP TABLE order_lines");
            MUST(*c, "PRAGMA wal_checkpoint");
        }
        QCOMPARE(plainScript(path(), "SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'order_lines'"),
                 QString("0"));
        QCOMPARE(plainScript(path(), "PRAGMA integrity_check"), QString("ok"));
    }

    // CHECK constraints and column collations are taken since the engine enforces them itself.
    void aTableWithChecksAndCollationsIsTakenAndEnforced()
    {
        QCOMPARE(plainScript(path(), "CREATE TABLE checked (id INTEGER PRIMARY KEY, n INTEGER CHECK (n > 0), "
                                     "name TEXT COLLATE NOCASE);"
                                     "INSERT INTO checked VALUES (1, 5, 'Ada');"),
                 QString());
        {
            Error error;
            auto db = openFile(path(), &error);
            QVERIFY2(db, error.message.c_str());
            auto c = db->connect();
            QVERIFY(!c->execute("INSERT INTO checked VALUES (2, -1, 'x')").ok());
            MUST(*c, "INSERT INTO checked VALUES (3, 7, 'bob')");
            const auto r = c->execute("SELECT count(*) FROM checked WHERE name = 'ADA'");
            QVERIFY(r.ok());
            QCOMPARE(r.rowsText(), std::string("1"));
            MUST(*c, "PRAGMA wal_checkpoint");
        }
        QCOMPARE(plainScript(path(), "SELECT group_concat(id) FROM checked"), QString("1,3"));
        QCOMPARE(plainScript(path(), "PRAGMA integrity_check"), QString("ok"));
    }

    void whatCannotBeTakenIsRefusedNamedAndUnchanged()
    {
        QCOMPARE(plainScript(path(),
                             "CREATE TABLE ok (id INTEGER PRIMARY KEY, v TEXT);"
                             "CREATE TABLE wr (k TEXT PRIMARY KEY, v) WITHOUT ROWID;"
                             "CREATE TABLE derived (a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2));"
                             "CREATE VIEW recent AS SELECT * FROM ok;"
                             "CREATE TRIGGER ok_log AFTER INSERT ON ok BEGIN SELECT 1; END;"
                             "CREATE INDEX ok_expr ON ok(lower(v));"),
                 QString());
        const QByteArray before = sha256(path());
        Error error;
        QVERIFY(!openFile(path(), &error));
        const QString message = QString::fromStdString(error.message);
        for (const char* name : {"table wr", "table derived"})
            QVERIFY2(message.contains(name), qPrintable(message));
        QVERIFY2(!message.contains("ok_expr"), qPrintable(message));     // indexes on expressions are taken
        QVERIFY2(!message.contains("view recent"), qPrintable(message)); // views are taken
        QVERIFY2(!message.contains("trigger ok_log"), qPrintable(message)); // and triggers
        QVERIFY2(!message.contains("table ok "), qPrintable(message));
        QCOMPARE(sha256(path()), before);
        QVERIFY(!QFile::exists(logPath()));
    }
};

QTEST_GUILESS_MAIN(TestMvccOpenExisting)
#include "tst_mvcc_open_existing.moc"
