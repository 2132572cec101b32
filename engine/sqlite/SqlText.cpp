#include "engine/sqlite/SqlText.h"

#include <cctype>
#include <charconv>
#include <sqlite3.h>

namespace txs::sqlite {

namespace {

bool isSpace(char c)
{
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}
bool isIdentStart(char c)
{
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool isIdentChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

bool equalsNoCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

// A cursor over the statement's words; only bare identifiers and single punctuation.
struct Words
{
    std::string_view sql;
    std::size_t pos = 0;

    std::string_view next()
    {
        pos = skipSpaceAndComments(sql, pos);
        if (pos >= sql.size()) return {};
        const std::size_t start = pos;
        if (isIdentStart(sql[pos])) {
            while (pos < sql.size() && isIdentChar(sql[pos]))
                ++pos;
        } else {
            ++pos;
        }
        return sql.substr(start, pos - start);
    }
    std::string_view peek()
    {
        const std::size_t saved = pos;
        const std::string_view w = next();
        pos = saved;
        return w;
    }
    bool atEnd()
    {
        const std::string_view w = peek();
        return w.empty() || w == ";";
    }
};

std::optional<int> parseInt(std::string_view text)
{
    if (text.size() >= 2 && (text.front() == '\'' || text.front() == '"') && text.back() == text.front())
        text = text.substr(1, text.size() - 2);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// PRAGMA [schema.]busy_timeout [= N | (N)] — `words` is positioned after PRAGMA.
std::optional<StatementInfo> busyTimeoutPragma(Words words)
{
    std::string_view name = words.next();
    if (words.peek() == ".") {
        words.next();
        name = words.next();
    }
    if (!equalsNoCase(name, "busy_timeout")) return std::nullopt;
    StatementInfo info;
    info.kind = StatementKind::BusyTimeout;
    if (words.atEnd()) return info;
    const std::string_view op = words.next();
    if (op != "=" && op != "(") return std::nullopt;
    // The value: an optionally signed, optionally quoted integer, as one raw span.
    std::size_t start = skipSpaceAndComments(words.sql, words.pos);
    std::size_t end = start;
    const std::string_view sql = words.sql;
    if (end < sql.size() && (sql[end] == '\'' || sql[end] == '"')) {
        const char quote = sql[end];
        end = sql.find(quote, end + 1);
        if (end == std::string_view::npos) return std::nullopt;
        ++end;
    } else {
        if (end < sql.size() && (sql[end] == '-' || sql[end] == '+')) ++end;
        while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end])))
            ++end;
    }
    const auto value = parseInt(sql.substr(start, end - start));
    if (!value) return std::nullopt;
    words.pos = end;
    if (op == "(" && words.next() != ")") return std::nullopt;
    if (!words.atEnd()) return std::nullopt;
    info.busyTimeout = value;
    return info;
}

} // namespace

std::size_t skipSpaceAndComments(std::string_view sql, std::size_t from)
{
    std::size_t i = from;
    while (i < sql.size()) {
        if (isSpace(sql[i])) {
            ++i;
        } else if (sql.compare(i, 2, "--") == 0) {
            const std::size_t eol = sql.find('\n', i);
            i = eol == std::string_view::npos ? sql.size() : eol + 1;
        } else if (sql.compare(i, 2, "/*") == 0) {
            const std::size_t close = sql.find("*/", i + 2);
            i = close == std::string_view::npos ? sql.size() : close + 2;
        } else {
            break;
        }
    }
    return i;
}

std::size_t firstStatementLength(std::string_view sql)
{
    // sqlite3_complete needs a NUL-terminated string; it is only asked at each ';'.
    std::string prefix;
    for (std::size_t i = sql.find(';'); i != std::string_view::npos; i = sql.find(';', i + 1)) {
        prefix.assign(sql.substr(0, i + 1));
        if (sqlite3_complete(prefix.c_str())) return i + 1;
    }
    return sql.size();
}

StatementInfo classifyStatement(std::string_view statement)
{
    Words words{statement};
    const std::string_view first = words.next();
    StatementInfo info;
    if (equalsNoCase(first, "BEGIN")) {
        info.kind = StatementKind::Begin;
        info.beginMode = TxMode::Deferred;
        const std::string_view mode = words.peek();
        if (equalsNoCase(mode, "IMMEDIATE")) info.beginMode = TxMode::Immediate;
        if (equalsNoCase(mode, "EXCLUSIVE")) info.beginMode = TxMode::Exclusive;
        if (equalsNoCase(mode, "CONCURRENT")) {
            // Stock SQLite 3.40.1 has no BEGIN CONCURRENT (a syntax error); it runs as DEFERRED.
            words.next();
            info.concurrentEnd = words.pos;
        }
    } else if (equalsNoCase(first, "COMMIT") || equalsNoCase(first, "END")) {
        info.kind = StatementKind::Commit;
    } else if (equalsNoCase(first, "ROLLBACK")) {
        // ROLLBACK [TRANSACTION] TO [SAVEPOINT] name keeps the transaction open.
        std::string_view w = words.next();
        if (equalsNoCase(w, "TRANSACTION")) w = words.next();
        info.kind = equalsNoCase(w, "TO") ? StatementKind::Other : StatementKind::Rollback;
    } else if (equalsNoCase(first, "SAVEPOINT")) {
        info.kind = StatementKind::Savepoint;
    } else if (equalsNoCase(first, "RELEASE")) {
        info.kind = StatementKind::Release;
    } else if (equalsNoCase(first, "PRAGMA")) {
        if (auto pragma = busyTimeoutPragma(words)) info = *pragma;
    }
    return info;
}

std::string displayText(std::string_view statement)
{
    std::size_t begin = 0, end = statement.size();
    while (begin < end && isSpace(statement[begin]))
        ++begin;
    while (end > begin && (isSpace(statement[end - 1]) || statement[end - 1] == ';'))
        --end;
    return std::string(statement.substr(begin, end - begin));
}

} // namespace txs::sqlite
