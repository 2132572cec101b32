#include "widgets/editor/TxsHighlighter.h"

#include "engine/api/AsciiText.h"
#include "engine/api/SqlLexer.h"
#include "engine/workload/LineHead.h"
#include "engine/workload/Substitution.h"
#include "engine/workload/TextUtil.h"

#include <QColor>

namespace {
// Block states: the quote a line leaves open, so the next line starts inside it.
constexpr int kNoQuote = -1;
} // namespace

TxsHighlighter::TxsHighlighter(QTextDocument* document) : QSyntaxHighlighter(document)
{
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

void TxsHighlighter::setUtf8Format(const QByteArray& utf8, std::size_t begin, std::size_t end,
                                   const QTextCharFormat& format)
{
    // The engine works on UTF-8 bytes, the editor on UTF-16 units.
    const int from = QString::fromUtf8(utf8.constData(), static_cast<qsizetype>(begin)).size();
    const int length =
        QString::fromUtf8(utf8.constData() + begin, static_cast<qsizetype>(end - begin)).size();
    setFormat(from, length, format);
}

void TxsHighlighter::highlightBlock(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    const std::string_view line(utf8.constData(), static_cast<std::size_t>(utf8.size()));
    const int previous = previousBlockState();
    if (previous >= 0) { // inside a quote or a comment that an earlier line opened: raw SQL
        setCurrentBlockState(highlightSql(utf8, 0, previous));
        return;
    }
    using Kind = txs::LineHead::Kind;
    const txs::LineHead head = txs::readLineHead(line);
    std::size_t sqlFrom = 0;
    switch (head.kind) {
    case Kind::Blank:
    case Kind::NoColon:
        break;
    case Kind::Comment: // '#' starts a comment only at the beginning of a line (after indentation)
        setFormat(0, text.size(), comment_);
        setCurrentBlockState(kNoQuote);
        return;
    case Kind::Header:
        setFormat(0, text.size(), structure_);
        setCurrentBlockState(kNoQuote);
        return;
    case Kind::Workers:
        setUtf8Format(utf8, 0, head.restAt, structure_);
        sqlFrom = head.restAt;
        break;
    case Kind::Setup:
    case Kind::Check:
        setUtf8Format(utf8, head.nameAt, head.restAt, structure_);
        sqlFrom = head.restAt;
        break;
    case Kind::Step:
        setUtf8Format(utf8, head.nameAt, head.restAt, connection_);
        sqlFrom = head.restAt;
        break;
    case Kind::BadName: // the parser rejects the name: not coloured as a step
    case Kind::Indented:
        sqlFrom = head.kind == Kind::BadName ? head.restAt : 0;
        break;
    }
    setCurrentBlockState(head.kind == Kind::Workers ? kNoQuote : highlightSql(utf8, sqlFrom, kNoQuote));
}

int TxsHighlighter::highlightSql(const QByteArray& utf8, std::size_t from, int state)
{
    using Kind = txs::SqlToken::Kind;
    const std::string_view line(utf8.constData(), static_cast<std::size_t>(utf8.size()));
    std::size_t i = from;
    if (state >= 0) { // resume inside the quote (or '*' for a block comment) an earlier line opened
        const char open = static_cast<char>(state);
        std::size_t end = std::string_view::npos;
        if (open == '*') {
            const auto close = line.find("*/", i);
            if (close != std::string_view::npos) end = close + 2;
        } else {
            end = txs::quotedRunEnd(line, i, open == '[' ? ']' : open);
        }
        setUtf8Format(utf8, i, end == std::string_view::npos ? line.size() : end,
                      open == '*' ? comment_ : string_);
        if (end == std::string_view::npos) return state;
        i = end;
    }
    bool statementStart = true; // for `sleep`, a statement of the .txs format
    for (txs::SqlToken t = txs::sqlTokenAt(line, i); t.kind != Kind::End;
         t = txs::sqlTokenAt(line, t.end())) {
        const std::string_view word = t.text(line);
        switch (t.kind) {
        case Kind::Comment:
            if (word.starts_with("--")) {
                const bool expect = txs::startsWithWord(txs::trim(word.substr(2)), "expect");
                setUtf8Format(utf8, t.offset, t.end(), expect ? expectation_ : comment_);
            } else {
                setUtf8Format(utf8, t.offset, t.end(), comment_);
                if (t.unterminated) return '*';
            }
            continue; // a comment does not start a statement
        case Kind::String:
        case Kind::QuotedName:
            if (t.kind == Kind::String) setUtf8Format(utf8, t.offset, t.end(), string_);
            if (t.unterminated) return static_cast<unsigned char>(word.front());
            break;
        case Kind::Number:
            setUtf8Format(utf8, t.offset, t.end(), number_);
            break;
        case Kind::Variable:
            if (txs::findVariable(word) == word) setUtf8Format(utf8, t.offset, t.end(), variable_);
            break;
        case Kind::Word:
            if (txs::isSqlKeyword(word) || (statementStart && txs::equalsIgnoreCase(word, "sleep")))
                setUtf8Format(utf8, t.offset, t.end(), sqlKeyword_);
            break;
        default:
            break;
        }
        if (t.kind != Kind::Space) statementStart = t.kind == Kind::Punct && word == ";";
    }
    return kNoQuote;
}
