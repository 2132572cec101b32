// The scanner that splits scripts into statements and picks out the statements the MVCC
// connection handles itself.

#include "engine/sql/InsertDefaults.h"
#include "engine/sqlutil/SqlScanner.h"

#include <QTest>

using namespace txs;
using namespace txs::sql;
using namespace txs::sqlutil;

class TestSqlScanner : public QObject
{
    Q_OBJECT

    static QStringList split(const char* sql)
    {
        QStringList out;
        for (auto s : splitStatements(sql))
            out << QString::fromStdString(std::string(s)).trimmed();
        return out;
    }

private slots:
    void splitsAtTopLevelSemicolons()
    {
        QCOMPARE(split("SELECT 1; SELECT 2;"), QStringList({"SELECT 1", "SELECT 2"}));
        QCOMPARE(split("SELECT 'a;b'; SELECT \"c;d\""), QStringList({"SELECT 'a;b'", "SELECT \"c;d\""}));
        QCOMPARE(split("SELECT 'it''s; here'"), QStringList({"SELECT 'it''s; here'"}));
        QCOMPARE(split("SELECT [x;y] FROM t; SELECT `a;`"),
                 QStringList({"SELECT [x;y] FROM t", "SELECT `a;`"}));
        QCOMPARE(split("SELECT 1 -- comment; not a split\n; SELECT 2"),
                 QStringList({"SELECT 1 -- comment; not a split", "SELECT 2"}));
        QCOMPARE(split("SELECT /* ; */ 1"), QStringList({"SELECT /* ; */ 1"}));
    }

    void dropsEmptyPieces()
    {
        QCOMPARE(split(" ; ;; -- only a comment\n ; /* c */"), QStringList());
        QCOMPARE(split("SELECT 1"), QStringList({"SELECT 1"}));
    }

    void keepsUnterminatedTailsForSqliteToReport()
    {
        QCOMPARE(split("SELECT 'open"), QStringList({"SELECT 'open"}));
    }

    void classifiesTransactionStatements()
    {
        QCOMPARE(classify("BEGIN").kind, StatementKind::Begin);
        QCOMPARE(classify("BEGIN").beginMode, TxMode::Deferred);
        QCOMPARE(classify("begin concurrent").beginMode, TxMode::Concurrent);
        QCOMPARE(classify(" /*x*/ BEGIN IMMEDIATE TRANSACTION").beginMode, TxMode::Immediate);
        QCOMPARE(classify("BEGIN EXCLUSIVE").beginMode, TxMode::Exclusive);
        QCOMPARE(classify("COMMIT").kind, StatementKind::Commit);
        QCOMPARE(classify("END TRANSACTION").kind, StatementKind::Commit);
        QCOMPARE(classify("ROLLBACK").kind, StatementKind::Rollback);
        auto c = classify("ROLLBACK TO sp");
        QCOMPARE(c.kind, StatementKind::RollbackTo);
        QCOMPARE(c.name, std::string("SP"));
        c = classify("rollback transaction to savepoint \"Sp\"");
        QCOMPARE(c.kind, StatementKind::RollbackTo);
        QCOMPARE(c.name, std::string("Sp"));
        c = classify("SAVEPOINT sp");
        QCOMPARE(c.kind, StatementKind::Savepoint);
        QCOMPARE(c.name, std::string("SP"));
        c = classify("RELEASE SAVEPOINT sp");
        QCOMPARE(c.kind, StatementKind::Release);
        QCOMPARE(c.name, std::string("SP"));
        QCOMPARE(classify("RELEASE sp").name, std::string("SP"));
    }

    void classifiesPragmas()
    {
        auto c = classify("PRAGMA journal_mode = 'mvcc'");
        QCOMPARE(c.kind, StatementKind::Pragma);
        QCOMPARE(c.name, std::string("journal_mode"));
        QCOMPARE(c.pragmaValue, std::string("mvcc"));
        c = classify("pragma main.BUSY_TIMEOUT(250)");
        QCOMPARE(c.name, std::string("busy_timeout"));
        QCOMPARE(c.pragmaValue, std::string("250"));
        c = classify("PRAGMA busy_timeout = -1");
        QCOMPARE(c.pragmaValue, std::string("-1"));
        QVERIFY(classify("PRAGMA synchronous").pragmaValue.empty());
    }

