#include "engine/sql/Upsert.h"

#include "engine/sqlutil/SqlScanner.h"
#include "engine/sqlutil/SqliteValues.h"

#include <algorithm>
#include <cctype>
#include <sqlite3.h>

namespace txs::sql {

using sqlutil::bindParams;
using sqlutil::columnValue;
using sqlutil::firstWord;
using sqlutil::leadingTokens;
using sqlutil::quoteIdentifier;
using sqlutil::Token;
using sqlutil::wordIs;

namespace {

bool isWord(const std::vector<Token>& t, std::size_t i, const char* word)
{
    return i < t.size() && t[i].type == Token::Type::Word && !t[i].quoted && t[i].text == word;
}
bool isPunct(const std::vector<Token>& t, std::size_t i, char c)
{
    return i < t.size() && t[i].type == Token::Type::Punct && t[i].text[0] == c;
}

std::string upper(std::string s)
{
    for (auto& c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// Whether `word` (upper case) occurs in `s`, ignoring case; may be inside a string or a name.
bool containsWord(std::string_view s, std::string_view word)
{
    for (std::size_t i = 0; i + word.size() <= s.size(); ++i) {
        std::size_t k = 0;
        while (k < word.size() && std::toupper(static_cast<unsigned char>(s[i + k])) == word[k])
            ++k;
        if (k == word.size()) return true;
    }
    return false;
}

bool isRowidName(const std::string& name)
{
    const std::string u = upper(name);
    return u == "ROWID" || u == "OID" || u == "_ROWID_";
}

// The schema column named `name`; the key column (or -1, the hidden rowid) for a rowid alias;
// -2 when there is none.
int columnOf(const mvcc::TableSchema& schema, const std::string& name)
{
    for (std::size_t i = 0; i < schema.columns.size(); ++i)
        if (upper(schema.columns[i].name) == upper(name)) return static_cast<int>(i);
    if (isRowidName(name)) return schema.keyColumn;
    return -2;
}

// A token as the user wrote it (the scanner upper-cases words), for messages.
std::string asWritten(std::string_view s, const Token& t)
{
    return std::string(s.substr(t.offset, t.length));
}

Error noMatch()
{
    return Error::syntax("ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint");
}

// Clauses end at a depth-0 ON CONFLICT, RETURNING, or the end of the statement.
bool clauseEnds(const std::vector<Token>& t, std::size_t i)
{
    return i >= t.size() || (isWord(t, i, "ON") && isWord(t, i + 1, "CONFLICT")) || isWord(t, i, "RETURNING");
}

// Everything between two tokens as written, with `excluded.c` turned into the parameter that
// holds the proposed row's column c (?1..?n, the rowid ?n+1).
std::optional<std::string> rewriteExpression(std::string_view s, const std::vector<Token>& t,
                                             std::size_t from, std::size_t to,
                                             const mvcc::TableSchema& schema, std::optional<Error>& error)
{
    std::string out;
    std::size_t copied = t[from].offset;
    for (std::size_t i = from; i < to; ++i) {
        const Token& k = t[i];
        if (isPunct(t, i, '?') || ((isPunct(t, i, ':') || isPunct(t, i, '@')) && i + 1 < to) ||
            (k.type == Token::Type::Word && !k.quoted && k.text[0] == '$')) {
            error = Error::notSupported(
                "parameters inside ON CONFLICT ... DO UPDATE are not supported by the MVCC engine yet");
            return std::nullopt;
        }
        if (k.type == Token::Type::Word && upper(k.text) == "EXCLUDED" && isPunct(t, i + 1, '.') &&
            i + 2 < to && t[i + 2].type == Token::Type::Word) {
            const int column = columnOf(schema, t[i + 2].text);
            if (column == -2) {
                error = Error::syntax("no such column: excluded." + asWritten(s, t[i + 2]));
                return std::nullopt;
            }
            const std::size_t index = column < 0 ? schema.columns.size() : static_cast<std::size_t>(column);
            out += std::string(s.substr(copied, k.offset - copied)) + "?" + std::to_string(index + 1);
            copied = t[i + 2].offset + t[i + 2].length;
            i += 2;
        }
    }
    const std::size_t end = to < t.size() ? t[to].offset : s.size();
    out += std::string(s.substr(copied, end - copied));
    return out;
}

// "(SELECT ?a AS "c0", ... [, ?k AS rowid]) AS alias": a row held in parameters from `first`.
std::string rowSource(const mvcc::TableSchema& schema, int first, bool withRowid, const std::string& alias)
{
    std::string s = "(SELECT ";
    for (std::size_t i = 0; i < schema.columns.size(); ++i) {
        if (i) s += ", ";
        s += "?" + std::to_string(first + static_cast<int>(i)) + " AS " +
             quoteIdentifier(schema.columns[i].name);
    }
    if (withRowid && columnOf(schema, "rowid") == -1)
        s += ", ?" + std::to_string(first + static_cast<int>(schema.columns.size())) + " AS rowid";
    return s + ") AS " + quoteIdentifier(alias);
}

} // namespace

std::optional<UpsertText>
planUpsert(std::string_view s, const std::function<const mvcc::TableSchema*(const std::string&)>& schemaOf,
           std::optional<Error>& error)
{
    const std::string_view first = firstWord(s);
    if (!wordIs(first, "INSERT") && !wordIs(first, "REPLACE") && !wordIs(first, "WITH")) return std::nullopt;
    // Most INSERTs need no plan: settle those without lexing the whole statement (this runs for
    // every statement not yet prepared, and scripts with literal values are never cached).
    if (!containsWord(s, "CONFLICT") && !containsWord(s, "IGNORE")) return std::nullopt;
    const auto t = leadingTokens(s, 1u << 20);
    // The INSERT keyword at depth 0, after an optional WITH clause.
    std::size_t i = 0;
    for (int depth = 0; i < t.size(); ++i) {
        if (isPunct(t, i, '('))
            ++depth;
        else if (isPunct(t, i, ')'))
            --depth;
        else if (depth == 0 && (isWord(t, i, "INSERT") || isWord(t, i, "REPLACE")))
            break;
    }
    if (i >= t.size()) return std::nullopt;
    ++i;
    bool orIgnore = false;
    if (isWord(t, i, "OR")) {
        orIgnore = isWord(t, i + 1, "IGNORE");
        i += 2;
    }
    if (!isWord(t, i, "INTO") || i + 1 >= t.size()) return std::nullopt;
    UpsertText plan;
    plan.table = t[++i].text;
    if (isPunct(t, i + 1, '.') && i + 2 < t.size()) {
        if (upper(plan.table) != "MAIN") return std::nullopt; // temp tables are SQLite's own
        i += 2;
        plan.table = t[i].text;
    }
    ++i;
    const mvcc::TableSchema* schema = schemaOf(plan.table);
    if (!schema) return std::nullopt;
    plan.alias = plan.table;
    if (isWord(t, i, "AS") && i + 1 < t.size()) {
        plan.alias = t[i + 1].text;
        i += 2;
    }

    // The first depth-0 ON CONFLICT or RETURNING ends the part SQLite runs.
    std::size_t tail = i;
    for (int depth = 0; tail < t.size(); ++tail) {
        if (isPunct(t, tail, '('))
            ++depth;
        else if (isPunct(t, tail, ')'))
            --depth;
        else if (depth == 0 && clauseEnds(t, tail))
            break;
    }
    plan.hasClause = isWord(t, tail, "ON");
    if (!plan.hasClause && !orIgnore) return std::nullopt;
    plan.insertSql = std::string(s.substr(0, tail < t.size() ? t[tail].offset : s.size()));

    std::size_t j = tail;
    if (plan.hasClause) {
        j += 2;
        if (isPunct(t, j, '(')) {
            // The conflict target: columns; which constraint they name (the key or a unique index)
            // is checked where the indexes are known (UpsertText::targetColumns).
            ++j;
            for (;;) {
                if (j >= t.size() || t[j].type != Token::Type::Word) {
                    error = noMatch();
                    return std::nullopt;
                }
                const int column = columnOf(*schema, t[j].text);
                if (column == -2) {
                    error = noMatch();
                    return std::nullopt;
                }
                plan.targetColumns.push_back(column);
                ++j;
                if (isWord(t, j, "COLLATE")) j += 2;
                if (isWord(t, j, "ASC") || isWord(t, j, "DESC")) ++j;
                if (!isPunct(t, j, ',')) break;
                ++j;
            }
            if (!isPunct(t, j, ')') || isWord(t, j + 1, "WHERE")) {
                error = noMatch(); // a partial index's WHERE: none exists
                return std::nullopt;
            }
            ++j;
        }
        if (!isWord(t, j, "DO")) {
            error = Error::syntax("near \"" + (j < t.size() ? asWritten(s, t[j]) : std::string()) +
                                  "\": syntax error");
            return std::nullopt;
        }
        ++j;
        if (isWord(t, j, "NOTHING")) {
            plan.doNothing = true;
            ++j;
        } else if (isWord(t, j, "UPDATE") && isWord(t, j + 1, "SET")) {
            j += 2;
            // Assignments "col = expr", separated by depth-0 commas, up to WHERE or the clause end.
            for (;;) {
                if (isPunct(t, j, '(')) {
                    error = Error::notSupported("row-value assignments (SET (a, b) = ...) in ON CONFLICT DO "
                                                "UPDATE are not supported by the MVCC engine yet");
                    return std::nullopt;
                }
                if (j >= t.size() || t[j].type != Token::Type::Word || !isPunct(t, j + 1, '=')) {
                    error = Error::syntax("near \"" + (j < t.size() ? asWritten(s, t[j]) : std::string()) +
                                          "\": syntax error");
                    return std::nullopt;
                }
                const int column = columnOf(*schema, t[j].text);
                if (column == -2) {
                    error = Error::syntax("no such column: " + asWritten(s, t[j]));
                    return std::nullopt;
                }
                j += 2;
                std::size_t end = j;
                for (int depth = 0; end < t.size(); ++end) {
                    if (isPunct(t, end, '('))
                        ++depth;
                    else if (isPunct(t, end, ')'))
                        --depth;
                    else if (depth == 0 &&
                             (isPunct(t, end, ',') || isWord(t, end, "WHERE") || clauseEnds(t, end)))
                        break;
                }
                if (end == j) {
                    error = Error::syntax("incomplete input");
                    return std::nullopt;
                }
                auto expr = rewriteExpression(s, t, j, end, *schema, error);
                if (!expr) return std::nullopt;
                plan.setColumns.push_back(column);
                plan.setExprs.push_back(std::move(*expr));
                j = end;
                if (!isPunct(t, j, ',')) break;
                ++j;
            }
            if (isWord(t, j, "WHERE")) {
                std::size_t end = ++j;
                for (int depth = 0; end < t.size(); ++end) {
                    if (isPunct(t, end, '('))
                        ++depth;
                    else if (isPunct(t, end, ')'))
                        --depth;
                    else if (depth == 0 && clauseEnds(t, end))
                        break;
                }
                if (end == j) {
                    error = Error::syntax("incomplete input");
                    return std::nullopt;
                }
                auto expr = rewriteExpression(s, t, j, end, *schema, error);
                if (!expr) return std::nullopt;
                plan.whereExpr = std::move(*expr);
                j = end;
            }
        } else {
            error = Error::syntax("near \"" + (j < t.size() ? asWritten(s, t[j]) : std::string()) +
                                  "\": syntax error");
            return std::nullopt;
        }
        if (isWord(t, j, "ON")) {
            error = Error::notSupported(
                "more than one ON CONFLICT clause is not supported by the MVCC engine yet (an MVCC table has "
                "one unique key)");
            return std::nullopt;
        }
    }
    if (isWord(t, j, "RETURNING")) {
        if (j + 1 >= t.size()) {
            error = Error::syntax("incomplete input");
            return std::nullopt;
        }
        plan.returning = std::string(s.substr(t[j + 1].offset));
    } else if (j < t.size()) {
        error = Error::syntax("near \"" + asWritten(s, t[j]) + "\": syntax error");
        return std::nullopt;
    }
    return plan;
}

std::unique_ptr<UpsertPlan> UpsertPlan::prepare(sqlite3* db, UpsertText text, const mvcc::TableSchema& schema,
                                                Error& error)
{
    const std::size_t n = schema.columns.size();
    std::unique_ptr<UpsertPlan> plan(new UpsertPlan(db, std::move(text), n + 1));
    auto compile = [&](const std::string& sql, sqlutil::StatementHandle& out) {
        if (sqlutil::prepare(db, sql, out, nullptr, SQLITE_PREPARE_PERSISTENT) == SQLITE_OK && out)
            return true;
        error = Error::fromSqlite(sqlite3_extended_errcode(db), sqlite3_errmsg(db));
        return false;
    };
    const UpsertText& t = plan->text_;
    if (t.hasClause && !t.doNothing) {
        // ?1..?n+1 the proposed row (`excluded`, rowid last), ?n+2.. the existing row under its name.
        std::string sql = "SELECT ";
        for (const auto& expr : t.setExprs)
            sql += "(" + expr + "), ";
        sql += t.whereExpr.empty() ? "1" : "(" + t.whereExpr + ")";
        sql += " FROM " + rowSource(schema, static_cast<int>(n) + 2, true, t.alias);
        if (!compile(sql, plan->update_)) return nullptr;
    }
    if (!t.returning.empty()) {
        if (!compile("SELECT " + t.returning + " FROM " + rowSource(schema, 1, false, t.alias),
                     plan->returning_))
            return nullptr;
    }
    return plan;
}

UpsertPlan::~UpsertPlan() = default;

void UpsertPlan::reset()
{
    changes_ = 0;
    returned_.clear();
}

std::optional<Row> UpsertPlan::evaluateUpdate(const Row& proposed, const Row& existing,
                                              std::optional<Error>& error)
{
    Params params;
    params.reserve(2 * width_);
    params.insert(params.end(), proposed.begin(), proposed.end());
    params.insert(params.end(), existing.begin(), existing.end());
    bindParams(update_.get(), params);
    std::optional<Row> values;
    const int rc = sqlite3_step(update_.get());
    if (rc == SQLITE_ROW) {
        const int n = static_cast<int>(text_.setExprs.size());
        const bool where = sqlite3_column_type(update_.get(), n) != SQLITE_NULL &&
                           sqlite3_column_double(update_.get(), n) != 0;
        if (where) {
            values.emplace();
            for (int i = 0; i < n; ++i)
                values->push_back(columnValue(update_.get(), i));
        }
    } else {
        error = Error::fromSqlite(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_));
    }
    sqlite3_reset(update_.get());
    sqlite3_clear_bindings(update_.get());
    return values;
}

std::optional<Error> UpsertPlan::wrote(const Row& row)
{
    ++changes_;
    if (!returning_) return std::nullopt;
    bindParams(returning_.get(), row);
    std::optional<Error> error;
    int rc;
    while ((rc = sqlite3_step(returning_.get())) == SQLITE_ROW) {
        Row out;
        for (int i = 0, n = sqlite3_column_count(returning_.get()); i < n; ++i)
            out.push_back(columnValue(returning_.get(), i));
        returned_.push_back(std::move(out));
    }
    if (rc != SQLITE_DONE) error = Error::fromSqlite(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_));
    sqlite3_reset(returning_.get());
    sqlite3_clear_bindings(returning_.get());
    return error;
}

bool UpsertPlan::targets(const std::vector<int>& columns) const
{
    if (text_.targetColumns.empty()) return true;
    auto a = text_.targetColumns, b = columns;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    a.erase(std::unique(a.begin(), a.end()), a.end());
    return a == b;
}

std::vector<std::string> UpsertPlan::returningColumns() const
{
    std::vector<std::string> names;
    for (int i = 0, n = returning_ ? sqlite3_column_count(returning_.get()) : 0; i < n; ++i)
        names.push_back(sqlite3_column_name(returning_.get(), i));
    return names;
}

} // namespace txs::sql
