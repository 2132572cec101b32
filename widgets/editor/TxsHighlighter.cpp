#include "widgets/editor/TxsHighlighter.h"

#include <QColor>

TxsHighlighter::TxsHighlighter(QTextDocument* document) : QSyntaxHighlighter(document)
{
    sqlKeywords_ =
        QRegularExpression("\\b(SELECT|FROM|WHERE|INSERT|INTO|VALUES|UPDATE|SET|DELETE|CREATE|TABLE|DROP|"
                           "BEGIN|COMMIT|ROLLBACK|END|"
                           "CONCURRENT|IMMEDIATE|EXCLUSIVE|DEFERRED|TRANSACTION|PRAGMA|INTEGER|INT|TEXT|REAL|"
                           "BLOB|PRIMARY|KEY|NOT|NULL|"
                           "DEFAULT|AND|OR|IN|IS|AS|ON|JOIN|LEFT|GROUP|BY|ORDER|HAVING|LIMIT|OFFSET|WITH|"
                           "RECURSIVE|UNION|ALL|DISTINCT|"
                           "CASE|WHEN|THEN|ELSE|IF|EXISTS|REPLACE|IGNORE|COUNT|SUM|MAX|MIN|AVG)\\b",
                           QRegularExpression::CaseInsensitiveOption);
    blockLine_ = QRegularExpression("^\\s*(setup:|check:|workers\\b[^:]*:)");
    headerLine_ = QRegularExpression("^(journal_mode|busy_timeout|synchronous|seed)\\s*:");
    stepName_ = QRegularExpression("^([A-Za-z_][A-Za-z0-9_-]*)\\s*:");
    numbers_ = QRegularExpression("\\b\\d+(\\.\\d+)?\\b");
    variables_ = QRegularExpression("\\$(worker|iter)\\b");
    buildFormats(false);
}

void TxsHighlighter::setDarkBackground(bool dark)
{
    buildFormats(dark);
    rehighlight();
}

void TxsHighlighter::buildFormats(bool dark)
{
    auto make = [](QColor colour, bool bold = false, bool italic = false) {
        QTextCharFormat f;
        f.setForeground(colour);
        if (bold) f.setFontWeight(QFont::Bold);
        f.setFontItalic(italic);
        return f;
    };
    comment_ = make(dark ? QColor(0x8a, 0x93, 0x9e) : QColor(0x6a, 0x73, 0x7d), false, true);
    structure_ = make(dark ? QColor(0xd2, 0xa8, 0xff) : QColor(0x6f, 0x42, 0xc1), true);
    connection_ = make(dark ? QColor(0x79, 0xc0, 0xff) : QColor(0x00, 0x5c, 0xc5), true);
    sqlKeyword_ = make(dark ? QColor(0xff, 0x7b, 0x72) : QColor(0xcf, 0x22, 0x2e), true);
    string_ = make(dark ? QColor(0xa5, 0xd6, 0xff) : QColor(0x0a, 0x30, 0x69));
    number_ = make(dark ? QColor(0x79, 0xc0, 0xff) : QColor(0x05, 0x50, 0xae));
    expectation_ = make(dark ? QColor(0x7e, 0xe7, 0x87) : QColor(0x11, 0x63, 0x29), true, true);
    variable_ = make(dark ? QColor(0xff, 0xa6, 0x57) : QColor(0x95, 0x38, 0x00), true);
}

void TxsHighlighter::highlightBlock(const QString& text)
{
    // '#' starts a comment only at the beginning of a line (after indentation).
    if (text.trimmed().startsWith('#')) {
        setFormat(0, text.size(), comment_);
        return;
    }
    for (auto it = sqlKeywords_.globalMatch(text); it.hasNext();) {
        auto m = it.next();
        setFormat(m.capturedStart(), m.capturedLength(), sqlKeyword_);
    }
    for (auto it = numbers_.globalMatch(text); it.hasNext();) {
        auto m = it.next();
        setFormat(m.capturedStart(), m.capturedLength(), number_);
    }
    for (auto it = variables_.globalMatch(text); it.hasNext();) {
        auto m = it.next();
        setFormat(m.capturedStart(), m.capturedLength(), variable_);
    }
    if (auto m = blockLine_.match(text); m.hasMatch()) {
        setFormat(m.capturedStart(1), m.capturedLength(1), structure_);
    } else if (auto h = headerLine_.match(text); h.hasMatch()) {
        setFormat(0, text.size(), structure_);
    } else if (auto s = stepName_.match(text); s.hasMatch()) {
        setFormat(s.capturedStart(1), s.capturedLength(1) + 1, connection_);
    }
    // Strings and the trailing comment last: they win over keywords inside them.
    int quoteStart = -1;
    QChar quote;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoteStart >= 0) {
            if (c == quote) {
                setFormat(quoteStart, i - quoteStart + 1, string_);
                quoteStart = -1;
            }
            continue;
        }
        if (c == '\'') {
            quoteStart = i;
            quote = c;
        } else if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
            const bool expect = text.mid(i).contains(QRegularExpression("^--\\s*expect:"));
            setFormat(i, text.size() - i, expect ? expectation_ : comment_);
            return;
        }
    }
    if (quoteStart >= 0) setFormat(quoteStart, text.size() - quoteStart, string_);
}