    void classifiesDdl()
    {
        auto c = classify("CREATE TABLE IF NOT EXISTS \"my table\" (a)");
        QCOMPARE(c.kind, StatementKind::CreateTable);
        QVERIFY(c.ifExists);
        QCOMPARE(c.name, std::string("my table"));
        QVERIFY(classify("CREATE TEMP TABLE t(a)").temp);
        QVERIFY(classify("CREATE TABLE temp.t(a)").temp);
        QCOMPARE(classify("CREATE TABLE t AS SELECT 1").kind, StatementKind::CreateTable);
        c = classify("DROP TABLE IF EXISTS main.t");
        QCOMPARE(c.kind, StatementKind::DropTable);
        QVERIFY(c.ifExists);
        QCOMPARE(c.name, std::string("T"));
        c = classify("CREATE INDEX i ON t(a)");
        QCOMPARE(c.kind, StatementKind::CreateIndex);
        QCOMPARE(c.name, std::string("I"));
        c = classify("CREATE UNIQUE INDEX IF NOT EXISTS main.\"u i\" ON t(a)");
        QCOMPARE(c.kind, StatementKind::CreateIndex);
        QVERIFY(c.ifExists);
        QCOMPARE(c.name, std::string("u i"));
        c = classify("DROP INDEX IF EXISTS i");
        QCOMPARE(c.kind, StatementKind::DropIndex);
        QVERIFY(c.ifExists);
        QCOMPARE(c.name, std::string("I"));
        c = classify("CREATE TRIGGER IF NOT EXISTS \"a t\" AFTER INSERT ON t BEGIN SELECT 1; END");
        QCOMPARE(c.kind, StatementKind::CreateTrigger);
        QVERIFY(c.ifExists);
        QCOMPARE(c.name, std::string("a t"));
        QVERIFY(classify("CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END").temp);
        c = classify("DROP TRIGGER IF EXISTS tr");
        QCOMPARE(c.kind, StatementKind::DropTrigger);
        QVERIFY(c.ifExists);
        c = classify("CREATE VIEW IF NOT EXISTS main.\"a v\" AS SELECT 1");
        QCOMPARE(c.kind, StatementKind::CreateView);
        QVERIFY(c.ifExists);
        QVERIFY(!c.temp);
        QCOMPARE(c.name, std::string("a v"));
        c = classify("CREATE TEMP VIEW v AS SELECT 1");
        QCOMPARE(c.kind, StatementKind::CreateView);
        QVERIFY(c.temp);
        c = classify("DROP VIEW IF EXISTS temp.v");
        QCOMPARE(c.kind, StatementKind::DropView);
        QVERIFY(c.ifExists);
        QVERIFY(c.temp);
        QCOMPARE(c.name, std::string("V"));
        c = classify("ALTER TABLE main.\"T\" ADD COLUMN b");
        QCOMPARE(c.kind, StatementKind::AlterTable);
        QCOMPARE(c.name, std::string("T"));
        QVERIFY(!c.temp);
        QVERIFY(classify("ALTER TABLE temp.t RENAME TO u").temp);
        // A doubled quote inside quotes stands for one, as SQLite reads it; brackets have no escape.
        QCOMPARE(classify("ALTER TABLE \"we\"\"ird\" ADD COLUMN b").name, std::string("we\"ird"));
        QCOMPARE(classify("DROP INDEX `i``x`").name, std::string("i`x"));
        QCOMPARE(classify("DROP VIEW 'v''w'").name, std::string("v'w"));
        QCOMPARE(classify("DROP TABLE [a\"\"b]").name, std::string("a\"\"b"));
        const auto quotedTokens = leadingTokens("SELECT 'it''s', \"\"\"\"", 8);
        QCOMPARE(quotedTokens.at(1).text, std::string("it's"));
        QCOMPARE(quotedTokens.at(3).text, std::string("\""));
        QVERIFY(classify("CREATE TABLE x AS SELECT 1").asSelect);
        QVERIFY(!classify("CREATE TABLE x (a)").asSelect);
    }

    void insertsGetTheirDefaults()
    {
        mvcc::TableSchema schema;
        schema.name = "t";
        schema.columns = {{"id", "INTEGER", mvcc::Affinity::Integer, false, "", ""},
                          {"n", "INT", mvcc::Affinity::Integer, false, "7", ""},
                          {"at", "TEXT", mvcc::Affinity::Text, false, "CURRENT_TIMESTAMP", ""}};
        auto lookup = [&](const std::string& name) {
            return (name == "T" || name == "t") ? &schema : nullptr;
        };
        auto rewrite = [&](const char* sql) {
            auto r = insertWithDefaults(sql, lookup);
            return r ? QString::fromStdString(*r) : QString("(unchanged)");
        };
        QCOMPARE(rewrite("INSERT INTO t(id) VALUES (1), (2)"),
                 QString("INSERT INTO t(id, \"n\", \"at\") SELECT *, (7), (CURRENT_TIMESTAMP) FROM ( VALUES "
                         "(1), (2))"));
        QCOMPARE(rewrite("INSERT OR IGNORE INTO main.t (id, at) SELECT 1, 'x'"),
                 QString("INSERT OR IGNORE INTO main.t (id, at, \"n\") SELECT *, (7) FROM ( SELECT 1, 'x')"));
        QCOMPARE(
            rewrite("WITH s(x) AS (SELECT 5) INSERT INTO t(id) SELECT x FROM s"),
            QString(
                "WITH s(x) AS (SELECT 5) INSERT INTO t(id, \"n\", \"at\") SELECT *, (7), (CURRENT_TIMESTAMP) "
                "FROM ( SELECT x FROM s)"));
        QCOMPARE(rewrite("INSERT INTO t DEFAULT VALUES"),
                 QString("INSERT INTO t (\"id\", \"n\", \"at\") VALUES (NULL, (7), (CURRENT_TIMESTAMP))"));
        QCOMPARE(rewrite("INSERT INTO t VALUES (1, 2, 3)"), QString("(unchanged)"));
        QCOMPARE(rewrite("INSERT INTO t(id, n, at) VALUES (1, 2, 3)"), QString("(unchanged)"));
        QCOMPARE(rewrite("INSERT INTO other(id) VALUES (1)"), QString("(unchanged)"));
        QCOMPARE(rewrite("INSERT INTO temp.t(id) VALUES (1)"), QString("(unchanged)"));
        QCOMPARE(rewrite("SELECT 1"), QString("(unchanged)"));
    }

    void leavesEverythingElseToSqlite()
    {
        for (const char* sql :
             {"SELECT 1", "INSERT INTO t VALUES (1)", "WITH x AS (SELECT 1) SELECT * FROM x",
              "UPDATE t SET a = 1", "DELETE FROM t", "EXPLAIN QUERY PLAN SELECT 1", "VALUES (1)"})
            QCOMPARE(classify(sql).kind, StatementKind::Other);
    }
};

QTEST_APPLESS_MAIN(TestSqlScanner)
#include "tst_sql_scanner.moc"
