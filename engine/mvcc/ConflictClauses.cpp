#include "engine/mvcc/ConflictClauses.h"

#include "engine/sqlutil/SqlScanner.h"

#include <sqlite3.h>
#include <vector>

namespace txs::mvcc {

using sqlutil::leadingTokens;
using sqlutil::Token;

namespace {

std::optional<Resolution> resolutionNamed(const std::string& word)
{
    if (word == "ROLLBACK") return Resolution::Rollback;
    if (word == "ABORT") return Resolution::Abort;
    if (word == "FAIL") return Resolution::Fail;
    if (word == "IGNORE") return Resolution::Ignore;
    if (word == "REPLACE") return Resolution::Replace;
    return std::nullopt;
}

int columnNamed(const TableSchema& schema, const std::string& name)
{
    for (std::size_t i = 0; i < schema.columns.size(); ++i)
        if (sqlite3_stricmp(schema.columns[i].name.c_str(), name.c_str()) == 0) return static_cast<int>(i);
    return -1;
}

enum class Kind { None, NotNull, PrimaryKey, Unique };

// Gives `resolution` to the constraint of kind `kind` over `columns` (names as written).
void apply(TableSchema& schema, Kind kind, const std::vector<std::string>& columns, Resolution resolution)
{
    std::vector<int> cids;
    for (const auto& name : columns)
        cids.push_back(columnNamed(schema, name));
    if (cids.empty()) return;
    if (kind == Kind::NotNull) {
        if (cids[0] >= 0) schema.columns[static_cast<std::size_t>(cids[0])].notNullConflict = resolution;
        return;
    }
    if (kind == Kind::PrimaryKey && cids.size() == 1 && cids[0] == schema.keyColumn && cids[0] >= 0) {
        schema.keyConflict = resolution;
        return;
    }
    // SQLite merges a UNIQUE constraint into an equal one (refusing two different clauses), so
    // the first index over the same columns is the constraint's.
    for (auto& index : schema.constraintIndexes) {
        if (index.primaryKey != (kind == Kind::PrimaryKey) || index.columns != cids) continue;
        index.onConflict = resolution;
        return;
    }
}

} // namespace

void readConflictClauses(std::string_view statement, TableSchema& schema)
{
    const auto tokens = leadingTokens(statement, 100000);
    auto wordAt = [&](std::size_t i) -> const std::string* {
        return i < tokens.size() && tokens[i].type == Token::Type::Word && !tokens[i].quoted ? &tokens[i].text
                                                                                             : nullptr;
    };
    auto nameAt = [&](std::size_t i) {
        const Token& t = tokens[i];
        return t.quoted ? t.text : std::string(statement.substr(t.offset, t.length));
    };
    int depth = 0;
    std::string column;              // the column being defined; empty in a table constraint
    Kind kind = Kind::None;          // the constraint the words since its keyword belong to
    std::vector<std::string> listed; // a table constraint's columns, as written
    bool listing = false, expectName = false;
    auto startItem = [&](std::size_t at) {
        column.clear();
        kind = Kind::None;
        listing = false;
        if (at >= tokens.size()) return;
        const std::string* w = wordAt(at);
        if (w &&
            (*w == "CONSTRAINT" || *w == "PRIMARY" || *w == "UNIQUE" || *w == "CHECK" || *w == "FOREIGN"))
            return;
        column = nameAt(at);
    };
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const Token& token = tokens[i];
        if (token.type == Token::Type::Punct) {
            if (token.text == "(") {
                ++depth;
                if (depth == 1) {
                    startItem(i + 1);
                    if (!column.empty()) ++i; // the column's name
                } else if (depth == 2 && column.empty() &&
                           (kind == Kind::PrimaryKey || kind == Kind::Unique) && listed.empty()) {
                    listing = expectName = true;
                }
            } else if (token.text == ")") {
                if (depth == 2) listing = false;
                --depth;
            } else if (token.text == ",") {
                if (depth == 1) {
                    startItem(i + 1);
                    if (!column.empty()) ++i;
                } else if (depth == 2 && listing) {
                    expectName = true;
                }
            }
            continue;
        }
        if (depth == 2 && listing && expectName) {
            listed.push_back(nameAt(i));
            expectName = false;
            continue;
        }
        if (depth != 1) continue;
        const std::string* w = wordAt(i);
        if (!w) continue;
        if (*w == "NOT" && wordAt(i + 1) && *wordAt(i + 1) == "NULL") {
            kind = Kind::NotNull;
        } else if (*w == "PRIMARY" || *w == "UNIQUE") {
            kind = *w == "PRIMARY" ? Kind::PrimaryKey : Kind::Unique;
            listed.clear();
        } else if (*w == "CHECK" || *w == "DEFAULT" || *w == "COLLATE" || *w == "REFERENCES" ||
                   *w == "FOREIGN" || *w == "CONSTRAINT" || *w == "GENERATED" || *w == "AS") {
            kind = Kind::None;
        } else if (*w == "ON" && wordAt(i + 1) && *wordAt(i + 1) == "CONFLICT" && wordAt(i + 2)) {
            const auto resolution = resolutionNamed(*wordAt(i + 2));
            if (resolution && kind != Kind::None)
                apply(schema, kind, column.empty() ? listed : std::vector<std::string>{column}, *resolution);
            i += 2;
        }
    }
}

std::string conflictClause(Resolution resolution)
{
    switch (resolution) {
    case Resolution::Default:
        return {};
    case Resolution::Rollback:
        return " ON CONFLICT ROLLBACK";
    case Resolution::Abort:
        return " ON CONFLICT ABORT";
    case Resolution::Fail:
        return " ON CONFLICT FAIL";
    case Resolution::Ignore:
        return " ON CONFLICT IGNORE";
    case Resolution::Replace:
        return " ON CONFLICT REPLACE";
    }
    return {};
}

} // namespace txs::mvcc
