// A plain INSERT into an MVCC table encodes its row straight from SQLite's values
// (MvccVirtualTableWrites.cpp, insertDirect); a table with a CHECK, a unique index, STRICT or a
// trigger still takes the general path through a Row. Both must store, log, recover and
// checkpoint the same values with the same types as real SQLite (3.40.1) stores them, and keep
// every constraint, conflict and rollback rule.

#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"
#include "support/PlainSqlite.h"
#include "support/TestDb.h"

#include <QFile>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>
#include <map>

using namespace txs;
using test::errorOf;

namespace {

// Each value inserted into every column of
// x (id INTEGER PRIMARY KEY, i INTEGER, t TEXT, r REAL, n NUMERIC, b BLOB, a).
const char* const kValues[] = {"NULL",
                               "0",
                               "1",
                               "-1",
                               "127",
                               "128",
                               "-129",
                               "32768",
                               "8388608",
                               "2147483648",
                               "140737488355328",
                               "9223372036854775807",
                               "-9223372036854775808",
                               "1.0",
                               "1.5",
                               "-2.0",
                               "1e300",
                               "0.1",
                               "'42'",
                               "' 42 '",
                               "'4.0'",
                               "'1e3'",
                               "'0x10'",
                               "'abc'",
                               "''",
                               "'9223372036854775808'",
                               "'-7.25'",
                               "'12abc'",
                               "x''",
                               "x'00ff'",
                               "'sixteen chars ok'",
                               "'fifteen chars!!'"};

// What real SQLite 3.40.1 stores for them, "typeof:quote" per column i|t|r|n|b|a: the output of
// python3's sqlite3 module on an ordinary table of the same schema and inserts.
const char* const kSqliteStores[] = {
    "null:NULL|null:NULL|null:NULL|null:NULL|null:NULL|null:NULL",
    "integer:0|text:'0'|real:0.0|integer:0|integer:0|integer:0",
    "integer:1|text:'1'|real:1.0|integer:1|integer:1|integer:1",
    "integer:-1|text:'-1'|real:-1.0|integer:-1|integer:-1|integer:-1",
    "integer:127|text:'127'|real:127.0|integer:127|integer:127|integer:127",
    "integer:128|text:'128'|real:128.0|integer:128|integer:128|integer:128",
    "integer:-129|text:'-129'|real:-129.0|integer:-129|integer:-129|integer:-129",
    "integer:32768|text:'32768'|real:32768.0|integer:32768|integer:32768|integer:32768",
    "integer:8388608|text:'8388608'|real:8388608.0|integer:8388608|integer:8388608|integer:8388608",
    "integer:2147483648|text:'2147483648'|real:2147483648.0|integer:2147483648|integer:2147483648|integer:"
    "2147483648",
    "integer:140737488355328|text:'140737488355328'|real:140737488355328.0|integer:140737488355328|integer:"
    "140737488355328|integer:140737488355328",
    "integer:9223372036854775807|text:'9223372036854775807'|real:9.2233720368547758078e+18|integer:"
    "9223372036854775807|integer:9223372036854775807|integer:9223372036854775807",
    "integer:-9223372036854775808|text:'-9223372036854775808'|real:-9.2233720368547758078e+18|integer:"
    "-9223372036854775808|integer:-9223372036854775808|integer:-9223372036854775808",
    "integer:1|text:'1.0'|real:1.0|integer:1|real:1.0|real:1.0",
    "real:1.5|text:'1.5'|real:1.5|real:1.5|real:1.5|real:1.5",
    "integer:-2|text:'-2.0'|real:-2.0|integer:-2|real:-2.0|real:-2.0",
    "real:1.0e+300|text:'1.0e+300'|real:1.0e+300|real:1.0e+300|real:1.0e+300|real:1.0e+300",
    "real:0.1|text:'0.1'|real:0.1|real:0.1|real:0.1|real:0.1",
    "integer:42|text:'42'|real:42.0|integer:42|text:'42'|text:'42'",
    "integer:42|text:' 42 '|real:42.0|integer:42|text:' 42 '|text:' 42 '",
    "integer:4|text:'4.0'|real:4.0|integer:4|text:'4.0'|text:'4.0'",
    "integer:1000|text:'1e3'|real:1000.0|integer:1000|text:'1e3'|text:'1e3'",
    "text:'0x10'|text:'0x10'|text:'0x10'|text:'0x10'|text:'0x10'|text:'0x10'",
    "text:'abc'|text:'abc'|text:'abc'|text:'abc'|text:'abc'|text:'abc'",
    "text:''|text:''|text:''|text:''|text:''|text:''",
    "real:9.2233720368547758078e+18|text:'9223372036854775808'|real:9.2233720368547758078e+18|real:"
    "9.2233720368547758078e+18|text:'9223372036854775808'|text:'9223372036854775808'",
    "real:-7.25|text:'-7.25'|real:-7.25|real:-7.25|text:'-7.25'|text:'-7.25'",
    "text:'12abc'|text:'12abc'|text:'12abc'|text:'12abc'|text:'12abc'|text:'12abc'",
    "blob:X''|blob:X''|blob:X''|blob:X''|blob:X''|blob:X''",
    "blob:X'00FF'|blob:X'00FF'|blob:X'00FF'|blob:X'00FF'|blob:X'00FF'|blob:X'00FF'",
    "text:'sixteen chars ok'|text:'sixteen chars ok'|text:'sixteen chars ok'|text:'sixteen chars ok'|text:"
    "'sixteen chars ok'|text:'sixteen chars ok'",
    "text:'fifteen chars!!'|text:'fifteen chars!!'|text:'fifteen chars!!'|text:'fifteen "
    "chars!!'|text:'fifteen "
    "chars!!'|text:'fifteen chars!!'"};

static_assert(std::size(kValues) == std::size(kSqliteStores));

// The general path's twin of x: CHECK (1) makes every row go through the row mirror, so through a Row.
const char* const kDirect = "CREATE TABLE x (id INTEGER PRIMARY KEY, i INTEGER, t TEXT, r REAL, n NUMERIC, "
                            "b BLOB, a)";
const char* const kGeneral = "CREATE TABLE g (id INTEGER PRIMARY KEY, i INTEGER, t TEXT, r REAL, n NUMERIC, "
                             "b BLOB, a, CHECK (1))";

const char* const kStoredQuery =
    "SELECT typeof(i) || ':' || quote(i) || '|' || typeof(t) || ':' || quote(t) || '|' || typeof(r) || ':' "
    "|| "
    "quote(r) || '|' || typeof(n) || ':' || quote(n) || '|' || typeof(b) || ':' || quote(b) || '|' || "
    "typeof(a) || ':' || quote(a) FROM %1 ORDER BY id";

// The rows of `sql` as QCOMPARE_ROWS formats them, or the error.
QString rowsOf(Connection& c, const std::string& sql)
{
    const auto r = c.execute(sql);
    return r.ok() ? QString::fromStdString(r.rowsText()) : "error: " + errorOf(r);
}

QString expectedStores()
{
    QStringList rows;
    for (const char* row : kSqliteStores)
        rows << QString::fromUtf8(row);
    return rows.join(", ");
}

void insertEveryValue(Connection& c, const char* table)
{
    for (const char* v : kValues)
        MUST(c, QString("INSERT INTO %1 (i, t, r, n, b, a) VALUES (%2, %2, %2, %2, %2, %2)")
                    .arg(table, v)
                    .toStdString());
}

QString stored(Connection& c, const char* table)
{
    return rowsOf(c, QString(kStoredQuery).arg(table).toStdString());
}

} // namespace

