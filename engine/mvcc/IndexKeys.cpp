#include "engine/mvcc/IndexKeys.h"

#include "engine/api/Hardening.h"
#include "engine/mvcc/Affinity.h"
#include "engine/sqlutil/SqlScanner.h"
#include "engine/sqlutil/SqliteValues.h"

#include <sqlite3.h>

namespace txs::mvcc {

using sqlutil::quoteIdentifier;
using sqlutil::Token;

namespace {

bool isWord(const Token& t, const char* word)
{
    return t.type == Token::Type::Word && !t.quoted && t.text == word;
}

bool isPunct(const Token& t, const char* punct)
{
    return t.type == Token::Type::Punct && t.text == punct;
}

} // namespace

std::optional<std::pair<std::string, std::string>>
indexKeysSql(const std::string& createIndex, const TableSchema& table, std::size_t keyParts)
{
    const auto tokens = sqlutil::leadingTokens(createIndex, 1u << 20);
    std::size_t i = 0;
    while (i < tokens.size() && !isWord(tokens[i], "ON"))
        ++i;
    while (i < tokens.size() && !isPunct(tokens[i], "("))
        ++i;
    if (i == tokens.size()) return std::nullopt;
    // The key parts: split at commas outside parentheses, up to the ")" closing the list.
    std::vector<std::pair<std::size_t, std::size_t>> parts; // token ranges [first, last)
    std::size_t first = ++i;
    int depth = 0;
    for (; i < tokens.size(); ++i) {
        if (isPunct(tokens[i], "("))
            ++depth;
        else if (isPunct(tokens[i], ")") && depth > 0)
            --depth;
        else if (depth == 0 && (isPunct(tokens[i], ",") || isPunct(tokens[i], ")"))) {
            parts.emplace_back(first, i);
            first = i + 1;
            if (isPunct(tokens[i], ")")) break;
        }
    }
    if (i == tokens.size() || parts.size() != keyParts) return std::nullopt;
    auto text = [&](std::size_t from, std::size_t to) { // tokens [from, to), as written
        const std::size_t begin = tokens[from].offset;
        return createIndex.substr(begin, tokens[to - 1].offset + tokens[to - 1].length - begin);
    };
    std::string select = "SELECT ";
    for (auto [from, to] : parts) {
        if (to > from + 1 && (isWord(tokens[to - 1], "ASC") || isWord(tokens[to - 1], "DESC"))) --to;
        if (to <= from) return std::nullopt;
        select += "(" + text(from, to) + "), ";
    }
    if (i + 2 < tokens.size() && isWord(tokens[i + 1], "WHERE"))
        select += "CASE WHEN (" + text(i + 2, tokens.size()) + ") THEN 1 ELSE 0 END";
    else if (i + 1 == tokens.size())
        select += "1";
    else
        return std::nullopt;
    select += " FROM " + quoteIdentifier(table.name);

    std::string mirror = "CREATE TABLE " + quoteIdentifier(table.name) + "(";
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
        const auto& column = table.columns[c];
        if (c) mirror += ", ";
        mirror += quoteIdentifier(column.name) + " " + column.declaredType;
        if (!column.collation.empty()) mirror += " COLLATE " + quoteIdentifier(column.collation);
    }
    mirror += ")";
    return std::make_pair(std::move(select), std::move(mirror));
}

