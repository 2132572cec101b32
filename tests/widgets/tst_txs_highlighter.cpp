// The .txs highlighter colours by the parser's rules (engine/workload/LineHead) and SQLite's
// keywords: a step name the parser rejects is not coloured as a step.

#include "widgets/editor/TxsHighlighter.h"

#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

class TestTxsHighlighter : public QObject
{
    Q_OBJECT

    // The foreground colour at `column` of line `line`, or an invalid colour when unformatted.
    static QColor colourAt(QTextDocument& doc, int line, int column)
    {
        const QTextBlock block = doc.findBlockByNumber(line);
        for (const auto& range : block.layout()->formats())
            if (column >= range.start && column < range.start + range.length)
                return range.format.foreground().color();
        return {};
    }

private slots:
    void stepNamesFollowTheParser()
    {
        QTextDocument doc;
        TxsHighlighter highlighter(&doc);
        doc.setPlainText("journal_mode: wal\n"
                         "T1: SELECT 1;\n"
                         "T-1: SELECT 1;\n"
                         "setup:\n"
                         "  sleep 10ms;\n"
                         "  SELECT 'a;\n"
                         "b' FROM t; -- expect: ok\n");
        highlighter.rehighlight();
        const QColor header = colourAt(doc, 0, 0);
        const QColor step = colourAt(doc, 1, 0);
        QVERIFY(header.isValid());
        QVERIFY(step.isValid());
        QVERIFY(step != header);
        QVERIFY(!colourAt(doc, 2, 0).isValid()); // "T-1" is no connection name to the parser
        QCOMPARE(colourAt(doc, 3, 0), header);   // setup: is structure
        const QColor keyword = colourAt(doc, 1, 4);
        QVERIFY(keyword.isValid());
        QCOMPARE(colourAt(doc, 4, 2), keyword); // sleep, the .txs statement
        const QColor string = colourAt(doc, 5, 9);
        QVERIFY(string.isValid() && string != keyword);
        QCOMPARE(colourAt(doc, 6, 0), string);                // the string goes on on the next line
        QCOMPARE(colourAt(doc, 6, 3), keyword);               // FROM after it closes
        QVERIFY(colourAt(doc, 6, 14).isValid());              // -- expect: ok
        QVERIFY(colourAt(doc, 6, 14) != colourAt(doc, 2, 5)); // not the plain text colour
    }
};

QTEST_MAIN(TestTxsHighlighter)
#include "tst_txs_highlighter.moc"
