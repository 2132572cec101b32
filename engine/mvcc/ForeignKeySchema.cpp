#include "engine/mvcc/ForeignKeySchema.h"

#include "engine/sqlutil/SqlScanner.h"
#include "engine/sqlutil/SqliteValues.h"
#include "engine/sqlutil/StatementHandle.h"

#include <map>
#include <sqlite3.h>

namespace txs::mvcc {

using sqlutil::quoteIdentifier;
using sqlutil::Token;

namespace {

std::string text(sqlite3_stmt* s, int column)
{
    auto p = sqlite3_column_text(s, column);
    return p ? reinterpret_cast<const char*>(p) : "";
}

std::optional<ForeignKeyAction> actionOf(const std::string& name)
{
    if (name == "NO ACTION") return ForeignKeyAction::NoAction;
    if (name == "RESTRICT") return ForeignKeyAction::Restrict;
    if (name == "SET NULL") return ForeignKeyAction::SetNull;
    if (name == "SET DEFAULT") return ForeignKeyAction::SetDefault;
    if (name == "CASCADE") return ForeignKeyAction::Cascade;
    return std::nullopt;
}

const char* actionSql(ForeignKeyAction action)
{
    switch (action) {
    case ForeignKeyAction::Restrict:
        return "RESTRICT";
    case ForeignKeyAction::SetNull:
        return "SET NULL";
    case ForeignKeyAction::SetDefault:
        return "SET DEFAULT";
    case ForeignKeyAction::Cascade:
        return "CASCADE";
    case ForeignKeyAction::NoAction:
        break;
    }
    return "NO ACTION";
}

bool isWord(const Token& t, const char* word)
{
    return t.type == Token::Type::Word && !t.quoted && t.text == word;
}

// For each REFERENCES clause of `sql`, in declaration order: whether it is DEFERRABLE INITIALLY
// DEFERRED (a clause belongs to the REFERENCES before it; NOT DEFERRABLE and INITIALLY IMMEDIATE
// are immediate).
std::vector<bool> deferredFlags(std::string_view sql)
{
    std::vector<bool> flags;
    const auto tokens = sqlutil::leadingTokens(sql, 100000);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (isWord(tokens[i], "REFERENCES")) {
            flags.push_back(false);
            continue;
        }
        if (flags.empty() || !isWord(tokens[i], "DEFERRABLE")) continue;
        const bool negated = i > 0 && isWord(tokens[i - 1], "NOT");
        if (!negated && i + 2 < tokens.size() && isWord(tokens[i + 1], "INITIALLY") &&
            isWord(tokens[i + 2], "DEFERRED"))
            flags.back() = true;
    }
    return flags;
}

} // namespace

std::optional<Error> readForeignKeys(sqlite3* db, std::string_view sql, TableSchema& schema)
{
    sqlutil::StatementHandle s;
    if (sqlutil::prepare(db,
                         "SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete, match FROM "
                         "pragma_foreign_key_list(?1) ORDER BY id DESC, seq",
                         s) != SQLITE_OK)
        return Error::misuse("could not read back the foreign keys");
    sqlite3_bind_text(s.get(), 1, schema.name.c_str(), -1, SQLITE_TRANSIENT);
    std::map<int, std::size_t> byId; // pragma id -> position in declaration order
    std::vector<bool> namedParents;
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
        const int id = sqlite3_column_int(s.get(), 0);
        if (!byId.count(id)) {
            byId[id] = schema.foreignKeys.size();
            ForeignKey key;
            key.parentTable = text(s.get(), 2);
            const auto onUpdate = actionOf(text(s.get(), 5));
            const auto onDelete = actionOf(text(s.get(), 6));
            if (!onUpdate || !onDelete)
                return Error::notSupported("this foreign key action is not supported");
            if (text(s.get(), 7) != "NONE")
                return Error::notSupported("MATCH in a foreign key is not supported by the MVCC engine");
            key.onUpdate = *onUpdate;
            key.onDelete = *onDelete;
            schema.foreignKeys.push_back(std::move(key));
            namedParents.push_back(sqlite3_column_type(s.get(), 4) != SQLITE_NULL);
        }
        ForeignKey& key = schema.foreignKeys[byId[id]];
        const int column = schema.columnIndex(text(s.get(), 3));
        if (column < 0) return Error::misuse("a foreign key names an unknown column: " + text(s.get(), 3));
        key.columns.push_back(column);
        if (namedParents[byId[id]]) key.parentColumns.push_back(text(s.get(), 4));
    }
    const auto deferred = deferredFlags(sql);
    if (deferred.size() != schema.foreignKeys.size())
        return Error::notSupported("could not match each REFERENCES clause with its foreign key");
    for (std::size_t i = 0; i < deferred.size(); ++i)
        schema.foreignKeys[i].deferred = deferred[i];
    return std::nullopt;
}

std::string foreignKeyClauses(const TableSchema& schema)
{
    std::string sql;
    for (const auto& key : schema.foreignKeys) {
        sql += ", FOREIGN KEY (";
        for (std::size_t i = 0; i < key.columns.size(); ++i)
            sql += (i ? ", " : "") +
                   quoteIdentifier(schema.columns[static_cast<std::size_t>(key.columns[i])].name);
        sql += ") REFERENCES " + quoteIdentifier(key.parentTable);
        if (!key.parentColumns.empty()) {
            sql += "(";
            for (std::size_t i = 0; i < key.parentColumns.size(); ++i)
                sql += (i ? ", " : "") + quoteIdentifier(key.parentColumns[i]);
            sql += ")";
        }
        if (key.onUpdate != ForeignKeyAction::NoAction)
            sql += std::string(" ON UPDATE ") + actionSql(key.onUpdate);
        if (key.onDelete != ForeignKeyAction::NoAction)
            sql += std::string(" ON DELETE ") + actionSql(key.onDelete);
        if (key.deferred) sql += " DEFERRABLE INITIALLY DEFERRED";
    }
    return sql;
}

bool sameForeignKeys(const TableSchema& a, const TableSchema& b)
{
    if (a.foreignKeys.size() != b.foreignKeys.size()) return false;
    for (std::size_t i = 0; i < a.foreignKeys.size(); ++i) {
        const auto &x = a.foreignKeys[i], &y = b.foreignKeys[i];
        if (x.columns != y.columns || x.parentTable != y.parentTable || x.parentColumns != y.parentColumns ||
            x.onDelete != y.onDelete || x.onUpdate != y.onUpdate || x.deferred != y.deferred)
            return false;
    }
    return true;
}

} // namespace txs::mvcc
