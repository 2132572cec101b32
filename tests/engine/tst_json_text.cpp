// One UTF-8 rule for all JSON TxScope writes: the engine's streaming writer (trace exports) and
// the CLI's nlohmann-json documents (app/cli/Json) escape and replace invalid UTF-8 alike.

#include "app/cli/Json.h"
#include "engine/trace/JsonText.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>
#include <limits>

using namespace txs;

namespace {
std::string engineJson(std::string_view text)
{
    std::string out;
    appendJsonString(out, text);
    return out;
}
std::string cliJson(std::string_view text)
{
    return cli::jsonText(text).dump();
}
} // namespace

class TestJsonText : public QObject
{
    Q_OBJECT

private slots:
    void escapes()
    {
        QCOMPARE(engineJson("a\"b\\c\n\r\t\b\f"), std::string("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\""));
        QCOMPARE(engineJson(std::string("\x01\x1f", 2)), std::string("\"\\u0001\\u001f\""));
        QCOMPARE(engineJson(std::string("nul\0!", 5)), std::string("\"nul\\u0000!\""));
        QCOMPARE(engineJson("h\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
                 std::string("\"h\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\""));
    }

    void invalidUtf8BecomesOneReplacementPerByte()
    {
        const std::string fffd = "\xEF\xBF\xBD";
        QCOMPARE(validUtf8("a\xFF"
                           "b"),
                 "a" + fffd + "b");
        QCOMPARE(validUtf8("\xE2\x82"), fffd + fffd);                       // truncated sequence: each byte
        QCOMPARE(validUtf8("\xC0\xAF"), fffd + fffd);                       // overlong '/'
        QCOMPARE(validUtf8("\xED\xA0\x80"), fffd + fffd + fffd);            // a surrogate
        QCOMPARE(validUtf8("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd); // above U+10FFFF
        QCOMPARE(engineJson("\xE2\n"), "\"" + fffd + "\\n\"");
    }

    void cliAndEngineWriteTheSameStrings_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addRow("plain") << QByteArray("SELECT 1");
        QTest::addRow("escapes") << QByteArray("a\"b\\c\n\r\t\b\f\x01");
        QTest::addRow("utf-8") << QByteArray("h\xC3\xA9 \xF0\x9F\x98\x80");
        QTest::addRow("bad byte") << QByteArray("a\xFF"
                                                "b");
        QTest::addRow("truncated") << QByteArray("x\xE2\x82");
        QTest::addRow("overlong") << QByteArray("\xC0\xAF\xE0\x80\x80");
        QTest::addRow("surrogate") << QByteArray("\xED\xA0\x80");
        QTest::addRow("bad then control") << QByteArray("\xE2\n\x7F");
    }
    void cliAndEngineWriteTheSameStrings()
    {
        QFETCH(QByteArray, text);
        const std::string_view view(text.constData(), static_cast<std::size_t>(text.size()));
        QCOMPARE(cliJson(view), engineJson(view));
        // And what they write parses.
        const auto doc =
            QJsonDocument::fromJson(QByteArray::fromStdString("{\"k\": " + engineJson(view) + "}"));
        QVERIFY(doc.isObject());
    }

    void cliNumbers()
    {
        QCOMPARE(cli::jsonNumber(12.5).dump(), std::string("12.5"));
        QCOMPARE(cli::jsonNumber(1234.0).dump(), std::string("1234"));
        QCOMPARE(cli::jsonNumber(0.0004).dump(), std::string("0"));
        QCOMPARE(cli::jsonNumber(-0.0).dump(), std::string("0"));
        QCOMPARE(cli::jsonNumber(1.23456).dump(), std::string("1.235"));
        QCOMPARE(cli::jsonNumber(std::nan("")).dump(), std::string("0"));
        QCOMPARE(cli::jsonNumber(std::numeric_limits<double>::infinity()).dump(), std::string("0"));
    }
};

QTEST_APPLESS_MAIN(TestJsonText)
#include "tst_json_text.moc"
