#include "engine/sqlutil/SqlScanner.h"

#include <algorithm>
#include <cctype>

namespace txs::sqlutil {

namespace {

bool isWordChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || (c & 0x80);
}

// Length of the comment or quoted run starting at `i`, or 0 when none starts there.
std::size_t skipQuotedOrComment(std::string_view s, std::size_t i)
{
    const char c = s[i];
    if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
        auto end = s.find('\n', i);
        return (end == std::string_view::npos ? s.size() : end + 1) - i;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
        auto end = s.find("*/", i + 2);
        return (end == std::string_view::npos ? s.size() : end + 2) - i;
    }
    char close = 0;
    if (c == '\'' || c == '"' || c == '`')
        close = c;
    else if (c == '[')
        close = ']';
    if (!close) return 0;
    std::size_t j = i + 1;
    while (j < s.size()) {
        if (s[j] == close) {
            // A doubled quote inside a quoted run is an escaped quote.
            if (close != ']' && j + 1 < s.size() && s[j + 1] == close) {
                j += 2;
                continue;
            }
            return j + 1 - i;
        }
        ++j;
    }
    return s.size() - i;
}

bool onlyBlanksAndComments(std::string_view s)
{
    for (std::size_t i = 0; i < s.size();) {
        if (std::isspace(static_cast<unsigned char>(s[i]))) {
            ++i;
            continue;
        }
        if ((s[i] == '-' || s[i] == '/') && skipQuotedOrComment(s, i)) {
            i += skipQuotedOrComment(s, i);
            continue;
        }
        return false;
    }
    return true;
}

} // namespace

std::vector<std::string_view> splitStatements(std::string_view sql)
{
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i < sql.size();) {
        const char c = sql[i];
        const bool mayOpen = c == '-' || c == '/' || c == '\'' || c == '"' || c == '`' || c == '[';
        if (auto n = mayOpen ? skipQuotedOrComment(sql, i) : 0) {
            i += n;
            continue;
        }
        if (c == ';') {
            auto piece = sql.substr(start, i - start);
            if (!onlyBlanksAndComments(piece)) out.push_back(piece);
            start = i + 1;
        }
        ++i;
    }
    auto tail = sql.substr(start);
    if (!onlyBlanksAndComments(tail)) out.push_back(tail);
    return out;
}

std::vector<Token> leadingTokens(std::string_view s, std::size_t max)
{
    std::vector<Token> tokens;
    tokens.reserve(std::min<std::size_t>(max, 16));
    for (std::size_t i = 0; i < s.size() && tokens.size() < max;) {
        const char c = s[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
            continue;
        }
        if ((c == '-' || c == '/') && i + 1 < s.size() && (s[i + 1] == c || (c == '/' && s[i + 1] == '*'))) {
            i += skipQuotedOrComment(s, i);
            continue;
        }
        if (c == '\'') {
            const auto n = skipQuotedOrComment(s, i);
            std::string text(s.substr(i + 1, n >= 2 ? n - 2 : 0));
            tokens.push_back({Token::Type::String, text, true, i, n});
            i += n;
            continue;
        }
        if (c == '"' || c == '`' || c == '[') {
            const auto n = skipQuotedOrComment(s, i);
            tokens.push_back(
                {Token::Type::Word, std::string(s.substr(i + 1, n >= 2 ? n - 2 : 0)), true, i, n});
            i += n;
            continue;
        }
        if (isWordChar(c)) {
            std::size_t j = i;
            while (j < s.size() &&
                   (isWordChar(s[j]) || (std::isdigit(static_cast<unsigned char>(c)) && s[j] == '.')))
                ++j;
            std::string text(s.substr(i, j - i));
            const bool number = std::isdigit(static_cast<unsigned char>(c));
            if (!number)
                for (auto& ch : text)
                    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
            tokens.push_back({number ? Token::Type::Number : Token::Type::Word, text, false, i, j - i});
            i = j;
            continue;
        }
        tokens.push_back({Token::Type::Punct, std::string(1, c), false, i, 1});
        ++i;
    }
    return tokens;
}

namespace {

bool is(const std::vector<Token>& t, std::size_t i, const char* word)
{
    return i < t.size() && t[i].type == Token::Type::Word && !t[i].quoted && t[i].text == word;
}

// [schema.]name starting at i; returns the index after it.
std::size_t qualifiedName(const std::vector<Token>& t, std::size_t i, std::string& schema, std::string& name)
{
    if (i >= t.size()) return i;
    if (i + 2 < t.size() && t[i + 1].type == Token::Type::Punct && t[i + 1].text == ".") {
        schema = t[i].text;
        name = t[i + 2].text;
        return i + 3;
    }
    name = t[i].text;
    return i + 1;
}

bool isTempSchema(const std::string& schema)
{
    std::string s;
    for (char c : schema)
        s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s == "TEMP" || s == "TEMPORARY";
}

Classified unsupported(std::string what)
{
    Classified c;
    c.kind = StatementKind::Unsupported;
    c.what = std::move(what);
    return c;
}

// The statement's first keyword, upper-cased, if it is one the MVCC engine handles itself;
// empty for everything SQLite runs (SELECT, INSERT, UPDATE, DELETE, WITH, ...). This is the
// hot path of every statement, so it looks at the first word only and allocates nothing.
std::string_view engineKeyword(std::string_view s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        if (std::isspace(static_cast<unsigned char>(s[i]))) {
            ++i;
        } else if ((s[i] == '-' || s[i] == '/') && skipQuotedOrComment(s, i)) {
            i += skipQuotedOrComment(s, i);
        } else {
            break;
        }
    }
    char word[10];
    std::size_t n = 0;
    for (; i < s.size() && isWordChar(s[i]); ++i) {
        if (n == sizeof word) return {};
        const char c = s[i];
        word[n++] = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    }
    static constexpr std::string_view keywords[] = {"BEGIN",   "COMMIT", "END",    "ROLLBACK", "SAVEPOINT",
                                                    "RELEASE", "PRAGMA", "CREATE", "DROP",     "ALTER",
                                                    "ATTACH",  "DETACH", "VACUUM", "REINDEX"};
    const std::string_view first(word, n);
    for (auto k : keywords)
        if (k == first) return k;
    return {};
}

} // namespace

