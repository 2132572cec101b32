#pragma once
// Syntax colouring for .txs workloads: the file's own structure (header keys, block keywords,
// step connection names, `-- expect:` annotations) over SQL (keywords, strings, numbers). It
// reads lines with the parser's own rules (engine/workload/LineHead) and SQL with the engine's
// lexer and SQLite's keyword list, so what is coloured as a step or a keyword is one to them too.

#include <QSyntaxHighlighter>
#include <QTextCharFormat>
#include <string_view>

class TxsHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT

public:
    explicit TxsHighlighter(QTextDocument* document);

    // Colours follow the palette so the editor stays readable in light and dark themes.
    void setDarkBackground(bool dark);

protected:
    void highlightBlock(const QString& text) override;

private:
    void buildFormats(bool dark);
    // Colours the SQL in utf8[from...]; returns the block state for the next line (an open quote).
    int highlightSql(const QByteArray& utf8, std::size_t from, int state);
    void setUtf8Format(const QByteArray& utf8, std::size_t begin, std::size_t end,
                       const QTextCharFormat& format);

    QTextCharFormat comment_, structure_, connection_, sqlKeyword_, string_, number_, expectation_, variable_;
};
