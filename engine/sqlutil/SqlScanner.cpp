#include "engine/sqlutil/SqlScanner.h"

#include "engine/api/AsciiText.h"
#include "engine/api/SqlLexer.h"

#include <algorithm>
#include <cctype>

namespace txs::sqlutil {

std::vector<Token> leadingTokens(std::string_view s, std::size_t max)
{
    using Kind = SqlToken::Kind;
    std::vector<Token> tokens;
    tokens.reserve(std::min<std::size_t>(max, 16));
    for (SqlToken t = nextSqlToken(s, 0); t.kind != Kind::End && tokens.size() < max;
         t = nextSqlToken(s, t.end())) {
        const std::string_view text = t.text(s);
        switch (t.kind) {
        case Kind::String:
        case Kind::QuotedName: {
            // The value between the quotes: a doubled closing quote stands for one ('it''s' is
            // it's, "we""ird" is we"ird), as SQLite reads it; brackets have no escape.
            const std::size_t inner = t.length >= 2 ? t.length - 2 + t.unterminated : 0;
            const std::string_view between = text.substr(1, inner);
            const char close = text.front() == '[' ? ']' : text.front();
            std::string value;
            value.reserve(between.size());
            for (std::size_t i = 0; i < between.size(); ++i) {
                value += between[i];
                if (close != ']' && between[i] == close && i + 1 < between.size() && between[i + 1] == close)
                    ++i;
            }
            tokens.push_back({t.kind == Kind::String ? Token::Type::String : Token::Type::Word,
                              std::move(value), true, t.offset, t.length});
            break;
        }
        case Kind::Word: {
            std::string word(text);
            for (auto& ch : word)
                if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
            tokens.push_back({Token::Type::Word, std::move(word), false, t.offset, t.length});
            break;
        }
        case Kind::Number:
            tokens.push_back({Token::Type::Number, std::string(text), false, t.offset, t.length});
            break;
        case Kind::Variable: // PRAGMA and DDL have none; one token of punctuation, as before
        default:
            tokens.push_back({Token::Type::Punct, std::string(text), false, t.offset, t.length});
            break;
        }
    }
    return tokens;
}

std::string_view firstWord(std::string_view statement)
{
    const SqlToken token = nextSqlToken(statement, 0);
    return token.kind == SqlToken::Kind::Word ? token.text(statement) : std::string_view();
}

bool wordIs(std::string_view word, std::string_view upper)
{
    return !word.empty() && equalsIgnoreCase(word, upper);
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
    const SqlToken token = nextSqlToken(s, 0);
    if (token.kind != SqlToken::Kind::Word || token.length > 10) return {};
    char word[10];
    const std::size_t n = token.length;
    for (std::size_t k = 0; k < n; ++k) {
        const char c = s[token.offset + k];
        word[k] = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    }
    static constexpr std::string_view keywords[] = {"BEGIN",   "COMMIT", "END",    "ROLLBACK", "SAVEPOINT",
                                                    "RELEASE", "PRAGMA", "CREATE", "DROP",     "ALTER",
                                                    "ATTACH",  "DETACH", "VACUUM", "REINDEX"};
    const std::string_view first(word, n);
    for (auto k : keywords)
        if (k == first) return k;
    return {};
}

// CREATE INDEX / VIEW from the token after the keyword: [IF NOT EXISTS] [schema.]name.
Classified createdObject(const std::vector<Token>& t, std::size_t i, StatementKind kind, Classified c)
{
    if (is(t, i, "IF") && is(t, i + 1, "NOT") && is(t, i + 2, "EXISTS")) {
        c.ifExists = true;
        i += 3;
    }
    std::string schema;
    qualifiedName(t, i, schema, c.name);
    if (isTempSchema(schema)) c.temp = true;
    c.kind = kind;
    return c;
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
    if (keyword == "BEGIN") {
        // Every transaction starts here: its mode from the next word, without allocating.
        c.kind = StatementKind::Begin;
        const SqlToken mode = nextSqlToken(statement, nextSqlToken(statement, 0).end());
        const std::string_view word = mode.kind == SqlToken::Kind::Word ? mode.text(statement) : "";
        if (wordIs(word, "CONCURRENT"))
            c.beginMode = TxMode::Concurrent;
        else if (wordIs(word, "IMMEDIATE"))
            c.beginMode = TxMode::Immediate;
        else if (wordIs(word, "EXCLUSIVE"))
            c.beginMode = TxMode::Exclusive;
        return c;
    }
    const auto t = leadingTokens(statement, 12);
    if (t.empty()) return c;
    if (is(t, 0, "COMMIT") || is(t, 0, "END")) {
        c.kind = StatementKind::Commit;
        return c;
    }
    if (is(t, 0, "ROLLBACK")) {
        c.kind = StatementKind::Rollback;
        std::size_t i = is(t, 1, "TRANSACTION") ? 2 : 1;
        if (is(t, i, "TO")) {
            c.kind = StatementKind::RollbackTo;
            i += is(t, i + 1, "SAVEPOINT") ? 2 : 1;
            if (i < t.size()) c.name = t[i].text;
        }
        return c;
    }
    if (is(t, 0, "SAVEPOINT") || is(t, 0, "RELEASE")) {
        c.kind = is(t, 0, "SAVEPOINT") ? StatementKind::Savepoint : StatementKind::Release;
        const std::size_t i = c.kind == StatementKind::Release && is(t, 1, "SAVEPOINT") ? 2 : 1;
        if (i < t.size()) c.name = t[i].text;
        return c;
    }
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
        if (is(t, i, "UNIQUE") || is(t, i, "INDEX")) {
            if (is(t, i, "UNIQUE")) ++i;
            return createdObject(t, i + 1, StatementKind::CreateIndex, c);
        }
        if (is(t, i, "TRIGGER")) return createdObject(t, i + 1, StatementKind::CreateTrigger, c);
        if (is(t, i, "VIEW")) return createdObject(t, i + 1, StatementKind::CreateView, c);
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
        c.asSelect = is(t, i, "AS");
        c.kind = StatementKind::CreateTable;
        return c;
    }
    if (is(t, 0, "DROP") &&
        (is(t, 1, "TABLE") || is(t, 1, "INDEX") || is(t, 1, "VIEW") || is(t, 1, "TRIGGER"))) {
        std::size_t i = 2;
        if (is(t, i, "IF") && is(t, i + 1, "EXISTS")) {
            c.ifExists = true;
            i += 2;
        }
        std::string schema;
        qualifiedName(t, i, schema, c.name);
        c.temp = isTempSchema(schema);
        c.kind = is(t, 1, "TABLE")   ? StatementKind::DropTable
                 : is(t, 1, "INDEX") ? StatementKind::DropIndex
                 : is(t, 1, "VIEW")  ? StatementKind::DropView
                                     : StatementKind::DropTrigger;
        return c;
    }
    if (is(t, 0, "ALTER") && is(t, 1, "TABLE")) {
        std::string schema;
        qualifiedName(t, 2, schema, c.name);
        c.temp = isTempSchema(schema);
        c.kind = StatementKind::AlterTable;
        return c;
    }
    if (is(t, 0, "ATTACH") || is(t, 0, "DETACH"))
        return unsupported("attached databases (" + t[0].text + ")");
    if (is(t, 0, "VACUUM")) return unsupported("VACUUM statements");
    if (is(t, 0, "REINDEX")) return unsupported("REINDEX statements");
    return c;
}

} // namespace txs::sqlutil