class TestMvccDirectInsert : public QObject
{
    Q_OBJECT

    QTemporaryDir dir;
    QString path() const { return dir.filePath("x.db"); }

private slots:
    void init()
    {
        QFile::remove(path());
        QFile::remove(path() + "-log");
    }

    // Every value type and affinity through both paths, as SQLite stores it; then the same read
    // back after the log is replayed, and from the file after a checkpoint, by plain SQLite.
    void valuesAsSqliteStoresThem()
    {
        const QString expected = expectedStores();
        {
            auto db = test::openFile(path());
            QVERIFY(db);
            auto c = db->connect();
            MUST(*c, kDirect);
            MUST(*c, kGeneral);
            insertEveryValue(*c, "x");
            insertEveryValue(*c, "g");
            QCOMPARE(stored(*c, "x"), expected);
            QCOMPARE(stored(*c, "g"), expected);
            // A long text and a long blob, each with a byte SQLite's text functions stop at.
            MUST(*c, "INSERT INTO x (id, t, b) VALUES (1000, printf('%.70000c', 'y') || char(0) || 'z', "
                     "CAST(zeroblob(70000) || x'01' AS BLOB))");
            QCOMPARE_ROWS(
                *c,
                "SELECT length(CAST(t AS BLOB)), typeof(t), length(b), typeof(b), hex(substr(b, -1)) "
                "FROM x WHERE id = 1000",
                "70002|text|70001|blob|01"); // as python3's sqlite3 gives
            // A zeroblob is expanded, an empty one stays a blob (python3's sqlite3: X'000000', X'').
            MUST(*c, "INSERT INTO x (id, b, a) VALUES (1001, zeroblob(3), zeroblob(0))");
            QCOMPARE_ROWS(*c, "SELECT quote(b), typeof(a), quote(a) FROM x WHERE id = 1001",
                          "X'000000'|blob|X''");
        }
        QVERIFY(QFile::exists(path() + "-log"));
        {
            auto db = test::openFile(path()); // the log replayed
            QVERIFY(db);
            auto c = db->connect();
            QCOMPARE(stored(*c, "x WHERE id < 1000"), expected);
            QCOMPARE(stored(*c, "g"), expected);
            QCOMPARE_ROWS(*c, "SELECT length(CAST(t AS BLOB)), length(b) FROM x WHERE id = 1000",
                          "70002|70001");
            QVERIFY(c->execute("PRAGMA wal_checkpoint").ok());
        }
        // (x'' came back NULL from the checkpoint until its bind of an empty blob was fixed.)
        QCOMPARE(
            test::plainSqlite(path(), QString(kStoredQuery).arg("x WHERE id < 1000").toUtf8().constData()),
            expected);
        QCOMPARE(test::plainSqlite(path(), QString(kStoredQuery).arg("g").toUtf8().constData()), expected);
        // The long values and the zeroblobs too: the checkpoint binds them from the record.
        QCOMPARE(test::plainSqlite(
                     path(), "SELECT length(CAST(t AS BLOB)), typeof(t), hex(substr(CAST(t AS BLOB), "
                             "69999)), length(b), typeof(b), hex(substr(b, -2)) FROM x WHERE id = 1000"),
                 QString("70002|text|7979007A|70001|blob|0001"));
        QCOMPARE(test::plainSqlite(path(), "SELECT quote(b), typeof(a), quote(a) FROM x WHERE id = 1001"),
                 QString("X'000000'|blob|X''"));
    }

