// UPSERT on MVCC tables (ON CONFLICT DO UPDATE / DO NOTHING, INSERT OR REPLACE / OR IGNORE),
// which SQLite 3.40.1 refuses on virtual tables and the engine carries out itself: the plan
// taken off the statement (pure text), the results (checked against real Turso 0.7.2 and
// SQLite 3.40.1), changes() and RETURNING of only the rows written, statement atomicity, and the
// write-write conflict rules shared with UPDATE (eager) and INSERT (at COMMIT).

#include "engine/api/Database.h"
#include "engine/sql/Upsert.h"
#include "engine/trace/TraceLog.h"
#include "support/TestDb.h"

#include <QTest>
#include <memory>
#include <string>

using namespace txs;

namespace {

bool contains(const std::string& text, const std::string& needle)
{
    return text.find(needle) != std::string::npos;
}

mvcc::TableSchema tableT()
{
    mvcc::TableSchema s;
    s.name = "t";
    s.columns = {{"id", "INTEGER", mvcc::Affinity::Integer, false, "", ""},
                 {"v", "INT", mvcc::Affinity::Integer, false, "", ""}};
    s.keyColumn = 0;
    return s;
}

} // namespace

class TestMvccUpsert : public QObject
{
    Q_OBJECT

    std::shared_ptr<Database> db;
    std::unique_ptr<Connection> a, b;
    mvcc::TableSchema schemaT = tableT();

    std::optional<sql::UpsertText> plan(const std::string& statement, std::optional<Error>& error)
    {
        return sql::planUpsert(
            statement,
            [&](const std::string& name) -> const mvcc::TableSchema* {
                return QString::fromStdString(name).compare("t", Qt::CaseInsensitive) == 0 ? &schemaT
                                                                                           : nullptr;
            },
            error);
    }

private slots:
    void init()
    {
        db = test::openMvcc();
        QVERIFY(db);
        a = db->connect("A");
        b = db->connect("B");
        MUST(*a, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)");
        MUST(*a, "INSERT INTO t VALUES (1, 10), (2, 20)");
    }

    void cleanup()
    {
        a.reset();
        b.reset();
        db.reset();
    }

    // ---- the plan (text only)

    void planTakesTheClauseOff()
    {
        std::optional<Error> error;
        auto p = plan("INSERT INTO t VALUES (1, 2) ON CONFLICT (id) DO UPDATE SET v = excluded.v + t.v "
                      "WHERE excluded.id > 0 RETURNING id, v",
                      error);
        QVERIFY(!error);
        QVERIFY(p);
        QCOMPARE(QString::fromStdString(p->insertSql).trimmed(), QString("INSERT INTO t VALUES (1, 2)"));
        QVERIFY(p->hasClause && !p->doNothing);
        QCOMPARE(p->setColumns, std::vector<int>{1});
        QCOMPARE(QString::fromStdString(p->setExprs[0]).trimmed(), QString("?2 + t.v"));
        QCOMPARE(QString::fromStdString(p->whereExpr).trimmed(), QString("?1 > 0"));
        QCOMPARE(QString::fromStdString(p->returning).trimmed(), QString("id, v"));
        QCOMPARE(QString::fromStdString(p->alias).toLower(), QString("t")); // words come upper-cased
    }

    void planOnlyWhereNeeded()
    {
        std::optional<Error> error;
        QVERIFY(!plan("INSERT INTO t VALUES (1, 2)", error) && !error);
        QVERIFY(!plan("INSERT INTO t VALUES (1, 2) RETURNING *", error) && !error); // SQLite does it right
        QVERIFY(!plan("INSERT INTO other VALUES (1) ON CONFLICT DO NOTHING", error) && !error); // not MVCC
        QVERIFY(!plan("INSERT INTO temp.t VALUES (1) ON CONFLICT DO NOTHING", error) && !error);
        QVERIFY(!plan("SELECT 'ON CONFLICT' FROM t", error) && !error);
        auto ignore = plan("INSERT OR IGNORE INTO t VALUES (1, 2)", error);
        QVERIFY(ignore && !ignore->hasClause && !error);
        auto nothing = plan("WITH x(a) AS (SELECT 1) INSERT INTO main.t AS q SELECT a, a FROM x WHERE true "
                            "ON CONFLICT DO NOTHING",
                            error);
        QVERIFY(nothing && nothing->doNothing && !error);
        QCOMPARE(QString::fromStdString(nothing->alias).toLower(), QString("q"));
    }

