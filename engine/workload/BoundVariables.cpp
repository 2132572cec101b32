#include "engine/workload/BoundVariables.h"

#include "engine/sqlutil/SqlScanner.h"
#include "engine/workload/Substitution.h"

#include <algorithm>
#include <limits>

namespace txs {

namespace {

using sqlutil::Token;

bool word(const Token& t, std::string_view upper)
{
    return t.type == Token::Type::Word && !t.quoted && t.text == upper;
}

bool punct(const Token& t, char c)
{
    return t.type == Token::Type::Punct && t.text.size() == 1 && t.text[0] == c;
}

// Whether the statement can bind its variables (see the header), filling `order` if so.
bool bindable(std::string_view sql, std::vector<WorkerVariable>& order)
{
    const auto tokens = sqlutil::leadingTokens(sql, std::numeric_limits<std::size_t>::max());
    if (tokens.empty()) return false;
    const Token& first = tokens.front();
    if (!(word(first, "SELECT") || word(first, "INSERT") || word(first, "REPLACE") || word(first, "UPDATE") ||
          word(first, "DELETE") || word(first, "WITH") || word(first, "VALUES")))
        return false;
    bool afterBy = false; // inside an ORDER/GROUP/PARTITION BY list, roughly: after a BY
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const Token& t = tokens[i];
        const std::string_view raw = sql.substr(t.offset, t.length);
        if (word(t, "CONFLICT") || word(t, "RETURNING")) return false;
        if (word(t, "BY")) afterBy = true;
        // The lexer gives a parameter (?, ?1, :name, @name, $name) as one punctuation token.
        const bool variable = (t.type == Token::Type::Word || t.type == Token::Type::Punct) && !t.quoted &&
                              (raw == "$worker" || raw == "$iter");
        if (!variable && t.type == Token::Type::Punct && !raw.empty() &&
            (raw[0] == '?' || raw[0] == ':' || raw[0] == '@' || raw[0] == '$'))
            return false; // another parameter
        if (!variable) {
            // A variable inside a literal, a quoted name or a longer word is text, not a value.
            if (!findVariable(raw).empty()) return false;
            if (!raw.empty() && raw[0] == '$') return false; // another parameter
            continue;
        }
        const std::size_t end = t.offset + t.length;
        if (end < sql.size() && (sql[end] == '(' || sql[end] == ':')) return false;
        if (afterBy && i > 0 && (word(tokens[i - 1], "BY") || punct(tokens[i - 1], ','))) return false;
        const auto v = raw == "$worker" ? WorkerVariable::Worker : WorkerVariable::Iter;
        if (std::find(order.begin(), order.end(), v) == order.end()) order.push_back(v);
    }
    return true;
}

} // namespace

Params WorkerStatement::params(int worker, std::int64_t iter) const
{
    Params p;
    p.reserve(order.size());
    for (WorkerVariable v : order)
        p.emplace_back(v == WorkerVariable::Worker ? std::int64_t{worker} : iter);
    return p;
}

WorkerStatement prepareWorkerStatement(std::string_view sql)
{
    WorkerStatement s;
    s.sql = std::string(sql);
    // Without variables the text runs as written, whatever its kind (BEGIN, COMMIT ...).
    s.bound = findVariable(sql).empty() || bindable(sql, s.order);
    if (!s.bound) s.order.clear();
    return s;
}

} // namespace txs
