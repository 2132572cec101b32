#include "engine/mvcc/PartialTerms.h"

#include "engine/sqlutil/SqlScanner.h"

namespace txs::mvcc {

using sqlutil::Token;
using Op = PartialTerm::Op;

namespace {

bool isWord(const Token& t, const char* word)
{
    return t.type == Token::Type::Word && !t.quoted && t.text == word;
}

bool isPunct(const Token& t, const char* punct)
{
    return t.type == Token::Type::Punct && t.text == punct;
}

bool sameName(const std::string& a, const std::string& b) // SQLite's identifiers: ASCII case folded
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto fold = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };
        if (fold(a[i]) != fold(b[i])) return false;
    }
    return true;
}

// The lexer's punctuation is one character: `>=`, `<=`, `!=`, `<>` and `==` become one token.
std::vector<Token> withOperators(std::vector<Token> tokens)
{
    std::vector<Token> out;
    for (auto& t : tokens) {
        if (!out.empty() && t.type == Token::Type::Punct && out.back().type == Token::Type::Punct &&
            out.back().offset + out.back().length == t.offset) {
            const std::string both = out.back().text + t.text;
            if (both == ">=" || both == "<=" || both == "!=" || both == "<>" || both == "==") {
                out.back().text = both;
                out.back().length += t.length;
                continue;
            }
        }
        out.push_back(std::move(t));
    }
    return out;
}

std::optional<Op> comparison(const Token& t, bool flipped)
{
    if (t.type != Token::Type::Punct) return std::nullopt;
    if (t.text == "=" || t.text == "==") return Op::Eq;
    if (t.text == "!=" || t.text == "<>") return Op::Ne;
    if (t.text == ">") return flipped ? Op::Lt : Op::Gt;
    if (t.text == ">=") return flipped ? Op::Le : Op::Ge;
    if (t.text == "<") return flipped ? Op::Gt : Op::Lt;
    if (t.text == "<=") return flipped ? Op::Ge : Op::Le;
    return std::nullopt;
}

class Reader
{
public:
    Reader(const std::string& sql, const TableSchema& table,
           const std::function<std::optional<Value>(std::string_view)>& evaluate)
        : sql_(sql), table_(table), evaluate_(evaluate)
    {}

    // Tokens [from, to) as conjuncts appended to `out`; false when one has another form.
    bool conjuncts(const std::vector<Token>& t, std::size_t from, std::size_t to,
                   std::vector<PartialTerm>& out)
    {
        if (from >= to) return false;
        if (isPunct(t[from], "(") && closing(t, from) == to - 1) return conjuncts(t, from + 1, to - 1, out);
        int depth = 0;
        for (std::size_t i = from; i < to; ++i) {
            if (isPunct(t[i], "(")) ++depth;
            if (isPunct(t[i], ")")) --depth;
            if (depth == 0 && isWord(t[i], "AND"))
                return conjuncts(t, from, i, out) && conjuncts(t, i + 1, to, out);
        }
        auto term = conjunct(t, from, to);
        if (term) out.push_back(std::move(*term));
        return term.has_value();
    }

private:
    static std::size_t closing(const std::vector<Token>& t, std::size_t open)
    {
        int depth = 0;
        for (std::size_t i = open; i < t.size(); ++i) {
            if (isPunct(t[i], "(")) ++depth;
            if (isPunct(t[i], ")") && --depth == 0) return i;
        }
        return t.size();
    }

    std::optional<int> column(const Token& t) const
    {
        if (t.type != Token::Type::Word) return std::nullopt;
        for (std::size_t c = 0; c < table_.columns.size(); ++c)
            if (sameName(t.text, table_.columns[c].name)) return static_cast<int>(c);
        return std::nullopt;
    }

    // A constant of tokens [from, to): a number (signed or not), a string or NULL.
    std::optional<Value> constant(const std::vector<Token>& t, std::size_t from, std::size_t to) const
    {
        const std::size_t n = to - from;
        const bool plain = n == 1 && (t[from].type == Token::Type::Number ||
                                      t[from].type == Token::Type::String || isWord(t[from], "NULL"));
        const bool signedNumber = n == 2 && (isPunct(t[from], "-") || isPunct(t[from], "+")) &&
                                  t[from + 1].type == Token::Type::Number;
        if (!plain && !signedNumber) return std::nullopt;
        const std::size_t begin = t[from].offset;
        return evaluate_(std::string_view(sql_).substr(begin, t[to - 1].offset + t[to - 1].length - begin));
    }

    std::optional<PartialTerm> conjunct(const std::vector<Token>& t, std::size_t from, std::size_t to) const
    {
        const std::size_t n = to - from;
        auto at = [&](std::size_t i) -> const Token& { return t[from + i]; };
        if (auto c = column(at(0))) {
            if ((n == 2 && isWord(at(1), "NOTNULL")) ||
                (n == 3 && isWord(at(1), "NOT") && isWord(at(2), "NULL")) ||
                (n == 4 && isWord(at(1), "IS") && isWord(at(2), "NOT") && isWord(at(3), "NULL")))
                return PartialTerm{*c, Op::IsNotNull, Value()};
            if ((n == 2 && isWord(at(1), "ISNULL")) ||
                (n == 3 && isWord(at(1), "IS") && isWord(at(2), "NULL")))
                return PartialTerm{*c, Op::IsNull, Value()};
            if (n >= 3) {
                auto op = isWord(at(1), "IS") ? std::optional<Op>(Op::Is) : comparison(at(1), false);
                if (op)
                    if (auto value = constant(t, from + 2, to))
                        return PartialTerm{*c, *op, std::move(*value)};
            }
            return std::nullopt;
        }
        // constant op column
        if (n < 3) return std::nullopt;
        auto c = column(t[to - 1]);
        auto op = comparison(t[to - 2], true);
        if (!c || !op) return std::nullopt;
        auto value = constant(t, from, to - 2);
        if (!value) return std::nullopt;
        return PartialTerm{*c, *op, std::move(*value)};
    }

    const std::string& sql_;
    const TableSchema& table_;
    const std::function<std::optional<Value>(std::string_view)>& evaluate_;
};

} // namespace

std::optional<std::vector<PartialTerm>>
partialTerms(const std::string& createIndex, const TableSchema& table,
             const std::function<std::optional<Value>(std::string_view constant)>& evaluate)
{
    const auto tokens = withOperators(sqlutil::leadingTokens(createIndex, 1u << 20));
    // The WHERE follows the ")" closing the key parts: `... ON t(<key parts>) WHERE ...`.
    std::size_t i = 0;
    while (i < tokens.size() && !isWord(tokens[i], "ON"))
        ++i;
    while (i < tokens.size() && !isPunct(tokens[i], "("))
        ++i;
    int depth = 0;
    for (; i < tokens.size(); ++i) {
        if (isPunct(tokens[i], "(")) ++depth;
        if (isPunct(tokens[i], ")") && --depth == 0) break;
    }
    if (i == tokens.size()) return std::nullopt;
    std::vector<PartialTerm> terms;
    if (i + 1 == tokens.size()) return terms;
    if (!isWord(tokens[i + 1], "WHERE")) return std::nullopt;
    Reader reader(createIndex, table, evaluate);
    if (!reader.conjuncts(tokens, i + 2, tokens.size(), terms)) return std::nullopt;
    return terms;
}

} // namespace txs::mvcc