    void planRefusesWhatItCannotDo_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("message");
        QTest::newRow("partial") << "INSERT INTO t VALUES (1, 2) ON CONFLICT (id) WHERE v > 0 DO NOTHING"
                                 << "does not match any PRIMARY KEY or UNIQUE constraint";
        QTest::newRow("unknown column") << "INSERT INTO t VALUES (1, 2) ON CONFLICT DO UPDATE SET w = 1"
                                        << "no such column: w";
        QTest::newRow("unknown excluded")
            << "INSERT INTO t VALUES (1, 2) ON CONFLICT DO UPDATE SET v = excluded.w"
            << "no such column: excluded.w";
        QTest::newRow("parameter") << "INSERT INTO t VALUES (1, 2) ON CONFLICT DO UPDATE SET v = ?"
                                   << "parameters inside ON CONFLICT";
        QTest::newRow("row value") << "INSERT INTO t VALUES (1, 2) ON CONFLICT DO UPDATE SET (v) = (1)"
                                   << "row-value assignments";
        QTest::newRow("two clauses")
            << "INSERT INTO t VALUES (1, 2) ON CONFLICT (id) DO NOTHING ON CONFLICT DO "
               "NOTHING"
            << "more than one ON CONFLICT clause";
        QTest::newRow("no action") << "INSERT INTO t VALUES (1, 2) ON CONFLICT DO"
                                   << "syntax error";
    }

    // Which constraint a target names is known to the connection (the table's unique indexes).
    void targetMustNameAConstraint()
    {
        for (const char* sql : {"INSERT INTO t VALUES (1, 2) ON CONFLICT (v) DO NOTHING",
                                "INSERT INTO t VALUES (1, 2) ON CONFLICT (id, v) DO NOTHING"}) {
            auto r = a->execute(sql);
            QVERIFY(!r.ok());
            QVERIFY2(contains(r.error->message, "does not match any PRIMARY KEY or UNIQUE constraint"),
                     r.error->message.c_str());
        }
        QCOMPARE_ROWS(*a, "SELECT * FROM t", "1|10, 2|20");
    }

    void planRefusesWhatItCannotDo()
    {
        QFETCH(QString, sql);
        QFETCH(QString, message);
        std::optional<Error> error;
        QVERIFY(!plan(sql.toStdString(), error));
        QVERIFY(error);
        QVERIFY2(contains(error->message, message.toStdString()), error->message.c_str());
        // Through the connection: the same error, and nothing written.
        auto r = a->execute(sql.toStdString());
        QVERIFY(!r.ok());
        QVERIFY2(contains(r.error->message, message.toStdString()), r.error->message.c_str());
        QCOMPARE_ROWS(*a, "SELECT * FROM t", "1|10, 2|20");
    }

    // ---- results

    void changesAndReturningCountOnlyRowsWritten()
    {
        auto r = a->execute("INSERT INTO t VALUES (1, 0), (3, 30) ON CONFLICT DO NOTHING");
        QVERIFY(r.ok());
        QCOMPARE(r.changes, 1);
        r = a->execute("INSERT OR IGNORE INTO t VALUES (1, 0), (2, 0), (4, 40)");
        QVERIFY(r.ok());
        QCOMPARE(r.changes, 1);
        r = a->execute(
            "INSERT INTO t VALUES (1, 5), (5, 50) ON CONFLICT(id) DO UPDATE SET v = t.v + excluded.v "
            "WHERE t.v < 100 RETURNING id, v * 2 AS twice");
        QVERIFY(r.ok());
        QCOMPARE(r.changes, 2);
        QCOMPARE(r.columns, (std::vector<std::string>{"id", "twice"}));
        QCOMPARE(QString::fromStdString(r.rowsText()), QString("1|30, 5|100"));
        r = a->execute("INSERT INTO t VALUES (1, 5) ON CONFLICT DO UPDATE SET v = 0 WHERE excluded.v > 100 "
                       "RETURNING *");
        QVERIFY(r.ok());
        QCOMPARE(r.changes, 0);
        QVERIFY(r.rows.empty());
        QCOMPARE_ROWS(*a, "SELECT * FROM t", "1|15, 2|20, 3|30, 4|40, 5|50");
    }

    // Affinity, NOT NULL and the key's uniqueness apply to the updated row as to an UPDATE; a
    // failing row undoes the whole statement.
    void updatedRowObeysConstraintsAndStatementIsAtomic()
    {
        MUST(*a, "INSERT INTO t VALUES (1, 0) ON CONFLICT DO UPDATE SET v = '7'");
        QCOMPARE_ROWS(*a, "SELECT typeof(v), v FROM t WHERE id = 1", "integer|7");
        auto r = a->execute("INSERT INTO t VALUES (3, 3), (1, 0) ON CONFLICT DO UPDATE SET v = NULL");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->extendedCode, rc::ConstraintNotNull);
        r = a->execute("INSERT INTO t VALUES (3, 3), (1, 0) ON CONFLICT DO UPDATE SET id = 2");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->extendedCode, rc::ConstraintPrimaryKey);
        QCOMPARE_ROWS(*a, "SELECT * FROM t", "1|7, 2|20");
        // OR IGNORE also skips a DO UPDATE that would break NOT NULL.
        MUST(*a, "INSERT OR IGNORE INTO t VALUES (1, 0) ON CONFLICT DO UPDATE SET v = NULL");
        QCOMPARE_ROWS(*a, "SELECT * FROM t", "1|7, 2|20");
    }

    void hiddenRowidAndDefaults()
    {
        MUST(*a, "CREATE TABLE r (name TEXT, n INTEGER DEFAULT 5)");
        MUST(*a, "INSERT INTO r(rowid, name) VALUES (1, 'x')");
        MUST(*a, "INSERT INTO r(rowid, name) VALUES (1, 'y') ON CONFLICT(rowid) DO UPDATE SET n = n + "
                 "excluded.n, name = excluded.name || excluded.rowid");
        QCOMPARE_ROWS(*a, "SELECT rowid, name, n FROM r", "1|y1|10");
        MUST(*a, "INSERT INTO r(rowid, name) VALUES (1, 'z') ON CONFLICT DO UPDATE SET rowid = 7");
        QCOMPARE_ROWS(*a, "SELECT rowid, name, n FROM r", "7|y1|10");
    }

    // A temp table is plain SQLite: its upserts are SQLite's own.
    void tempTableIsSqlites()
    {
        MUST(*a, "CREATE TEMP TABLE k (id INTEGER PRIMARY KEY, v INT)");
        MUST(*a, "INSERT INTO k VALUES (1, 1)");
        MUST(*a, "INSERT INTO k VALUES (1, 5) ON CONFLICT DO UPDATE SET v = v + excluded.v");
        QCOMPARE_ROWS(*a, "SELECT * FROM k", "1|6");
    }

    // ---- conflicts (each as real Turso 0.7.2 does)

    void doUpdateOfRowChangedByOpenTransactionConflicts()
    {
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*a, "UPDATE t SET v = 11 WHERE id = 1");
        auto r = b->execute("INSERT INTO t VALUES (1, 99) ON CONFLICT(id) DO UPDATE SET v = excluded.v");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->kind, ErrorKind::Conflict);
        QVERIFY(isRetryable(*r.error));
        QVERIFY(b->transaction().doomed);
        MUST(*b, "ROLLBACK");
        MUST(*a, "COMMIT");
        QCOMPARE_ROWS(*a, "SELECT v FROM t WHERE id = 1", "11");
    }

    void upsertOfRowChangedAfterSnapshot_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<bool>("conflicts");
        QTest::newRow("do update") << "INSERT INTO t VALUES (1, 99) ON CONFLICT DO UPDATE SET v = excluded.v"
                                   << true;
        QTest::newRow("or replace") << "INSERT OR REPLACE INTO t VALUES (1, 99)" << true;
        QTest::newRow("do nothing") << "INSERT INTO t VALUES (1, 99) ON CONFLICT DO NOTHING" << false;
        QTest::newRow("or ignore") << "INSERT OR IGNORE INTO t VALUES (1, 99)" << false;
    }

    // Updated and committed, or deleted and committed, after B's snapshot: writing forms
    // conflict, the others see B's snapshot's row and write nothing.
    void upsertOfRowChangedAfterSnapshot()
    {
        QFETCH(QString, sql);
        QFETCH(bool, conflicts);
        for (const char* change : {"UPDATE t SET v = 11 WHERE id = 1", "DELETE FROM t WHERE id = 1"}) {
            MUST(*a, "DELETE FROM t");
            MUST(*a, "INSERT INTO t VALUES (1, 10)");
            MUST(*b, "BEGIN CONCURRENT");
            QCOMPARE_ROWS(*b, "SELECT v FROM t WHERE id = 1", "10");
            MUST(*a, change);
            auto r = b->execute(sql.toStdString());
            QCOMPARE(r.ok(), !conflicts);
            if (conflicts) {
                QCOMPARE(r.error->kind, ErrorKind::Conflict);
                MUST(*b, "ROLLBACK");
            } else {
                QCOMPARE(r.changes, 0);
                MUST(*b, "COMMIT");
            }
        }
    }

    // A key free in both snapshots: both statements succeed, the first committer wins.
    void sameNewKeyFirstCommitterWins_data() { upsertOfRowChangedAfterSnapshot_data(); }

    void sameNewKeyFirstCommitterWins()
    {
        QFETCH(QString, sql);
        // Key 5 is free in both snapshots; A writes 55 where B writes 99.
        std::string mine5 = sql.toStdString();
        mine5.replace(mine5.find("(1,"), 3, "(5,");
        std::string theirs5 = mine5;
        theirs5.replace(theirs5.find("99"), 2, "55");
        MUST(*a, "BEGIN CONCURRENT");
        MUST(*b, "BEGIN CONCURRENT");
        MUST(*a, theirs5);
        MUST(*b, mine5);
        MUST(*a, "COMMIT");
        auto r = b->execute("COMMIT");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->kind, ErrorKind::Conflict);
        QVERIFY2(contains(r.error->message, "inserted the same key"), r.error->message.c_str());
        MUST(*b, "ROLLBACK");
        QCOMPARE_ROWS(*a, "SELECT * FROM t WHERE id = 5", "5|55");
    }
};

QTEST_GUILESS_MAIN(TestMvccUpsert)
#include "tst_mvcc_upsert.moc"