    // Text keeps its characters whatever encoding the front end's database was given (the direct
    // path reads a UTF-8 database's bytes as they are, and asks SQLite for UTF-8 otherwise).
    void textInEitherEncoding_data()
    {
        QTest::addColumn<QString>("pragma");
        QTest::newRow("default") << QString();
        QTest::newRow("utf-16le") << QString("PRAGMA encoding = 'UTF-16le'");
    }

    void textInEitherEncoding()
    {
        QFETCH(QString, pragma);
        auto db = test::openMvcc();
        auto c = db->connect();
        if (!pragma.isEmpty()) c->execute(pragma.toStdString()); // accepted or not, the text must survive
        MUST(*c, kDirect);
        MUST(*c, "INSERT INTO x (id, t, a) VALUES (1, 'grüße, 東京', 'ä' || printf('%d', 5))");
        QCOMPARE_ROWS(*c, "SELECT t, length(t), a, typeof(a), unicode(substr(t, 8, 1)) FROM x",
                      "grüße, 東京|9|ä5|text|26481");
    }

    // INSERT ... SELECT of many rows (the bulk load's shape) stores what the general path stores.
    void insertSelectAgreesWithTheGeneralPath()
    {
        auto db = test::openMvcc();
        auto c = db->connect();
        MUST(*c, kDirect);
        MUST(*c, kGeneral);
        const char* select =
            "SELECT NULL, k, k % 7, k * 0.5, CASE k % 4 WHEN 0 THEN 'text' WHEN 1 THEN k || '' WHEN 2 THEN "
            "x'0102' ELSE NULL END, printf('payload of row %010d', k), CASE WHEN k % 3 = 0 THEN k * 1.0 ELSE "
            "printf('%.*c', k % 40, 'p') END FROM (WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 "
            "FROM "
            "s WHERE k < 2000) SELECT k FROM s)";
        MUST(*c, std::string("INSERT INTO x ") + select);
        MUST(*c, std::string("INSERT INTO g ") + select);
        const char* dump =
            "SELECT count(*), sum(id), group_concat(typeof(i) || typeof(t) || typeof(r) || typeof(n) "
            "|| typeof(b) || typeof(a), ''), group_concat(quote(i) || quote(t) || quote(r) || "
            "quote(n) || quote(b) || quote(a), '') FROM (SELECT * FROM %1 ORDER BY id)";
        const QString direct = rowsOf(*c, QString(dump).arg("x").toStdString());
        QCOMPARE(direct, rowsOf(*c, QString(dump).arg("g").toStdString()));
        QVERIFY(direct.startsWith("2000|2001000|"));
    }

