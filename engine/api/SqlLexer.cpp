#include "engine/api/SqlLexer.h"

#include "engine/api/AsciiText.h"

#include <array>
#include <sqlite3.h>
#include <string>
#include <utility>

namespace txs {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
// SQLite's identifier characters (sqlite3IsIdChar): any byte >= 0x80 counts, as UTF-8.
bool isIdStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
}
bool isIdChar(char c)
{
    return isIdStart(c) || isDigit(c) || c == '$';
}
bool isBlankChar(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::size_t numberEnd(std::string_view s, std::size_t i)
{
    if (s[i] == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        i += 2;
    } else {
        while (i < s.size() && isDigit(s[i]))
            ++i;
        if (i < s.size() && s[i] == '.') ++i;
        while (i < s.size() && isDigit(s[i]))
            ++i;
        if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
            std::size_t j = i + 1;
            if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
            if (j < s.size() && isDigit(s[j])) i = j;
        }
    }
    // SQLite rejects "12abc" as one bad token; keeping it one token keeps words from starting
    // inside a number.
    while (i < s.size() && isIdChar(s[i]))
        ++i;
    return i;
}

} // namespace

std::size_t quotedRunEnd(std::string_view s, std::size_t from, char close)
{
    for (std::size_t j = from; j < s.size(); ++j) {
        if (s[j] != close) continue;
        if (close != ']' && j + 1 < s.size() && s[j + 1] == close) {
            ++j; // a doubled quote is the quote itself
            continue;
        }
        return j + 1;
    }
    return std::string_view::npos;
}

SqlToken sqlTokenAt(std::string_view s, std::size_t i)
{
    using Kind = SqlToken::Kind;
    SqlToken t;
    t.offset = i;
    if (i >= s.size()) return t;
    const char c = s[i];
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    std::size_t end = i + 1;
    if (isBlankChar(c)) {
        t.kind = Kind::Space;
        while (end < s.size() && isBlankChar(s[end]))
            ++end;
    } else if (c == '-' && next == '-') {
        t.kind = Kind::Comment;
        const auto eol = s.find('\n', i);
        end = eol == std::string_view::npos ? s.size() : eol + 1;
    } else if (c == '/' && next == '*') {
        t.kind = Kind::Comment;
        const auto close = s.find("*/", i + 2);
        t.unterminated = close == std::string_view::npos;
        end = t.unterminated ? s.size() : close + 2;
    } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
        t.kind = c == '\'' ? Kind::String : Kind::QuotedName;
        end = quotedRunEnd(s, i + 1, c == '[' ? ']' : c);
        t.unterminated = end == std::string_view::npos;
        if (t.unterminated) end = s.size();
    } else if (isDigit(c) || (c == '.' && isDigit(next))) {
        t.kind = Kind::Number;
        end = numberEnd(s, i);
    } else if (isIdStart(c)) {
        t.kind = Kind::Word;
        while (end < s.size() && isIdChar(s[end]))
            ++end;
    } else if (c == '?') {
        t.kind = Kind::Variable;
        while (end < s.size() && isDigit(s[end]))
            ++end;
    } else if ((c == ':' || c == '@' || c == '$') && isIdChar(next)) {
        t.kind = Kind::Variable;
        while (end < s.size() && isIdChar(s[end]))
            ++end;
    } else {
        t.kind = Kind::Punct;
    }
    t.length = end - i;
    return t;
}

SqlToken nextSqlToken(std::string_view sql, std::size_t pos)
{
    SqlToken t = sqlTokenAt(sql, pos);
    while (t.isBlank())
        t = sqlTokenAt(sql, t.end());
    return t;
}

std::size_t skipSpaceAndComments(std::string_view sql, std::size_t from)
{
    return nextSqlToken(sql, from).offset;
}

bool isCompleteSql(std::string_view sql)
{
    // sqlite3_complete reads a NUL-terminated string; one buffer a thread, so the statement
    // path allocates only when a statement is longer than any before it.
    thread_local std::string buffer;
    buffer.assign(sql);
    return sqlite3_complete(buffer.c_str()) != 0;
}

namespace {

// The bytes that may start a ';', a quoted run, a comment, or the word TRIGGER.
constexpr auto kSpecial = [] {
    std::array<bool, 256> special{};
    for (unsigned char c : std::string_view(";'\"`[-/tT"))
        special[c] = true;
    return special;
}();

// The first statement's length, and whether it ends with its own ';'. sqlite3_complete only
// reads a ';' as inside a statement after CREATE [TEMP] TRIGGER (its state machine enters the
// trigger state on that bare keyword alone, and leaves it only at "END;"), so a statement in which
// no "trigger" occurs outside strings, quoted names and comments before its first ';' (in any
// case, even inside a longer word) ends there, and is found by bytes: no other token holds a ';', a quote or
// a comment's opening (words, numbers and variables are identifier characters, digits, '.', and '+' or '-'
// after an exponent). Measured: the token loop below, asking sqlite3_complete at each ';', cost ~4,800
// instructions of a 3-statement transaction's text; this ~1,000 (callgrind, docs/performance.md).
std::pair<std::size_t, bool> firstStatement(std::string_view sql)
{
    bool trigger = false;
    for (std::size_t i = 0; i < sql.size() && !trigger; ++i) {
        const char c = sql[i];
        if (!kSpecial[static_cast<unsigned char>(c)]) continue;
        const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
        std::size_t end = i;
        if (c == ';') {
            return {i + 1, true};
        } else if (c == 't' || c == 'T') {
            trigger = equalsIgnoreCase(sql.substr(i, 7), "trigger");
            continue;
        } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
            end = quotedRunEnd(sql, i + 1, c == '[' ? ']' : c);
        } else if (c == '-' && next == '-') {
            end = sql.find('\n', i);
            if (end != std::string_view::npos) ++end;
        } else if (c == '/' && next == '*') {
            end = sql.find("*/", i + 2);
            if (end != std::string_view::npos) end += 2;
        } else {
            continue;
        }
        if (end == std::string_view::npos) return {sql.size(), false}; // runs to the end of the text
        i = end - 1;
    }
    if (!trigger) return {sql.size(), false};
    // A trigger (or the word somewhere): token by token, asking sqlite3_complete at each ';'.
    SqlToken last;
    for (SqlToken t = sqlTokenAt(sql, 0); t.kind != SqlToken::Kind::End; t = sqlTokenAt(sql, t.end())) {
        if (t.kind != SqlToken::Kind::Punct || sql[t.offset] != ';') continue;
        if (isCompleteSql(sql.substr(0, t.end()))) return {t.end(), true};
        last = t;
    }
    // No complete statement: an unfinished trigger still ends with the last ';' it has.
    return {sql.size(), last.kind == SqlToken::Kind::Punct && last.end() == sql.size()};
}
} // namespace

std::size_t firstStatementLength(std::string_view sql)
{
    return firstStatement(sql).first;
}

std::vector<std::string_view> splitStatements(std::string_view sql)
{
    std::vector<std::string_view> out;
    while (!sql.empty()) {
        const auto [n, withSemicolon] = firstStatement(sql);
        std::string_view piece = sql.substr(0, withSemicolon ? n - 1 : n);
        if (nextSqlToken(piece, 0).kind != SqlToken::Kind::End) out.push_back(piece);
        sql.remove_prefix(n);
    }
    return out;
}

bool isSqlKeyword(std::string_view word)
{
    if (word.empty() || word.size() > 64) return false;
    return sqlite3_keyword_check(word.data(), static_cast<int>(word.size())) != 0;
}

} // namespace txs