std::unique_ptr<IndexKeys> IndexKeys::make(const IndexSchema& schema, Error& error)
{
    std::unique_ptr<IndexKeys> keys(new IndexKeys());
    auto fail = [&](const std::string& why) {
        error = Error::notSupported("cannot evaluate index " + schema.name + " (" + why + ")");
        return nullptr;
    };
    if (openHardened(":memory:", &keys->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK)
        return fail("no scratch database");
    if (sqlite3_exec(keys->db_, schema.mirrorSql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        return fail(sqlite3_errmsg(keys->db_));
    // The mirror's columns, as SQLite read them, name the UPDATE's targets.
    std::string table;
    {
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(keys->db_, "SELECT name FROM sqlite_schema WHERE type = 'table'", -1, &s, nullptr);
        if (s && sqlite3_step(s) == SQLITE_ROW)
            table = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
    }
    std::string write = "UPDATE " + quoteIdentifier(table) + " SET ";
    TableSchema names; // the mirror's columns: the table's, in its order
    {
        sqlite3_stmt* s = nullptr;
        const std::string sql = "SELECT name FROM pragma_table_info(" + quoteIdentifier(table) + ")";
        sqlite3_prepare_v2(keys->db_, sql.c_str(), -1, &s, nullptr);
        while (s && sqlite3_step(s) == SQLITE_ROW) {
            if (keys->columns_) write += ", ";
            names.columns.push_back({});
            names.columns.back().name = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
            write += quoteIdentifier(names.columns.back().name) + " = ?" + std::to_string(keys->columns_ + 1);
            ++keys->columns_;
        }
        sqlite3_finalize(s);
    }
    const std::string insert = "INSERT INTO " + quoteIdentifier(table) + " DEFAULT VALUES";
    if (table.empty() || keys->columns_ == 0 ||
        sqlite3_exec(keys->db_, insert.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        return fail("no mirror of its table");
    if (sqlite3_prepare_v3(keys->db_, write.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &keys->write_, nullptr) !=
            SQLITE_OK ||
        sqlite3_prepare_v3(keys->db_, schema.keysSql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &keys->read_,
                           nullptr) != SQLITE_OK)
        return fail(sqlite3_errmsg(keys->db_));
    keys->keyParts_ = sqlite3_column_count(keys->read_) - 1;
    if (keys->keyParts_ != static_cast<int>(schema.columns.size()))
        return fail("its key parts do not read back");
    keys->keysSql_ = schema.keysSql;
    keys->mirrorSql_ = schema.mirrorSql;
    if (schema.partial) {
        // Each constant of the WHERE as sqlite3_vtab_rhs_value gives a query's: SQLite's value of
        // the literal, a number with NUMERIC affinity (1.0 is 1, 1.5 stays real; '5' stays text).
        sqlite3* db = keys->db_;
        keys->terms_ = mvcc::partialTerms(schema.createSql, names, [db](std::string_view constant) {
            std::optional<Value> value;
            sqlite3_stmt* s = nullptr;
            const std::string sql = "SELECT " + std::string(constant);
            if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK &&
                sqlite3_step(s) == SQLITE_ROW && sqlite3_column_count(s) == 1) {
                value = sqlutil::columnValue(s, 0);
                if (value->type() == Value::Type::Real)
                    value = applyAffinity(std::move(*value), Affinity::Numeric);
            }
            sqlite3_finalize(s);
            return value;
        });
    }
    return keys;
}

IndexKeys::~IndexKeys()
{
    sqlite3_finalize(write_);
    sqlite3_finalize(read_);
    sqlite3_close(db_);
}

std::optional<Row> IndexKeys::tupleOf(const Row& row) const
{
    std::lock_guard lock(mutex_);
    sqlite3_reset(write_);
    sqlite3_clear_bindings(write_);
    sqlutil::bindParams(write_, row); // parameter i + 1 is column i; missing ones stay NULL
    const int written = sqlite3_step(write_);
    sqlite3_reset(write_);
    if (written != SQLITE_DONE) return std::nullopt;
    std::optional<Row> tuple;
    if (sqlite3_step(read_) == SQLITE_ROW && sqlite3_column_int(read_, keyParts_) != 0) {
        tuple.emplace();
        tuple->reserve(static_cast<std::size_t>(keyParts_));
        for (int i = 0; i < keyParts_; ++i)
            tuple->push_back(sqlutil::columnValue(read_, i));
    }
    sqlite3_reset(read_);
    return tuple;
}

} // namespace txs::mvcc
