#include "engine/sql/TriggerBodyDefaults.h"

#include "engine/api/SqlLexer.h"
#include "engine/sql/InsertDefaults.h"
#include "engine/sqlutil/SqlScanner.h"

namespace txs::sql {

using sqlutil::Token;

namespace {

bool isWord(const Token& t, const char* word)
{
    return t.type == Token::Type::Word && !t.quoted && t.text == word;
}

} // namespace

std::string withBodyDefaults(const std::string& createSql,
                             const std::function<const mvcc::TableSchema*(const std::string&)>& schemaOf)
{
    const auto tokens = sqlutil::leadingTokens(createSql, 1u << 20);
    // The body: from the first BEGIN (a keyword: a table or column named so is quoted) to the
    // last END.
    std::size_t begin = 0;
    while (begin < tokens.size() && !isWord(tokens[begin], "BEGIN"))
        ++begin;
    std::size_t end = tokens.size();
    while (end > begin + 1 && !isWord(tokens[end - 1], "END"))
        --end;
    if (begin >= tokens.size() || end <= begin + 1) return createSql;
    const std::size_t bodyAt = tokens[begin].offset + tokens[begin].length;
    const std::string_view body = std::string_view(createSql).substr(bodyAt, tokens[end - 1].offset - bodyAt);

    std::string out;
    std::size_t copied = 0; // in createSql
    for (const std::string_view statement : splitStatements(body)) {
        const auto rewritten = insertWithDefaults(statement, schemaOf);
        if (!rewritten) continue;
        const std::size_t at = bodyAt + static_cast<std::size_t>(statement.data() - body.data());
        out.append(createSql, copied, at - copied);
        out += *rewritten;
        copied = at + statement.size();
    }
    if (copied == 0) return createSql;
    out.append(createSql, copied);
    return out;
}

} // namespace txs::sql
