#pragma once
// Syntax colouring for .txs workloads: the file's own structure (header keys, block keywords,
// step connection names, `-- expect:` annotations) over SQL (keywords, strings, numbers).

#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

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

    QTextCharFormat comment_, structure_, connection_, sqlKeyword_, string_, number_, expectation_, variable_;
    QRegularExpression sqlKeywords_, blockLine_, headerLine_, stepName_, numbers_, variables_;
};
