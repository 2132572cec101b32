#include "engine/sql/InsertDefaults.h"

#include "engine/api/AsciiText.h"
#include "engine/sqlutil/SqlScanner.h"
#include "engine/sqlutil/SqliteValues.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace txs::sql {

using sqlutil::firstWord;
using sqlutil::leadingTokens;
using sqlutil::quoteIdentifier;
using sqlutil::Token;
using sqlutil::wordIs;

namespace {

bool isWord(const Token& t, const char* word)
{
    return t.type == Token::Type::Word && !t.quoted && t.text == word;
}
bool isPunct(const Token& t, char c)
{
    return t.type == Token::Type::Punct && t.text[0] == c;
}

} // namespace

std::optional<std::string>
insertWithDefaults(std::string_view statement,
                   const std::function<const mvcc::TableSchema*(const std::string&)>& schemaOf)
{
    // Most INSERTs go into tables without defaults: settle those from the first few tokens
    // rather than lexing the whole statement (this runs for every statement not yet prepared).
    const std::string_view first = firstWord(statement);
    if (!wordIs(first, "INSERT") && !wordIs(first, "REPLACE") && !wordIs(first, "WITH"))
        return std::nullopt; // an UPDATE, a DELETE, a SELECT: settled without allocating
    {
        const auto head = leadingTokens(statement, 8);
        if (head.empty() ||
            !(isWord(head[0], "INSERT") || isWord(head[0], "REPLACE") || isWord(head[0], "WITH")))
            return std::nullopt;
        if (!isWord(head[0], "WITH")) {
            std::size_t at = 1;
            if (at < head.size() && isWord(head[at], "OR")) at += 2;
            if (at + 1 >= head.size() || !isWord(head[at], "INTO")) return std::nullopt;
            std::string name = head[at + 1].text;
            if (at + 3 < head.size() && isPunct(head[at + 2], '.')) name = head[at + 3].text;
            const mvcc::TableSchema* schema = schemaOf(name);
            if (!schema || std::none_of(schema->columns.begin(), schema->columns.end(),
                                        [](const auto& column) { return !column.defaultSql.empty(); }))
                return std::nullopt;
        }
    }
    const auto tokens = leadingTokens(statement, 1u << 20);
    // The INSERT keyword at nesting depth 0 (after an optional WITH clause).
    std::size_t i = 0;
    int depth = 0;
    for (; i < tokens.size(); ++i) {
        if (isPunct(tokens[i], '('))
            ++depth;
        else if (isPunct(tokens[i], ')'))
            --depth;
        else if (depth == 0 && (isWord(tokens[i], "INSERT") || isWord(tokens[i], "REPLACE")))
            break;
        else if (depth == 0 && i == 0 && !isWord(tokens[i], "WITH"))
            return std::nullopt;
    }
    if (i >= tokens.size()) return std::nullopt;
    ++i;
    if (i < tokens.size() && isWord(tokens[i], "OR")) i += 2;
    if (i >= tokens.size() || !isWord(tokens[i], "INTO")) return std::nullopt;
    ++i;
    if (i >= tokens.size()) return std::nullopt;
    std::string name = tokens[i].text;
    if (i + 2 < tokens.size() && isPunct(tokens[i + 1], '.')) {
        if (toLower(name) != "main") return std::nullopt; // temp tables are plain SQLite tables
        i += 2;
        name = tokens[i].text;
    }
    ++i;
    const mvcc::TableSchema* schema = schemaOf(name);
    if (!schema) return std::nullopt;
    if (i < tokens.size() && isWord(tokens[i], "AS")) i += 2;

    if (i + 1 < tokens.size() && isWord(tokens[i], "DEFAULT") && isWord(tokens[i + 1], "VALUES")) {
        std::string columns, values;
        for (const auto& column : schema->columns) {
            if (!columns.empty()) {
                columns += ", ";
                values += ", ";
            }
            columns += quoteIdentifier(column.name);
            values += column.defaultSql.empty() ? "NULL" : "(" + column.defaultSql + ")";
        }
        const std::size_t end = tokens[i + 1].offset + tokens[i + 1].length;
        return std::string(statement.substr(0, tokens[i].offset)) + "(" + columns + ") VALUES (" + values +
               ")" + std::string(statement.substr(end));
    }

    // Without a column list every column gets a value (or SQLite reports the count mismatch).
    if (i >= tokens.size() || !isPunct(tokens[i], '(')) return std::nullopt;
    std::set<std::string> named;
    std::size_t close = i + 1;
    for (; close < tokens.size() && !isPunct(tokens[close], ')'); ++close)
        if (tokens[close].type == Token::Type::Word) named.insert(toLower(tokens[close].text));
    if (close >= tokens.size()) return std::nullopt;

    std::string extraColumns, extraValues;
    for (const auto& column : schema->columns) {
        if (column.defaultSql.empty() || named.count(toLower(column.name))) continue;
        extraColumns += ", " + quoteIdentifier(column.name);
        extraValues += ", (" + column.defaultSql + ")";
    }
    if (extraColumns.empty()) return std::nullopt;
    const std::size_t closeAt = tokens[close].offset;
    return std::string(statement.substr(0, closeAt)) + extraColumns + ") SELECT *" + extraValues + " FROM (" +
           std::string(statement.substr(closeAt + 1)) + ")";
}

} // namespace txs::sql