Classified classify(std::string_view statement)
{
    Classified c;
    const std::string_view keyword = engineKeyword(statement);
    if (keyword.empty()) return c;
    if (keyword == "COMMIT" || keyword == "END") {
        c.kind = StatementKind::Commit;
        return c;
    }
    const auto t = leadingTokens(statement, keyword == "BEGIN" ? 2 : 12);
    if (t.empty()) return c;
    if (is(t, 0, "BEGIN")) {
        c.kind = StatementKind::Begin;
        if (is(t, 1, "CONCURRENT"))
            c.beginMode = TxMode::Concurrent;
        else if (is(t, 1, "IMMEDIATE"))
            c.beginMode = TxMode::Immediate;
        else if (is(t, 1, "EXCLUSIVE"))
            c.beginMode = TxMode::Exclusive;
        return c;
    }
    if (is(t, 0, "COMMIT") || is(t, 0, "END")) {
        c.kind = StatementKind::Commit;
        return c;
    }
    if (is(t, 0, "ROLLBACK")) {
        for (std::size_t i = 1; i < t.size(); ++i)
            if (is(t, i, "TO")) return unsupported("savepoints (ROLLBACK TO)");
        c.kind = StatementKind::Rollback;
        return c;
    }
    if (is(t, 0, "SAVEPOINT") || is(t, 0, "RELEASE")) return unsupported("savepoints (" + t[0].text + ")");
    if (is(t, 0, "PRAGMA")) {
        c.kind = StatementKind::Pragma;
        std::string schema;
        std::size_t i = qualifiedName(t, 1, schema, c.name);
        for (auto& ch : c.name)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (i < t.size() && t[i].type == Token::Type::Punct && (t[i].text == "=" || t[i].text == "(")) {
            // The value is one token, possibly signed: PRAGMA busy_timeout = -1.
            std::size_t v = i + 1;
            if (v < t.size() && t[v].type == Token::Type::Punct && (t[v].text == "-" || t[v].text == "+")) {
                c.pragmaValue = t[v].text;
                ++v;
            }
            if (v < t.size()) c.pragmaValue += t[v].text;
        }
        return c;
    }
    if (is(t, 0, "CREATE")) {
        std::size_t i = 1;
        if (is(t, i, "TEMP") || is(t, i, "TEMPORARY")) {
            c.temp = true;
            ++i;
        }
        if (is(t, i, "UNIQUE") || is(t, i, "INDEX")) return unsupported("secondary indexes (CREATE INDEX)");
        if (is(t, i, "TRIGGER")) return unsupported("triggers (CREATE TRIGGER)");
        if (is(t, i, "VIEW")) return unsupported("views (CREATE VIEW)");
        if (is(t, i, "VIRTUAL")) return unsupported("virtual tables (CREATE VIRTUAL TABLE)");
        if (!is(t, i, "TABLE")) return c;
        ++i;
        if (is(t, i, "IF") && is(t, i + 1, "NOT") && is(t, i + 2, "EXISTS")) {
            c.ifExists = true;
            i += 3;
        }
        std::string schema;
        i = qualifiedName(t, i, schema, c.name);
        if (isTempSchema(schema)) c.temp = true;
        if (is(t, i, "AS") && !c.temp) return unsupported("CREATE TABLE ... AS SELECT");
        c.kind = StatementKind::CreateTable;
        return c;
    }
    if (is(t, 0, "DROP") && is(t, 1, "TABLE")) {
        std::size_t i = 2;
        if (is(t, i, "IF") && is(t, i + 1, "EXISTS")) {
            c.ifExists = true;
            i += 2;
        }
        std::string schema;
        qualifiedName(t, i, schema, c.name);
        c.temp = isTempSchema(schema);
        c.kind = StatementKind::DropTable;
        return c;
    }
    if (is(t, 0, "ALTER")) return unsupported("ALTER TABLE");
    if (is(t, 0, "ATTACH") || is(t, 0, "DETACH"))
        return unsupported("attached databases (" + t[0].text + ")");
    if (is(t, 0, "VACUUM")) return unsupported("VACUUM");
    if (is(t, 0, "REINDEX")) return unsupported("REINDEX");
    return c;
}

} // namespace txs::sqlutil
