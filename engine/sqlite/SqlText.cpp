#include "engine/sqlite/SqlText.h"

#include "engine/api/AsciiText.h"
#include "engine/api/SqlLexer.h"

#include <cctype>
#include <charconv>
#include <sqlite3.h>

namespace txs::sqlite {

namespace {

// A cursor over the statement's tokens (blanks and comments skipped).
struct Words
{
    std::string_view sql;
    std::size_t pos = 0;

    std::string_view next()
    {
        const SqlToken t = nextSqlToken(sql, pos);
        pos = t.end();
        return t.text(sql);
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
    if (!equalsIgnoreCase(name, "busy_timeout")) return std::nullopt;
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

// PRAGMA [main.]journal_mode = X | (X) — `words` is positioned after PRAGMA. Only one that sets
// a mode of the main database: the query form changes nothing, and another schema's file is
// not the run's database.
bool setsMainJournalMode(Words words)
{
    std::string_view name = words.next();
    if (words.peek() == ".") {
        if (!equalsIgnoreCase(name, "main")) return false;
        words.next();
        name = words.next();
    }
    if (!equalsIgnoreCase(name, "journal_mode")) return false;
    const std::string_view op = words.next();
    return op == "=" || op == "(";
}

} // namespace

StatementInfo classifyStatement(std::string_view statement)
{
    Words words{statement};
    const std::string_view first = words.next();
    StatementInfo info;
    if (equalsIgnoreCase(first, "BEGIN")) {
        info.kind = StatementKind::Begin;
        info.beginMode = TxMode::Deferred;
        const std::string_view mode = words.peek();
        if (equalsIgnoreCase(mode, "IMMEDIATE")) info.beginMode = TxMode::Immediate;
        if (equalsIgnoreCase(mode, "EXCLUSIVE")) info.beginMode = TxMode::Exclusive;
        if (equalsIgnoreCase(mode, "CONCURRENT")) {
            // Stock SQLite 3.40.1 has no BEGIN CONCURRENT (a syntax error); it runs as DEFERRED.
            words.next();
            info.concurrentEnd = words.pos;
        }
    } else if (equalsIgnoreCase(first, "COMMIT") || equalsIgnoreCase(first, "END")) {
        info.kind = StatementKind::Commit;
    } else if (equalsIgnoreCase(first, "ROLLBACK")) {
        // ROLLBACK [TRANSACTION] TO [SAVEPOINT] name keeps the transaction open.
        std::string_view w = words.next();
        if (equalsIgnoreCase(w, "TRANSACTION")) w = words.next();
        info.kind = equalsIgnoreCase(w, "TO") ? StatementKind::Other : StatementKind::Rollback;
    } else if (equalsIgnoreCase(first, "SAVEPOINT")) {
        info.kind = StatementKind::Savepoint;
    } else if (equalsIgnoreCase(first, "RELEASE")) {
        info.kind = StatementKind::Release;
    } else if (equalsIgnoreCase(first, "PRAGMA")) {
        if (auto pragma = busyTimeoutPragma(words))
            info = *pragma;
        else if (setsMainJournalMode(words))
            info.kind = StatementKind::JournalMode;
    }
    return info;
}

std::string displayText(std::string_view statement)
{
    std::size_t begin = 0, end = statement.size();
    const auto blank = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (begin < end && blank(statement[begin]))
        ++begin;
    while (end > begin && (blank(statement[end - 1]) || statement[end - 1] == ';'))
        --end;
    return std::string(statement.substr(begin, end - begin));
}

} // namespace txs::sqlite