    // The trace's VersionCreated text of a row inserted directly (its values read from the
    // record, MvccStore::emitVersionCreated) is the text of the same row through a Row: every
    // value kind, rows of numbers (stored as values, rendered when read) and rows with texts and
    // blobs, a row past the cut, and UPDATEs of each (which write a new version from a Row).
    void theTraceShowsEachRowAsTheGeneralPathDoes()
    {
        auto trace = std::make_shared<TraceLog>();
        auto db = test::openMvcc(trace);
        auto c = db->connect();
        MUST(*c, kDirect);
        MUST(*c, kGeneral);
        insertEveryValue(*c, "x");
        insertEveryValue(*c, "g");
        for (const char* table : {"x", "g"}) {
            MUST(*c, QString("INSERT INTO %1 (i, r, a) VALUES (7, 2.5, NULL), (-1, NULL, 3)")
                         .arg(table)
                         .toStdString());
            MUST(*c, QString("INSERT INTO %1 VALUES (1000, %2)")
                         .arg(table, QString("'%1', ").arg(QString(40, 'w')).repeated(5) + "1")
                         .toStdString());
            MUST(*c, QString("UPDATE %1 SET i = i + 1 WHERE id % 5 = 0").arg(table).toStdString());
        }
        QStringList direct, general;
        // x's versions come first (each table's first version tells which is which).
        std::map<std::uint32_t, QStringList*> byTable;
        for (const Event& e : trace->snapshot()) {
            if (e.kind != EventKind::VersionCreated) continue;
            if (!byTable.count(e.table)) byTable[e.table] = byTable.empty() ? &direct : &general;
            *byTable[e.table] << QString::fromStdString(e.text);
        }
        QCOMPARE(byTable.size(), std::size_t(2));
        QCOMPARE(direct.size(), int(std::size(kValues)) + 3 + 7);
        QCOMPARE(direct, general);
        QCOMPARE(direct.at(0), QString("1|NULL|NULL|NULL|NULL|NULL|NULL"));
        QCOMPARE(direct.at(int(std::size(kValues))),
                 QString("%1|7|NULL|2.5|NULL|NULL|NULL").arg(std::size(kValues) + 1));
        QVERIFY(direct.at(int(std::size(kValues)) + 2).endsWith("..."));
    }

    // The key: given (as SQLite converts it), NULL (one more than the largest), or refused.
    void keysAsSqliteGivesThem()
    {
        auto db = test::openMvcc();
        auto c = db->connect();
        MUST(*c, kDirect);
        MUST(*c, "CREATE TABLE h (v)"); // a hidden rowid
        MUST(*c, "INSERT INTO x (id, i) VALUES ('5', 1), (7.0, 2), (NULL, 3)");
        QCOMPARE_ROWS(*c, "SELECT id, typeof(id), i FROM x ORDER BY id",
                      "5|integer|1, 7|integer|2, 8|integer|3");
        auto r = c->execute("INSERT INTO x (id) VALUES (7.5)");
        QVERIFY(!r.ok());
        QCOMPARE(errorOf(r), QString("datatype mismatch"));
        r = c->execute("INSERT INTO x (id) VALUES ('abc')");
        QVERIFY(!r.ok());
        QCOMPARE(errorOf(r), QString("datatype mismatch"));
        MUST(*c, "INSERT INTO h VALUES ('a'), ('b')");
        MUST(*c, "INSERT INTO h (rowid, v) VALUES (10, 'c')");
        MUST(*c, "INSERT INTO h VALUES ('d')");
        QCOMPARE_ROWS(*c, "SELECT rowid, v FROM h ORDER BY rowid", "1|a, 2|b, 10|c, 11|d");
        QCOMPARE_ROWS(*c, "SELECT last_insert_rowid()", "11");
    }

