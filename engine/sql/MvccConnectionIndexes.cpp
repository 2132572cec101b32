// CREATE INDEX and DROP INDEX on an MVCC connection (the store keeps the index, Index.h), and the
// check that an upsert's conflict target names a unique constraint.

#include "engine/mvcc/SchemaReader.h"
#include "engine/sql/MvccConnection.h"
#include "engine/sqlutil/SqlScanner.h"

#include <algorithm>

namespace txs::sql {

using sqlutil::Classified;

// ON CONFLICT (columns) names the key or a unique index, as SQLite requires (none: any).
bool targetsAConstraint(const mvcc::Table& table, std::vector<int> columns)
{
    if (columns.empty()) return true;
    std::sort(columns.begin(), columns.end());
    columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
    if (columns.size() == 1 && columns[0] == table.schema().keyColumn) return true;
    for (const auto& index : *table.indexes()) {
        if (!index->unique() || index->schema().computed()) continue; // a partial one needs its WHERE
        auto indexed = index->schema().columns;
        std::sort(indexed.begin(), indexed.end());
        if (indexed == columns) return true;
    }
    return false;
}

namespace {

// The table a CREATE INDEX statement is on: the name after its first ON (possibly main.-qualified).
std::string indexedTable(std::string_view statement)
{
    const auto tokens = sqlutil::leadingTokens(statement, 64);
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
        if (tokens[i].type != sqlutil::Token::Type::Word || tokens[i].quoted || tokens[i].text != "ON")
            continue;
        std::size_t n = i + 1;
        if (n + 2 < tokens.size() && tokens[n + 1].type == sqlutil::Token::Type::Punct &&
            tokens[n + 1].text == ".")
            n += 2;
        return tokens[n].text; // upper-cased unless quoted: table names are found case-insensitively
    }
    return {};
}

// The index name of a DROP INDEX as the statement spells it (Classified upper-cases unquoted
// words): SQLite's "no such index: x" keeps the user's spelling.
std::string spelledName(std::string_view statement, const std::string& name)
{
    const auto tokens = sqlutil::leadingTokens(statement, 8);
    for (auto it = tokens.rbegin(); it != tokens.rend(); ++it)
        if (it->type == sqlutil::Token::Type::Word && it->text == name)
            return it->quoted ? it->text : std::string(statement.substr(it->offset, it->length));
    return name;
}

} // namespace

std::optional<Error> MvccConnection::createIndex(std::string_view statement, const Classified& c,
                                                 const Params& params, Result& result)
{
    const std::string tableName = indexedTable(statement);
    auto table = store_->table(tableName, id());
    // Not an MVCC table: a temp table of this connection, or SQLite's "no such table".
    if (c.temp || !table) return runSql(statement, params, result);
    if (c.ifExists && store_->tableOfIndex(c.name, id())) return std::nullopt;
    Error error;
    auto schema = mvcc::readIndexSchema(statement, table->schema(), error);
    if (!schema) return error;
    if (auto e = asExclusiveWriter([&] {
            return onOwnTable(table->name(), [&] {
                return store_->createIndex(table->name(), std::move(*schema), c.ifExists, id());
            });
        }))
        return e;
    return syncSchema();
}

std::optional<Error> MvccConnection::dropIndex(std::string_view statement, const Classified& c,
                                               const Params& params, Result& result)
{
    if (c.temp || !store_->tableOfIndex(c.name, id())) {
        if (c.ifExists || c.temp) return runSql(statement, params, result);
        return Error::syntax("no such index: " + spelledName(statement, c.name));
    }
    if (auto error = asExclusiveWriter([&] {
            const auto table = store_->tableOfIndex(c.name, id());
            if (!table) return store_->dropIndex(c.name, c.ifExists, id());
            return onOwnTable(table->name(), [&] { return store_->dropIndex(c.name, c.ifExists, id()); });
        }))
        return error;
    return syncSchema();
}

// Inside BEGIN ... COMMIT, CREATE/DROP INDEX change the table object in place: a table that existed
// before the transaction is shared with the committed catalog every other connection reads, so it
// is first replaced in the transaction's catalog by a copy of its own (MvccStore::rebuildInTx).
// `ddl` failing takes the copy back (the statement is atomic).
std::optional<Error> MvccConnection::onOwnTable(const std::string& table,
                                                const std::function<std::optional<Error>()>& ddl)
{
    if (!tx_ || !store_->sharedInTx(table, id())) return ddl();
    const std::size_t writes = tx_->writes.size();
    auto error = store_->rebuildInTx(*tx_, table, nullptr, id());
    if (!error) error = ddl();
    if (error) store_->undoTo(*tx_, writes); // asExclusiveWriter restores the catalog
    return error;
}

} // namespace txs::sql
