// The MVCC connection's table of parsed texts (engine/sql/ParsedTexts): the statements and
// classes it returns are exactly what splitStatements and classify give, a repeated text is
// looked up rather than lexed again (from its second run on), a text run once is not kept, and
// the table stays within its bounds.

#include "engine/api/SqlLexer.h"
#include "engine/sql/ParsedTexts.h"

#include <QTest>
#include <set>
#include <string>

using namespace txs;
using txs::sql::ParsedText;
using txs::sql::ParsedTexts;

class TestParsedTexts : public QObject
{
    Q_OBJECT

    static void compareWithTheLexer(const std::string& sql, const ParsedText& parsed)
    {
        const auto statements = splitStatements(sql);
        QCOMPARE(parsed.size(), statements.size());
        for (std::size_t i = 0; i < statements.size(); ++i) {
            QCOMPARE(std::string_view(sql).substr(parsed[i].offset, parsed[i].length), statements[i]);
            const sqlutil::Classified direct = sqlutil::classify(statements[i]);
            QCOMPARE(parsed[i].classified.kind, direct.kind);
            QCOMPARE(parsed[i].classified.beginMode, direct.beginMode);
            QCOMPARE(parsed[i].classified.name, direct.name);
            QCOMPARE(parsed[i].classified.pragmaValue, direct.pragmaValue);
            QCOMPARE(parsed[i].classified.temp, direct.temp);
            QCOMPARE(parsed[i].classified.ifExists, direct.ifExists);
            QCOMPARE(parsed[i].classified.asSelect, direct.asSelect);
        }
    }

private slots:
    void statementsAndClassesAreTheLexers()
    {
        const std::vector<std::string> texts = {
            "BEGIN CONCURRENT; INSERT INTO hits VALUES (?1, ?2); COMMIT",
            "  -- a comment\n CREATE TABLE IF NOT EXISTS \"a;b\" (x TEXT DEFAULT ';'); ; ",
            "PRAGMA journal_mode = 'mvcc'; SELECT 1 /* ; */ ;",
            "CREATE TEMP TABLE t AS SELECT 1; DROP TABLE IF EXISTS temp.t",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE u SET n = n + 1; END; SELECT 2",
            "",
            "   ",
        };
        ParsedTexts table;
        for (const std::string& sql : texts) {
            compareWithTheLexer(sql, *table.parse(sql));
            if (QTest::currentTestFailed()) return;
            // Looked up the second time: the same parse, not a new one.
            QCOMPARE(table.parse(sql).get(), table.parse(sql).get());
        }
    }

    // A text is found by its content, wherever the caller keeps it.
    void aTextIsFoundByItsContent()
    {
        ParsedTexts table;
        const std::string first = "UPDATE t SET v = v + 1 WHERE id = ?1";
        const std::string copy = first;
        const auto a = table.parse(first);
        QCOMPARE(table.parse(copy).get(), a.get());
        QVERIFY(table.parse(first + " ").get() != a.get());
    }

    // Each statement's textId names its bytes for the trace (TextIds.h): the same parse gives
    // the same ids, every statement and every other text its own, and a text parsed anew (run
    // once, forgotten) gets new ones, never another text's.
    void textIdsNameEachStatementsBytes()
    {
        ParsedTexts table;
        const std::string two = "BEGIN; INSERT INTO t VALUES (1)";
        const auto first = table.parse(two);
        QCOMPARE(first->size(), std::size_t{2});
        QVERIFY(first->at(0).textId != 0 && first->at(1).textId != 0);
        QVERIFY(first->at(0).textId != first->at(1).textId);
        for (int i = 0; i < 3; ++i) {
            const auto again = table.parse(two);
            QCOMPARE(again->at(0).textId, first->at(0).textId);
            QCOMPARE(again->at(1).textId, first->at(1).textId);
        }
        std::set<std::uint64_t> ids{first->at(0).textId, first->at(1).textId};
        for (int n = 0; n < 1000; ++n) {
            const auto other = table.parse("UPDATE t SET v = v + 1 WHERE id = " + std::to_string(n));
            QVERIFY(ids.insert(other->at(0).textId).second);
        }
    }

    // A text run once is not kept (a stream of literal texts leaves the table empty), and a text
    // that repeats among them is kept and then looked up: after its first runs, every run returns
    // the same parse.
    void aTextRunOnceIsNotKept()
    {
        ParsedTexts table;
        const std::string repeated = "UPDATE t SET n = n + 1 WHERE id = ?1";
        std::set<const ParsedText*> parses;
        for (int i = 0; i < 3000; ++i) {
            const std::string literal =
                "BEGIN CONCURRENT;UPDATE t SET n = n + 1 WHERE id = " + std::to_string(i) + ";COMMIT";
            compareWithTheLexer(literal, *table.parse(literal));
            if (QTest::currentTestFailed()) return;
            if (i % 10 == 0) parses.insert(table.parse(repeated).get());
        }
        QCOMPARE(table.size(), 1u); // the repeated text alone
        QVERIFY(parses.size() <= 2);
        const auto kept = table.parse(repeated);
        QCOMPARE(table.parse(repeated).get(), kept.get());
        QVERIFY(parses.count(kept.get()));
        compareWithTheLexer(repeated, *kept);
    }

    // A text run a second time long after its first (hundreds of other texts between) is kept
    // from then on.
    void aTextBackLaterIsKept()
    {
        ParsedTexts table;
        const std::string text = "SELECT n FROM t WHERE id = ?1";
        table.parse(text);
        for (int i = 0; i < 300; ++i)
            table.parse("SELECT " + std::to_string(i));
        const auto second = table.parse(text);
        QCOMPARE(table.parse(text).get(), second.get());
        QCOMPARE(table.size(), 1u);
    }

    // At most kMaxTexts texts are kept; a long text is parsed but not kept; what a caller holds
    // stays valid when the table starts again.
    void theTableIsBounded()
    {
        ParsedTexts table;
        const auto held = table.parse("SELECT 0");
        for (std::size_t i = 1; i <= ParsedTexts::kMaxTexts + 10; ++i) {
            table.parse("SELECT " + std::to_string(i));
            table.parse("SELECT " + std::to_string(i)); // kept from its second run
            QVERIFY(table.size() <= ParsedTexts::kMaxTexts);
        }
        QCOMPARE(held->size(), 1u);
        QCOMPARE(held->front().length, std::string("SELECT 0").size());

        const std::size_t before = table.size();
        const std::string longText = "SELECT '" + std::string(ParsedTexts::kMaxTextBytes, 'x') + "'";
        const auto parsed = table.parse(longText);
        QCOMPARE(parsed->size(), 1u);
        QCOMPARE(parsed->front().length, longText.size());
        QCOMPARE(table.size(), before);
    }
};

QTEST_APPLESS_MAIN(TestParsedTexts)
#include "tst_parsed_texts.moc"
