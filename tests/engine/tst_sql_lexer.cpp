// The engine's one SQL lexer (engine/api/SqlLexer): tokens by SQLite's rules, and statement
// splitting by sqlite3_complete, which every SQL user of the engine and the .txs parser share.

#include "engine/api/SqlLexer.h"
#include "engine/workload/WorkloadParser.h"

#include <QTest>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

using namespace txs;

class TestSqlLexer : public QObject
{
    Q_OBJECT

    static QStringList split(std::string_view sql)
    {
        QStringList out;
        for (auto s : splitStatements(sql))
            out << QString::fromStdString(std::string(s)).trimmed();
        return out;
    }

    static QStringList kinds(std::string_view sql)
    {
        QStringList out;
        for (SqlToken t = sqlTokenAt(sql, 0); t.kind != SqlToken::Kind::End; t = sqlTokenAt(sql, t.end())) {
            static const char* names[] = {"end",  "space",  "comment",  "string", "name",
                                          "word", "number", "variable", "punct"};
            out << QString("%1:%2%3").arg(names[static_cast<int>(t.kind)],
                                          QString::fromStdString(std::string(t.text(sql))),
                                          t.unterminated ? "…" : "");
        }
        return out;
    }

    // The first statement's length and whether it has its ';', as found before texts without the
    // word TRIGGER skipped sqlite3_complete: every top-level ';' asked whether the text up to it
    // is complete.
    static std::pair<std::size_t, bool> firstByAskingAtEverySemicolon(std::string_view sql)
    {
        SqlToken last;
        for (SqlToken t = sqlTokenAt(sql, 0); t.kind != SqlToken::Kind::End; t = sqlTokenAt(sql, t.end())) {
            if (t.kind != SqlToken::Kind::Punct || sql[t.offset] != ';') continue;
            if (isCompleteSql(sql.substr(0, t.end()))) return {t.end(), true};
            last = t;
        }
        return {sql.size(), last.kind == SqlToken::Kind::Punct && last.end() == sql.size()};
    }
    static std::vector<std::string_view> splitByAskingAtEverySemicolon(std::string_view sql)
    {
        std::vector<std::string_view> out;
        while (!sql.empty()) {
            const auto [n, withSemicolon] = firstByAskingAtEverySemicolon(sql);
            std::string_view piece = sql.substr(0, withSemicolon ? n - 1 : n);
            if (nextSqlToken(piece, 0).kind != SqlToken::Kind::End) out.push_back(piece);
            sql.remove_prefix(n);
        }
        return out;
    }

private slots:
    // Random scripts of pieces that put ';' and the word TRIGGER (any case, bare, quoted, in
    // strings and comments, inside other names) everywhere: the split equals the one that asks
    // sqlite3_complete at every ';'.
    void splitAgreesWithAskingSqliteAtEverySemicolon()
    {
        const std::vector<std::string> pieces = {"SELECT 1",
                                                 "1e-3",
                                                 "1e--x;\n",
                                                 "x'0A'",
                                                 ":v",
                                                 "$w;",
                                                 "?1",
                                                 "-",
                                                 "/",
                                                 "*/",
                                                 "''",
                                                 "a''b",
                                                 "]",
                                                 "é;",
                                                 ";",
                                                 " ",
                                                 "\n",
                                                 "'a;b'",
                                                 "'trigger;'",
                                                 "\"trigger\"",
                                                 "[trig;ger]",
                                                 "`x;`",
                                                 "-- trigger ;\n",
                                                 "/* ; TRIGGER */",
                                                 "CREATE",
                                                 "TEMP",
                                                 "TRIGGER",
                                                 "tRiGgEr",
                                                 "trig",
                                                 "ger",
                                                 "x$trigger",
                                                 "triggers",
                                                 "BEGIN",
                                                 "END",
                                                 "CASE WHEN 1 THEN 2 END",
                                                 "EXPLAIN",
                                                 "ON t",
                                                 "UPDATE t SET n = n + 1 WHERE id = 4711",
                                                 "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END",
                                                 "INSERT INTO t VALUES (';')",
                                                 "'open",
                                                 "/* open"};
        std::mt19937 random(18);
        for (int i = 0; i < 20000; ++i) {
            std::string sql;
            const int n = 1 + static_cast<int>(random() % 12);
            for (int k = 0; k < n; ++k) {
                sql += pieces[random() % pieces.size()];
                if (random() % 2) sql += ' ';
            }
            const auto expected = splitByAskingAtEverySemicolon(sql);
            const auto got = splitStatements(sql);
            QVERIFY2(got == expected, sql.c_str());
            QCOMPARE(firstStatementLength(sql), firstByAskingAtEverySemicolon(sql).first);
        }
    }

