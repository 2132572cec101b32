// The SQL surface of the MVCC engine: all of SQLite's query language over MVCC tables, the
// constraints the engine enforces, DDL across connections, key access without scans, and
// clear errors for what is not supported.

#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/sql/MvccConnection.h"
#include "support/TestDb.h"

#include <QTest>

using namespace txs;
using test::errorOf;

class TestMvccSql : public QObject
{
    Q_OBJECT

    std::shared_ptr<Database> db;
    std::unique_ptr<Connection> a, b;

private slots:
    void init()
    {
        db = test::openMvcc();
        a = db->connect("A");
        b = db->connect("B");
        MUST(*a, "CREATE TABLE test (id INTEGER PRIMARY KEY, value INT)");
        MUST(*a, "INSERT INTO test VALUES (1, 10), (2, 20), (3, 30)");
    }

    void cleanup()
    {
        a.reset();
        b.reset();
        db.reset();
    }

    void journalModePragma()
    {
        QCOMPARE_ROWS(*a, "PRAGMA journal_mode = 'mvcc'", "mvcc");
        QCOMPARE_ROWS(*a, "PRAGMA journal_mode", "mvcc");
        auto r = a->execute("PRAGMA journal_mode = wal");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->kind, ErrorKind::NotSupported);
        QVERIFY(errorOf(r).contains("wal"));
    }

    void queriesOfEveryShape()
    {
        MUST(*a, "CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
        MUST(*a, "INSERT INTO names VALUES (1, 'one'), (2, 'two'), (4, 'four')");
        QCOMPARE_ROWS(*a, "SELECT t.id, n.name FROM test t JOIN names n ON n.id = t.id ORDER BY t.id",
                      "1|one, 2|two");
        QCOMPARE_ROWS(*a, "SELECT t.id, n.name FROM test t LEFT JOIN names n USING (id) ORDER BY 1",
                      "1|one, 2|two, 3|NULL");
        QCOMPARE_ROWS(*a, "SELECT count(*), sum(value), avg(value), min(value), max(value) FROM test",
                      "3|60|20.0|10|30");
        QCOMPARE_ROWS(*a, "SELECT value % 20 AS g, count(*) FROM test GROUP BY g HAVING count(*) > 1",
                      "10|2");
        QCOMPARE_ROWS(*a, "SELECT id FROM test WHERE value > (SELECT avg(value) FROM test)", "3");
        QCOMPARE_ROWS(*a, "SELECT id FROM test WHERE id IN (SELECT id FROM names) ORDER BY id DESC", "2, 1");
        QCOMPARE_ROWS(*a,
                      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3) "
                      "SELECT group_concat(x, ',') FROM c",
                      "1,2,3");
        QCOMPARE_ROWS(*a, "SELECT upper(name), length(name), substr(name, 2) FROM names WHERE id = 4",
                      "FOUR|4|our");
        QCOMPARE_ROWS(*a, "SELECT id, sum(value) OVER (ORDER BY id) FROM test", "1|10, 2|30, 3|60");
        QCOMPARE_ROWS(*a, "SELECT id FROM test ORDER BY value DESC LIMIT 1 OFFSET 1", "2");
        QCOMPARE_ROWS(*a, "SELECT CASE WHEN value > 15 THEN 'big' ELSE 'small' END FROM test WHERE id = 1",
                      "small");
        QCOMPARE_ROWS(*a, "SELECT rowid, id FROM test WHERE rowid = 2", "2|2");
    }

    void writesOfEveryShape()
    {
        MUST(*a, "UPDATE test SET value = value + 1 WHERE id >= 2");
        QCOMPARE_ROWS(*a, "SELECT value FROM test ORDER BY id", "10, 21, 31");
        MUST(*a, "DELETE FROM test WHERE value > 30");
        QCOMPARE_ROWS(*a, "SELECT id FROM test ORDER BY id", "1, 2");
        MUST(*a, "INSERT INTO test (value) VALUES (99)");
        QCOMPARE_ROWS(*a, "SELECT id, value FROM test WHERE value = 99", "4|99"); // max ever used + 1
        MUST(*a, "INSERT INTO test SELECT id + 100, value FROM test");
        QCOMPARE_ROWS(*a, "SELECT count(*) FROM test", "6");
        MUST(*a, "UPDATE test SET id = id + 1000 WHERE id > 100");
        QCOMPARE_ROWS(*a, "SELECT id FROM test WHERE id > 100 ORDER BY id", "1101, 1102, 1104");
        MUST(*a, "INSERT OR REPLACE INTO test VALUES (1, -1)");
        QCOMPARE_ROWS(*a, "SELECT value FROM test WHERE id = 1", "-1");
        MUST(*a, "INSERT OR IGNORE INTO test VALUES (1, -2)");
        QCOMPARE_ROWS(*a, "SELECT value FROM test WHERE id = 1", "-1");
        auto r = a->execute("INSERT INTO test VALUES (1, 0)");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->extendedCode, rc::ConstraintPrimaryKey);
        QCOMPARE(errorOf(r), QString("UNIQUE constraint failed: test.id"));
        QCOMPARE(a->execute("INSERT INTO test VALUES (7, 1)").changes, 1);
    }

    void parametersBind()
    {
        MUST(*a, "CREATE TABLE p (id INTEGER PRIMARY KEY, r REAL, t TEXT, b BLOB, n)");
        auto r = a->execute("INSERT INTO p VALUES (?, ?, ?, ?, ?)",
                            {Value(5), Value(1.5), Value("x"), Value(Blob{{0x0a, 0xff}}), Value()});
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        QCOMPARE_ROWS(*a, "SELECT id, r, t, b, n FROM p", "5|1.5|x|x'0aff'|NULL");
        auto q = a->execute("SELECT value FROM test WHERE id = ?", {Value(2)});
        QCOMPARE(q.rows.at(0).at(0), Value(20));
    }

    void typeAffinityLikeSqlite()
    {
        MUST(*a, "CREATE TABLE aff (i INTEGER, t TEXT, r REAL, n NUMERIC, b BLOB, x)");
        MUST(*a, "INSERT INTO aff VALUES ('42', 42, '1.5', '3.0', '7', '7')");
        QCOMPARE_ROWS(*a, "SELECT typeof(i), typeof(t), typeof(r), typeof(n), typeof(b), typeof(x) FROM aff",
                      "integer|text|real|integer|text|text");
        MUST(*a, "INSERT INTO aff (i) VALUES ('abc')");
        QCOMPARE_ROWS(*a, "SELECT typeof(i) FROM aff WHERE i = 'abc'", "text");
    }

    void constraintsAreEnforced()
    {
        MUST(*a, "CREATE TABLE c (id INTEGER PRIMARY KEY, name TEXT NOT NULL, n INT DEFAULT 7, "
                 "at TEXT DEFAULT 'now')");
        MUST(*a, "INSERT INTO c (name) VALUES ('x')");
        QCOMPARE_ROWS(*a, "SELECT id, name, n, at FROM c", "1|x|7|now");
        auto r = a->execute("INSERT INTO c (id) VALUES (5)");
        QCOMPARE(r.error->extendedCode, rc::ConstraintNotNull);
        QCOMPARE(errorOf(r), QString("NOT NULL constraint failed: c.name"));
        r = a->execute("INSERT INTO c (id, name) VALUES ('abc', 'y')");
        QVERIFY(!r.ok());
        QCOMPARE(errorOf(r), QString("datatype mismatch"));
        r = a->execute("UPDATE c SET name = NULL");
        QCOMPARE(r.error->extendedCode, rc::ConstraintNotNull);
        QCOMPARE_ROWS(*a, "SELECT name FROM c", "x");
    }

    void failedStatementLeavesNoPartialWrites()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*a, "INSERT INTO test VALUES (10, 1)");
        auto r = a->execute("INSERT INTO test VALUES (11, 1), (12, 1), (1, 1)"); // third row collides
        QVERIFY(!r.ok());
        QCOMPARE_ROWS(*a, "SELECT id FROM test WHERE id >= 10", "10");
        MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*b, "SELECT id FROM test WHERE id >= 10", "10");
    }

    // INT PRIMARY KEY is not SQLite's rowid alias: a unique key beside the rowid (SQLite 3.40.1
    // gives the same rows, and NULLs, which its legacy rule lets into such a key).
    void intPrimaryKeyIsAUniqueKeyBesideTheRowid()
    {
        MUST(*a, "CREATE TABLE k (code INT PRIMARY KEY, label TEXT)");
        MUST(*a, "INSERT INTO k VALUES (10, 'ten'), ('20', 'twenty')");
        QCOMPARE_ROWS(*a, "SELECT code, typeof(code), label FROM k WHERE code = 20", "20|integer|twenty");
        const auto duplicate = a->execute("INSERT INTO k VALUES (10, 'again')");
        QCOMPARE(duplicate.error->extendedCode, rc::ConstraintPrimaryKey);
        QCOMPARE(QString::fromStdString(duplicate.error->message),
                 QString("UNIQUE constraint failed: k.code"));
        MUST(*a, "INSERT INTO k VALUES (NULL, 'n1')");
        MUST(*a, "INSERT INTO k VALUES (NULL, 'n2')");
        // (Not the rowids: the failed insert above used one up, where SQLite's would not.)
        QCOMPARE_ROWS(*a, "SELECT code, label FROM k ORDER BY rowid", "10|ten, 20|twenty, NULL|n1, NULL|n2");
    }

    void keyLookupsAndRangesDoNotScan()
    {
        auto plan = [&](const char* sql) {
            auto r = a->execute(std::string("EXPLAIN QUERY PLAN ") + sql);
            QString text;
            for (auto& row : r.rows)
                text += QString::fromStdString(row.back().asText()) + ";";
            return text;
        };
        // The virtual table reports the plan it chose: idxNum 1 = key equality, 2/4 = range.
        QVERIFY2(plan("SELECT * FROM test WHERE id = 2").contains("VIRTUAL TABLE INDEX 1:"),
                 qPrintable(plan("SELECT * FROM test WHERE id = 2")));
        QVERIFY(plan("SELECT * FROM test WHERE id > 1 AND id < 3").contains("VIRTUAL TABLE INDEX 6:"));
        QVERIFY(plan("SELECT * FROM test WHERE value = 2").contains("VIRTUAL TABLE INDEX 0:"));
        QCOMPARE_ROWS(*a, "SELECT id FROM test WHERE id > 1 AND id <= 3", "2, 3");
        QCOMPARE_ROWS(*a, "SELECT id FROM test WHERE id > 1.5 AND id < 2.5", "2");
        QCOMPARE_ROWS(*a, "SELECT id FROM test WHERE id = '2'", "2");
        QCOMPARE_ROWS(*a, "SELECT id FROM test WHERE id = 2.5", "");
        QCOMPARE_ROWS(*a, "SELECT id FROM test WHERE id < 'abc' ORDER BY id DESC", "3, 2, 1");
        QCOMPARE_ROWS(*a, "SELECT id FROM test WHERE id IN (3, 1) ORDER BY id", "1, 3");

        // Counted, not timed: a point read in a big table visits one chain.
        MUST(*a, "CREATE TABLE big (id INTEGER PRIMARY KEY, v)");
        MUST(*a, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) "
                 "INSERT INTO big SELECT x, x * 2 FROM c");
        QCOMPARE_ROWS(*a, "SELECT v FROM big WHERE id = 4321", "8642");
        QCOMPARE_ROWS(*a, "SELECT count(*) FROM big WHERE id BETWEEN 100 AND 199", "100");
        QCOMPARE_ROWS(*a, "SELECT id FROM big ORDER BY id DESC LIMIT 2", "5000, 4999");
    }

    void tablesWithoutKeyUseRowid()
    {
        MUST(*a, "CREATE TABLE hits (val INTEGER)");
        MUST(*a, "INSERT INTO hits VALUES (5), (5), (6)");
        QCOMPARE_ROWS(*a, "SELECT rowid, val FROM hits ORDER BY rowid", "1|5, 2|5, 3|6");
        MUST(*a, "DELETE FROM hits WHERE rowid = 2");
        QCOMPARE_ROWS(*a, "SELECT count(*) FROM hits", "2");
    }

    void ddlIsSeenByOtherConnections()
    {
        MUST(*a, "CREATE TABLE shared (id INTEGER PRIMARY KEY, v)");
        MUST(*b, "INSERT INTO shared VALUES (1, 'from b')");
        QCOMPARE_ROWS(*a, "SELECT v FROM shared", "from b");
        MUST(*b, "DROP TABLE shared");
        auto r = a->execute("SELECT v FROM shared");
        QVERIFY(!r.ok());
        QCOMPARE(errorOf(r), QString("no such table: shared"));
        MUST(*a, "CREATE TABLE shared (x TEXT)");
        MUST(*b, "INSERT INTO shared VALUES ('new')");
        QCOMPARE_ROWS(*a, "SELECT * FROM shared", "new");
        QCOMPARE(a->execute("CREATE TABLE shared (y)").ok(), false);
        QVERIFY(a->execute("CREATE TABLE IF NOT EXISTS shared (y)").ok());
        QVERIFY(a->execute("DROP TABLE IF EXISTS nothing_here").ok());
    }

    // A loop body of several statements is prepared twice per text and then served from the
    // cache, however its texts take turns (a workers block runs the same few texts thousands of
    // times): the slot for a text run once must not push out the text that comes back next.
    void statementCacheKeepsALoopBodysTexts()
    {
        auto* conn = dynamic_cast<sql::MvccConnection*>(a.get());
        QVERIFY(conn);
        const char* body[] = {"SELECT value FROM test WHERE id = ?1",
                              "UPDATE test SET value = value + 1 WHERE id = ?1", "SELECT count(*) FROM test"};
        const std::size_t before = conn->statementsPrepared();
        for (int run = 0; run < 50; ++run)
            for (const char* text : body) {
                const auto r = a->execute(text, {Value(1)});
                QVERIFY2(r.ok(), qPrintable(errorOf(r)));
            }
        // Each text prepared at its first run and again at its second, when it is kept; the last
        // text is still held from its first run when it comes back, so it is kept as it is: 5.
        QCOMPARE(conn->statementsPrepared() - before, std::size_t{5});
        QCOMPARE_ROWS(*a, "SELECT value FROM test WHERE id = 1", "60");
        // Texts run once each (values written into the SQL) are prepared once each, and do not
        // push the loop's texts out.
        for (int i = 0; i < 100; ++i)
            MUST(*a, "SELECT value FROM test WHERE id = " + std::to_string(i % 3 + 1) + " AND " +
                         std::to_string(i) + " = " + std::to_string(i));
        const std::size_t afterOnes = conn->statementsPrepared();
        QCOMPARE(afterOnes - before, std::size_t{5 + 1 + 100}); // the check's SELECT is one more
        for (const char* text : body)
            QVERIFY(a->execute(text, {Value(1)}).ok());
        QCOMPARE(conn->statementsPrepared(), afterOnes);
        // 300 literal texts, each run twice 300 texts apart, so each is kept at its second run
        // (prepared again then) and the cache, 256 statements, fills more than once; the loop
        // runs between them. Its texts stay: each fill sweeps out what was not run since the last.
        for (int pass = 0; pass < 2; ++pass)
            for (int i = 0; i < 300; ++i) {
                MUST(*a, "SELECT value + " + std::to_string(i) + " FROM test WHERE id = 2");
                for (const char* text : body)
                    QVERIFY(a->execute(text, {Value(1)}).ok());
            }
        // Each literal text prepared twice, but the last of the first pass, still held when it
        // comes back; the loop's texts not once.
        QCOMPARE(conn->statementsPrepared() - afterOnes, std::size_t{300 + 299});
    }

    // The prepared-statement cache keeps a text from its second run on and holds a text run once
    // only until the next new text: whichever way a text is served (prepared anew, held, kept,
    // or after the cache filled and started again), it runs as itself, and DDL in between (here
    // from another connection) is seen by texts held and kept alike.
    void statementCacheServesEachTextAsItself()
    {
        MUST(*a, "CREATE TABLE k (id INTEGER PRIMARY KEY, n INT)");
        MUST(*a, "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 400) "
                 "INSERT INTO k SELECT i, i * 10 FROM s");
        for (int i = 0; i < 1500; ++i) {
            // Ids that repeat at distances of 1 (the next text), 7, 300 (past the 256 kept) and never.
            const int id = i % 3 == 0 ? i / 3 % 7 + 1 : i % 3 == 1 ? i % 300 + 1 : 100 + i / 3 % 300;
            const auto r = a->execute("SELECT n FROM k WHERE id = " + std::to_string(id));
            QVERIFY2(r.ok(), qPrintable(errorOf(r)));
            QCOMPARE(r.rows.at(0).at(0), Value(id * 10));
            if (i % 5 == 0) {
                const auto bound = a->execute("SELECT n + ?2 FROM k WHERE id = ?1", {Value(id), Value(1)});
                QCOMPARE(bound.rows.at(0).at(0), Value(id * 10 + 1));
            }
        }
        MUST(*a, "SELECT * FROM k WHERE id = 1"); // then kept
        MUST(*a, "SELECT * FROM k WHERE id = 1");
        MUST(*a, "SELECT * FROM k WHERE id = 2"); // then held, run once
        MUST(*b, "ALTER TABLE k ADD COLUMN z INT DEFAULT 7");
        QCOMPARE_ROWS(*a, "SELECT * FROM k WHERE id = 1", "1|10|7");
        QCOMPARE_ROWS(*a, "SELECT * FROM k WHERE id = 2", "2|20|7");
        MUST(*b, "DROP TABLE k");
        MUST(*b, "CREATE TABLE k (id INTEGER PRIMARY KEY, other TEXT)");
        MUST(*b, "INSERT INTO k VALUES (2, 'new')");
        QCOMPARE_ROWS(*a, "SELECT * FROM k WHERE id = 2", "2|new");
    }

    void tempTablesArePrivate()
    {
        MUST(*a, "CREATE TEMP TABLE scratch (x)");
        MUST(*a, "INSERT INTO scratch VALUES (1)");
        QCOMPARE_ROWS(*a, "SELECT count(*) FROM scratch", "1");
        QVERIFY(!b->execute("SELECT * FROM scratch").ok());
        MUST(*a, "DROP TABLE scratch");
    }

    void unsupportedFeaturesSayWhat_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("named");
        QTest::newRow("instead of trigger")
            << "CREATE TRIGGER t INSTEAD OF INSERT ON test BEGIN SELECT 1; END"
            << "INSTEAD OF triggers";
        QTest::newRow("generated") << "CREATE TABLE g (a INT, b INT GENERATED ALWAYS AS (a * 2))"
                                   << "generated columns";
        QTest::newRow("without rowid") << "CREATE TABLE wr (a INTEGER PRIMARY KEY) WITHOUT ROWID"
                                       << "WITHOUT ROWID";
    }

    // ON CONFLICT ABORT is every constraint's default; the words inside a string or a quoted name
    // are not a clause (tst_mvcc_conflict_clauses has the others).
    void abortConflictClausesAreTaken()
    {
        MUST(*a, "CREATE TABLE ca (k TEXT UNIQUE ON CONFLICT ABORT, v DEFAULT 'on conflict replace')");
        MUST(*a, "CREATE TABLE \"on\" (\"conflict\" TEXT, \"replace\" INT)");
        MUST(*a, "INSERT INTO ca (k) VALUES ('x')");
        QVERIFY(!a->execute("INSERT INTO ca (k) VALUES ('x')").ok());
        QCOMPARE_ROWS(*a, "SELECT k, v FROM ca", "x|on conflict replace");
    }

    void unsupportedFeaturesSayWhat()
    {
        QFETCH(QString, sql);
        QFETCH(QString, named);
        auto r = a->execute(sql.toStdString());
        QVERIFY(!r.ok());
        QCOMPARE(r.error->kind, ErrorKind::NotSupported);
        QVERIFY2(errorOf(r).contains(named), qPrintable(errorOf(r)));
    }

    void badSqlGetsSqlitesMessage()
    {
        auto r = a->execute("SELEC 1");
        QCOMPARE(r.error->kind, ErrorKind::Syntax);
        QCOMPARE(errorOf(r), QString("near \"SELEC\": syntax error"));
        r = a->execute("SELECT nope FROM test");
        QCOMPARE(errorOf(r), QString("no such column: nope"));
        r = a->execute("SELECT * FROM missing");
        QCOMPARE(errorOf(r), QString("no such table: missing"));
        r = a->execute("CREATE TABLE (a)");
        QVERIFY(!r.ok());
        r = a->execute("SELECT 'unterminated");
        QVERIFY(!r.ok());
    }

    void misuseLooksLikeSqlite()
    {
        auto r = a->execute("COMMIT");
        QCOMPARE(r.error->kind, ErrorKind::Misuse);
        QCOMPARE(errorOf(r), QString("cannot commit - no transaction is active"));
        QCOMPARE(errorOf(a->execute("ROLLBACK")), QString("cannot rollback - no transaction is active"));
        MUST(*a, "BEGIN");
        QCOMPARE(errorOf(a->execute("BEGIN CONCURRENT")),
                 QString("cannot start a transaction within a transaction"));
        MUST(*a, "ROLLBACK");
    }

    void multiStatementTextStopsAtFirstError()
    {
        auto r = a->execute("INSERT INTO test VALUES (50, 0); INSERT INTO test VALUES (1, 0); "
                            "INSERT INTO test VALUES (51, 0)");
        QVERIFY(!r.ok());
        QCOMPARE_ROWS(*a, "SELECT id FROM test WHERE id >= 50", "50");
        auto rows = a->execute("SELECT 1; SELECT 2 AS two");
        QCOMPARE(rows.columns, std::vector<std::string>{"two"});
        QCOMPARE(rows.rowsText(), std::string("2"));
    }

    void versionChainsAreInspectable()
    {
        MUST(*a, "UPDATE test SET value = 11 WHERE id = 1");
        MUST(*a, "UPDATE test SET value = 12 WHERE id = 1");
        auto* store = mvccStoreOf(*db);
        QVERIFY(store);
        auto chain = store->versionsOf("test", 1);
        QVERIFY(chain.size() >= 1);
        QCOMPARE(chain.back().row.at(1), Value(12));
        QCOMPARE(chain.back().endTs, 0u);
        QVERIFY(chain.back().beginCommitted);
        store->collectGarbage();
        chain = store->versionsOf("test", 1);
        QCOMPARE(chain.size(), std::size_t(1)); // nobody can see the older two any more
    }
};

QTEST_GUILESS_MAIN(TestMvccSql)
#include "tst_mvcc_sql.moc"