    // NOT NULL, the key's uniqueness under each OR clause, and a failed INSERT ... SELECT leaving
    // none of its rows, as SQLite.
    void constraintsAndConflictClauses()
    {
        auto db = test::openMvcc();
        auto c = db->connect();
        MUST(*c, "CREATE TABLE k (id INTEGER PRIMARY KEY, v TEXT NOT NULL, w TEXT NOT NULL DEFAULT 'dflt')");
        MUST(*c, "INSERT INTO k VALUES (1, 'one', 'w1')");
        auto r = c->execute("INSERT INTO k VALUES (2, NULL, 'w')");
        QVERIFY(!r.ok());
        QCOMPARE(errorOf(r), QString("NOT NULL constraint failed: k.v"));
        MUST(*c, "INSERT OR IGNORE INTO k VALUES (2, NULL, 'w')");
        MUST(*c, "INSERT OR REPLACE INTO k VALUES (3, 'three', NULL)"); // the column's default
        r = c->execute("INSERT INTO k VALUES (1, 'again', 'w')");
        QVERIFY(!r.ok());
        QCOMPARE(errorOf(r), QString("UNIQUE constraint failed: k.id"));
        MUST(*c, "INSERT OR IGNORE INTO k VALUES (1, 'ignored', 'w')");
        MUST(*c, "INSERT OR REPLACE INTO k VALUES (1, 'replaced', 'w')");
        // The duplicate is the 50th row: the statement's 49 rows before it are undone.
        r = c->execute(
            "INSERT INTO k SELECT 100 + k % 50, 'bulk', 'w' FROM (WITH RECURSIVE s(k) AS (SELECT 1 "
            "UNION ALL SELECT k + 1 FROM s WHERE k < 60) SELECT k FROM s)");
        QVERIFY(!r.ok());
        QCOMPARE(errorOf(r), QString("UNIQUE constraint failed: k.id"));
        QCOMPARE_ROWS(*c, "SELECT id, v, w FROM k ORDER BY id", "1|replaced|w, 3|three|dflt");
        // OR FAIL keeps the rows before the failing one.
        r = c->execute("INSERT OR FAIL INTO k VALUES (4, 'four', 'w'), (1, 'dup', 'w'), (5, 'five', 'w')");
        QVERIFY(!r.ok());
        QCOMPARE_ROWS(*c, "SELECT id FROM k ORDER BY id", "1, 3, 4");
    }

    // Rollback, savepoints and a non-unique index (its entries are added on the direct path).
    void rollbackSavepointsAndIndexes()
    {
        auto db = test::openMvcc();
        auto c = db->connect();
        MUST(*c, kDirect);
        MUST(*c, "CREATE INDEX x_t ON x (t)");
        MUST(*c, "BEGIN");
        MUST(*c, "INSERT INTO x (id, t) VALUES (1, 'kept')");
        MUST(*c, "SAVEPOINT s");
        MUST(*c, "INSERT INTO x (id, t) VALUES (2, 'undone')");
        MUST(*c, "ROLLBACK TO s");
        MUST(*c, "INSERT INTO x (id, t) VALUES (3, 'kept too')");
        MUST(*c, "COMMIT");
        MUST(*c, "BEGIN");
        MUST(*c, "INSERT INTO x (id, t) VALUES (4, 'rolled back')");
        MUST(*c, "ROLLBACK");
        QCOMPARE_ROWS(*c, "SELECT id, t FROM x ORDER BY id", "1|kept, 3|kept too");
        QVERIFY(test::queryPlan(*c, "SELECT id FROM x WHERE t = 'kept too'").contains("INDEX"));
        QCOMPARE_ROWS(*c, "SELECT id FROM x WHERE t = 'kept too'", "3"); // found by the index's entry
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM x WHERE t = 'undone'", "0");
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM x WHERE t = 'rolled back'", "0");
        // A unique index takes the general path, and is enforced.
        MUST(*c, "CREATE UNIQUE INDEX x_i ON x (i)");
        MUST(*c, "INSERT INTO x (id, i, t) VALUES (5, 50, 'u')");
        auto r = c->execute("INSERT INTO x (id, i) VALUES (6, 50)");
        QVERIFY(!r.ok());
        QCOMPARE(errorOf(r), QString("UNIQUE constraint failed: x.i"));
    }

    // Two transactions inserting the same new key: the first to commit wins, the other fails.
    void concurrentInsertsOfOneKeyConflict()
    {
        auto db = test::openMvcc();
        auto a = db->connect("A");
        auto b = db->connect("B");
        MUST(*a, kDirect);
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*a, "INSERT INTO x (id, t) VALUES (1, 'a')");
        const auto fromB = b->execute("INSERT INTO x (id, t) VALUES (1, 'b')");
        MUST(*a, "COMMIT");
        if (fromB.ok()) QVERIFY(!b->execute("COMMIT").ok());
        b->execute("ROLLBACK"); // a doomed transaction only ends by ROLLBACK
        QCOMPARE_ROWS(*a, "SELECT id, t FROM x", "1|a");
        QCOMPARE_ROWS(*b, "SELECT id, t FROM x", "1|a");
    }
};

QTEST_GUILESS_MAIN(TestMvccDirectInsert)
#include "tst_mvcc_direct_insert.moc"