    void tokensFollowSqlitesRules()
    {
        QCOMPARE(kinds("SELECT 'it''s;' FROM [a;b]"),
                 QStringList({"word:SELECT", "space: ", "string:'it''s;'", "space: ", "word:FROM",
                              "space: ", "name:[a;b]"}));
        QCOMPARE(kinds("x1$ \"q\"\"q\" `b`"),
                 QStringList({"word:x1$", "space: ", "name:\"q\"\"q\"", "space: ", "name:`b`"}));
        QCOMPARE(kinds("1.5e-3 .5 0x1F ?2 :n @m $w"),
                 QStringList({"number:1.5e-3", "space: ", "number:.5", "space: ", "number:0x1F",
                              "space: ", "variable:?2", "space: ", "variable::n", "space: ", "variable:@m",
                              "space: ", "variable:$w"}));
        QCOMPARE(kinds("a--c;\n/*;*/-"),
                 QStringList({"word:a", "comment:--c;\n", "comment:/*;*/", "punct:-"}));
        QCOMPARE(kinds("'open"), QStringList({"string:'open…"}));
        QCOMPARE(kinds("/* open"), QStringList({"comment:/* open…"}));
        QCOMPARE(kinds("[open"), QStringList({"name:[open…"}));
        QCOMPARE(kinds("é_1"), QStringList({"word:é_1"})); // bytes >= 0x80 are identifier chars
    }

    void quotedRunsResume()
    {
        QCOMPARE(quotedRunEnd("ab'' c' d", 0, '\''), std::size_t{7});
        QCOMPARE(quotedRunEnd("x]] y", 0, ']'), std::size_t{2}); // brackets have no escape
        QCOMPARE(quotedRunEnd("no close", 0, '"'), std::string_view::npos);
    }

    void splitsWhereSqliteCompleteSays()
    {
        QCOMPARE(split("SELECT 1; SELECT 2;"), QStringList({"SELECT 1", "SELECT 2"}));
        QCOMPARE(split("SELECT 'a;b'; SELECT \"c;d\""), QStringList({"SELECT 'a;b'", "SELECT \"c;d\""}));
        QCOMPARE(split("SELECT 1 -- c; no\n; SELECT /* ; */ 2"),
                 QStringList({"SELECT 1 -- c; no", "SELECT /* ; */ 2"}));
        // A trigger's body has its own ';': the statement ends at END;
        const char* trigger = "CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES (1); "
                              "UPDATE c SET n = n + 1; END";
        QCOMPARE(split(std::string(trigger) + "; SELECT 3;"), QStringList({trigger, "SELECT 3"}));
        QCOMPARE(firstStatementLength(std::string(trigger) + ";x"), std::strlen(trigger) + 1);
        // BEGIN ... END as a transaction is no trigger: BEGIN; ends there.
        QCOMPARE(split("BEGIN; SELECT 1; END;"), QStringList({"BEGIN", "SELECT 1", "END"}));
        QCOMPARE(split("EXPLAIN CREATE TRIGGER x AFTER DELETE ON t BEGIN SELECT 1; END; SELECT 2"),
                 QStringList({"EXPLAIN CREATE TRIGGER x AFTER DELETE ON t BEGIN SELECT 1; END", "SELECT 2"}));
    }

    void incompleteInputStaysWhole()
    {
        QCOMPARE(split("SELECT 'open; x"), QStringList({"SELECT 'open; x"}));
        QCOMPARE(split("SELECT 1 /* open; x"), QStringList({"SELECT 1 /* open; x"}));
        QCOMPARE(split("CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1;"),
                 QStringList({"CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1"}));
        QCOMPARE(firstStatementLength("SELECT 1"), std::size_t{8});
        QCOMPARE(split(" ; ;; -- only a comment\n ; /* c */"), QStringList());
        QVERIFY(isCompleteSql("SELECT 1;"));
        QVERIFY(!isCompleteSql("SELECT 1"));
        QVERIFY(!isCompleteSql("CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1;"));
    }

    void blanksAndKeywords()
    {
        QCOMPARE(skipSpaceAndComments("  -- c\n /* d */ SELECT"), std::size_t{16});
        QCOMPARE(skipSpaceAndComments("  ", 0), std::size_t{2});
        QVERIFY(isSqlKeyword("select"));
        QVERIFY(isSqlKeyword("CONCURRENT") == isSqlKeyword("concurrent"));
        QVERIFY(!isSqlKeyword("T1"));
        QVERIFY(!isSqlKeyword(""));
    }

    // The .txs parser cuts statements with the same lexer: a trigger in setup, and a string with
    // ';' spanning lines.
    void workloadParserAgrees()
    {
        const auto parsed = parseWorkload("setup:\n"
                                          "  CREATE TABLE t (a); CREATE TABLE log (a);\n"
                                          "  CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
                                          "    INSERT INTO log VALUES ('x;\n"
                                          "y'); END;\n"
                                          "T1: SELECT 1; -- expect: 1\n",
                                          "w.txs");
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        const auto& setup = parsed.workload().setup->statements;
        QCOMPARE(setup.size(), std::size_t{3});
        QCOMPARE(QString::fromStdString(setup[2].sql),
                 QString("CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES ('x;\ny'); END"));
    }
};

QTEST_APPLESS_MAIN(TestSqlLexer)
#include "tst_sql_lexer.moc"
