#include "engine/mvcc/SchemaReader.h"

#include "engine/api/Hardening.h"
#include "engine/mvcc/Affinity.h"
#include "engine/mvcc/ConflictClauses.h"
#include "engine/mvcc/ForeignKeySchema.h"
#include "engine/mvcc/Index.h"
#include "engine/mvcc/IndexKeys.h"
#include "engine/sqlutil/SqlScanner.h"
#include "engine/sqlutil/SqliteValues.h"
#include "engine/sqlutil/StatementHandle.h"

#include <memory>
#include <sqlite3.h>
#include <string>

namespace txs::mvcc {

using sqlutil::Classified;
using sqlutil::classify;
using sqlutil::leadingTokens;
using sqlutil::prepare;
using sqlutil::quoteIdentifier;
using sqlutil::StatementHandle;
using sqlutil::StatementKind;
using sqlutil::Token;

namespace {

struct DbCloser
{
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

StatementHandle prepared(sqlite3* db, const std::string& sql)
{
    StatementHandle s;
    prepare(db, sql, s);
    return s;
}

// A name as an SQL string literal. Table-valued pragma functions take it so: as a double-quoted
// identifier, a table named like one of their own columns (seq, name, type ...) would be read as
// that column.
std::string literal(const std::string& name)
{
    std::string quoted = "'";
    for (char c : name)
        quoted += c == '\'' ? std::string("''") : std::string(1, c);
    return quoted + "'";
}

std::string text(sqlite3_stmt* s, int column)
{
    auto p = sqlite3_column_text(s, column);
    return p ? reinterpret_cast<const char*>(p) : "";
}

// Words SQLite accepts in a column or table definition whose meaning the engine would not
// enforce on a virtual table. (A constraint's own ON CONFLICT clause is enforced:
// ConflictClauses.h.)
std::optional<std::string> unenforcedClause(std::string_view statement)
{
    const auto tokens = leadingTokens(statement, 100000);
    auto word = [&](std::size_t i) -> const std::string* {
        return i < tokens.size() && tokens[i].type == Token::Type::Word && !tokens[i].quoted ? &tokens[i].text
                                                                                             : nullptr;
    };
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::string* w = word(i);
        if (!w) continue;
        if (*w == "GENERATED") return "generated columns";
    }
    return std::nullopt;
}

// The CHECK constraints of a CREATE TABLE, in the order written (SQLite's order of evaluation):
// each unquoted CHECK word, the name of a CONSTRAINT just before it, and the text between its
// parentheses. SQLite has parsed the statement already, so the parentheses balance.
std::vector<mvcc::CheckConstraint> checkConstraints(std::string_view statement)
{
    std::vector<mvcc::CheckConstraint> checks;
    const auto tokens = leadingTokens(statement, 100000);
    // Where each top-level item of the column list starts (after its "(" or ","): a column
    // definition starts with the column's name, a table constraint with one of these words.
    int depth = 0;
    std::string column; // the column whose definition is being read, empty in a table constraint
    const auto startItem = [&](std::size_t at) {
        column.clear();
        if (at >= tokens.size()) return;
        const Token& first = tokens[at];
        if (!first.quoted && first.type == Token::Type::Word &&
            (first.text == "CONSTRAINT" || first.text == "PRIMARY" || first.text == "UNIQUE" ||
             first.text == "CHECK" || first.text == "FOREIGN"))
            return;
        column = first.quoted ? first.text : std::string(statement.substr(first.offset, first.length));
    };
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const Token& token = tokens[i];
        if (token.type == Token::Type::Punct) {
            if (token.text == "(" && ++depth == 1) startItem(i + 1);
            if (token.text == ")") --depth;
            if (token.text == "," && depth == 1) startItem(i + 1);
            continue;
        }
        if (token.type != Token::Type::Word || token.quoted || token.text != "CHECK") continue;
        if (i + 1 >= tokens.size() || tokens[i + 1].type != Token::Type::Punct || tokens[i + 1].text != "(")
            continue;
        std::size_t close = i + 2;
        for (int depth = 1; close < tokens.size(); ++close) {
            if (tokens[close].type != Token::Type::Punct) continue;
            if (tokens[close].text == "(") ++depth;
            if (tokens[close].text == ")" && --depth == 0) break;
        }
        if (close >= tokens.size()) break;
        mvcc::CheckConstraint check;
        if (i >= 2 && tokens[i - 2].type == Token::Type::Word && !tokens[i - 2].quoted &&
            tokens[i - 2].text == "CONSTRAINT")
            // Words are upper-cased by the scanner: the name as written, unless it was quoted.
            check.name = tokens[i - 1].quoted
                             ? tokens[i - 1].text
                             : std::string(statement.substr(tokens[i - 1].offset, tokens[i - 1].length));
        const std::size_t from = tokens[i + 1].offset + 1;
        check.expressionSql = std::string(statement.substr(from, tokens[close].offset - from));
        if (depth == 1) check.column = column;
        checks.push_back(std::move(check));
        i = close;
    }
    return checks;
}

} // namespace

namespace {

// Prepares `sql` on `db` and runs it only if it is exactly one CREATE TABLE statement (comments
// and semicolons around it are fine): stored SQL is data, never a script to run.
std::optional<Error> createOnly(sqlite3* db, const std::string& sql,
                                StatementKind kind = StatementKind::CreateTable)
{
    const Classified c = classify(sql);
    if (c.kind != kind || c.temp || c.asSelect)
        return Error::notSupported(
            kind == StatementKind::CreateTable   ? "not a CREATE TABLE statement of the kind TxScope writes"
            : kind == StatementKind::CreateIndex ? "not a CREATE INDEX statement of the kind TxScope writes"
            : kind == StatementKind::CreateTrigger
                ? "not a CREATE TRIGGER statement of the kind TxScope writes"
                : "not a CREATE VIEW statement of the kind TxScope writes");
    StatementHandle statement;
    const char* tail = nullptr;
    const int rc = prepare(db, sql, statement, &tail);
    if (rc != SQLITE_OK) return Error::fromSqlite(sqlite3_extended_errcode(db), sqlite3_errmsg(db));
    if (!statement) return Error::notSupported("an empty statement where a CREATE TABLE was expected");
    // Anything after it must be empty: a second statement is refused, not run.
    const char* const end = sql.c_str() + sql.size();
    while (tail && tail < end) {
        StatementHandle more;
        const char* next = nullptr;
        const int rc = prepare(db, std::string_view(tail, static_cast<std::size_t>(end - tail)), more, &next);
        if (rc != SQLITE_OK || more)
            return Error::notSupported("more than one statement where one CREATE TABLE was expected");
        if (next == tail) break;
        tail = next;
    }
    if (sqlite3_step(statement.get()) != SQLITE_DONE)
        return Error::fromSqlite(sqlite3_extended_errcode(db), sqlite3_errmsg(db));
    return std::nullopt;
}

// " [CONSTRAINT name] CHECK (expression)", in a column definition or after the columns.
std::string checkClause(const mvcc::CheckConstraint& check)
{
    std::string sql = " ";
    if (!check.name.empty()) sql += "CONSTRAINT " + quoteIdentifier(check.name) + " ";
    return sql + "CHECK (" + check.expressionSql + ")";
}

// " COLLATE X" when index column `i` does not use its column's own collation (which SQLite gives
// an index column that names none), else nothing: the text reads back as the same index. (A
// column's collation is a built-in one: SQLite refuses an unknown one in CREATE TABLE.)
std::string collateClause(const mvcc::TableSchema& table, const mvcc::IndexSchema& index, std::size_t i)
{
    const auto& declared = table.columns[static_cast<std::size_t>(index.columns[i])].collation;
    const mvcc::Collation own = mvcc::collationNamed(declared).value_or(mvcc::Collation::Binary);
    if (own == index.collation(i)) return {};
    return std::string(" COLLATE ") + mvcc::collationName(index.collation(i));
}

// The PRIMARY KEY index over column `column` alone when it must be written in that column's
// definition: a column declared exactly INTEGER whose key is not the rowid (INTEGER PRIMARY KEY
// DESC). As a table constraint, PRIMARY KEY ("id" DESC) would make it SQLite's rowid alias.
const mvcc::IndexSchema* columnPrimaryKey(const mvcc::TableSchema& schema, int column)
{
    if (column == schema.keyColumn ||
        sqlite3_stricmp(schema.columns[static_cast<std::size_t>(column)].declaredType.c_str(), "INTEGER") !=
            0)
        return nullptr;
    for (const auto& index : schema.constraintIndexes)
        if (index.primaryKey && index.columns.size() == 1 && index.columns[0] == column) return &index;
    return nullptr;
}

// The CREATE TABLE statement the engine writes for `schema`: every name quoted, each column's
// type, PRIMARY KEY, NOT NULL and DEFAULT as SQLite read them. Rebuilt from the parsed structure,
// so nothing of the text it came from survives but what the structure holds.
std::string canonicalCreate(const mvcc::TableSchema& schema)
{
    std::string sql = "CREATE TABLE " + quoteIdentifier(schema.name) + "(";
    for (std::size_t i = 0; i < schema.columns.size(); ++i) {
        const auto& column = schema.columns[i];
        if (i) sql += ", ";
        sql += quoteIdentifier(column.name);
        if (!column.declaredType.empty()) sql += " " + column.declaredType;
        if (static_cast<int>(i) == schema.keyColumn)
            sql += " PRIMARY KEY" + conflictClause(schema.keyConflict) +
                   (schema.autoincrement ? " AUTOINCREMENT" : "");
        if (const auto* pk = columnPrimaryKey(schema, static_cast<int>(i)))
            sql +=
                (pk->descending[0] ? " PRIMARY KEY DESC" : " PRIMARY KEY") + conflictClause(pk->onConflict);
        if (column.notNull) sql += " NOT NULL" + conflictClause(column.notNullConflict);
        if (!column.defaultSql.empty()) sql += " DEFAULT (" + column.defaultSql + ")";
        if (!column.collation.empty()) sql += " COLLATE " + quoteIdentifier(column.collation);
        for (const auto& check : schema.checks)
            if (!check.column.empty() && sqlite3_stricmp(check.column.c_str(), column.name.c_str()) == 0)
                sql += checkClause(check);
    }
    // Constraint indexes in the order SQLite numbered them, so they read back with the same names.
    for (const auto& index : schema.constraintIndexes) {
        if (&index == columnPrimaryKey(schema, index.columns[0])) continue; // written with its column
        sql += index.primaryKey ? ", PRIMARY KEY (" : ", UNIQUE (";
        for (std::size_t i = 0; i < index.columns.size(); ++i) {
            if (i) sql += ", ";
            sql += quoteIdentifier(schema.columns[static_cast<std::size_t>(index.columns[i])].name);
            sql += collateClause(schema, index, i);
            if (index.descending[i]) sql += " DESC";
        }
        sql += ")" + conflictClause(index.onConflict);
    }
    for (const auto& check : schema.checks)
        if (check.column.empty()) sql += "," + checkClause(check);
    return sql + foreignKeyClauses(schema) + (schema.strict ? ") STRICT" : ")");
}

bool sameIndex(const mvcc::IndexSchema& a, const mvcc::IndexSchema& b)
{
    return a.name == b.name && a.unique == b.unique && a.primaryKey == b.primaryKey &&
           a.onConflict == b.onConflict && a.columns == b.columns && a.descending == b.descending &&
           a.collations == b.collations;
}

bool sameStructure(const mvcc::TableSchema& a, const mvcc::TableSchema& b)
{
    if (a.name != b.name || a.keyColumn != b.keyColumn || a.autoincrement != b.autoincrement ||
        a.keyConflict != b.keyConflict || a.strict != b.strict || a.columns.size() != b.columns.size() ||
        a.constraintIndexes.size() != b.constraintIndexes.size() || a.checks.size() != b.checks.size() ||
        !sameForeignKeys(a, b))
        return false;
    for (std::size_t i = 0; i < a.checks.size(); ++i)
        if (a.checks[i].name != b.checks[i].name || a.checks[i].expressionSql != b.checks[i].expressionSql ||
            a.checks[i].column != b.checks[i].column)
            return false;
    for (std::size_t i = 0; i < a.constraintIndexes.size(); ++i)
        if (!sameIndex(a.constraintIndexes[i], b.constraintIndexes[i])) return false;
    for (std::size_t i = 0; i < a.columns.size(); ++i) {
        const auto &x = a.columns[i], &y = b.columns[i];
        if (x.name != y.name || x.declaredType != y.declaredType || x.notNull != y.notNull ||
            x.defaultSql != y.defaultSql || x.collation != y.collation ||
            x.notNullConflict != y.notNullConflict)
            return false;
    }
    return true;
}

std::optional<mvcc::TableSchema> parseOnce(const std::string& sql, Error& error);

} // namespace

std::string rowMirrorCreate(const mvcc::TableSchema& schema, const std::string& name)
{
    std::string sql = "CREATE TEMP TABLE IF NOT EXISTS " + quoteIdentifier(name) + "(";
    for (std::size_t i = 0; i < schema.columns.size(); ++i) {
        const auto& column = schema.columns[i];
        if (i) sql += ", ";
        sql += quoteIdentifier(column.name) + " " + looseType(schema, column);
        if (!column.defaultSql.empty()) sql += " DEFAULT (" + column.defaultSql + ")";
        if (!column.collation.empty()) sql += " COLLATE " + quoteIdentifier(column.collation);
    }
    for (const auto& check : schema.checks) {
        sql += ", ";
        if (!check.name.empty()) sql += "CONSTRAINT " + quoteIdentifier(check.name) + " ";
        sql += "CHECK (" + check.expressionSql + ")";
    }
    return sql + ")";
}

std::optional<mvcc::TableSchema> readTableSchema(std::string_view createStatement, Error& error)
{
    auto schema = parseOnce(std::string(createStatement), error);
    if (!schema) return std::nullopt;
    // What is stored and run later is the rebuilt statement, and only if it reads back as the
    // same table: a text that parses into something its rebuild does not say is refused.
    schema->createSql = canonicalCreate(*schema);
    Error again;
    auto reread = parseOnce(schema->createSql, again);
    if (!reread || !sameStructure(*schema, *reread)) {
        error =
            Error::notSupported("this CREATE TABLE cannot be written back in the form TxScope stores (" +
                                (reread ? std::string("it reads back differently") : again.message) + ")");
        return std::nullopt;
    }
    return schema;
}

namespace {

// The key columns of index `index.name` (already created in `db`): plain columns or expressions
// (column -2, computed by IndexKeys), each with a built-in collation (BINARY, NOCASE, RTRIM: the
// column's own unless the index names another, as SQLite reads it); another collation is
// refused, named.
std::optional<Error> readIndexColumns(sqlite3* db, const mvcc::TableSchema& table, mvcc::IndexSchema& index)
{
    auto s = prepared(db, "SELECT cid, \"desc\", coll FROM pragma_index_xinfo(" + literal(index.name) +
                              ") WHERE key = 1 ORDER BY seqno");
    while (s && sqlite3_step(s.get()) == SQLITE_ROW) {
        const int cid = sqlite3_column_int(s.get(), 0);
        if (cid == -2)
            index.onExpressions = true;
        else if (cid < 0 || static_cast<std::size_t>(cid) >= table.columns.size())
            return Error::notSupported("an index on the rowid is not supported by the MVCC engine (index " +
                                       index.name + ")");
        const std::string coll = text(s.get(), 2);
        const auto collation = mvcc::collationNamed(coll);
        if (!collation)
            return Error::notSupported("COLLATE " + coll +
                                       " in an index is not supported by the MVCC engine (index " +
                                       index.name + "; BINARY, NOCASE and RTRIM are)");
        index.columns.push_back(cid);
        index.descending.push_back(sqlite3_column_int(s.get(), 1) != 0);
        index.collations.push_back(*collation);
    }
    if (index.columns.empty()) return Error::misuse("could not read back the columns of index " + index.name);
    return std::nullopt;
}

std::optional<mvcc::TableSchema> parseOnce(const std::string& sql, Error& error)
{
    sqlite3* raw = nullptr;
    if (openHardened(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        error = Error::fromSqlite(SQLITE_NOMEM, "cannot open a scratch database to read the schema");
        sqlite3_close(raw);
        return std::nullopt;
    }
    Db db(raw);
    if (auto failure = createOnly(db.get(), sql)) {
        error = *failure;
        return std::nullopt;
    }
    if (auto what = unenforcedClause(sql)) {
        error = Error::notSupported(*what + " are not supported by the MVCC engine yet");
        return std::nullopt;
    }

    mvcc::TableSchema schema;
    {
        auto s =
            prepared(db.get(), "SELECT name, wr, strict FROM pragma_table_list WHERE schema = 'main' AND "
                               "name NOT LIKE 'sqlite_%'");
        if (!s || sqlite3_step(s.get()) != SQLITE_ROW) {
            error = Error::misuse("could not read back the table just created");
            return std::nullopt;
        }
        schema.name = text(s.get(), 0);
        if (sqlite3_column_int(s.get(), 1)) {
            error = Error::notSupported("WITHOUT ROWID tables are not supported by the MVCC engine yet");
            return std::nullopt;
        }
        schema.strict = sqlite3_column_int(s.get(), 2) != 0;
    }
    int primaryKeyColumns = 0, primaryKeyIndex = -1;
    {
        auto s = prepared(db.get(),
                          "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(" +
                              literal(schema.name) + ")");
        while (s && sqlite3_step(s.get()) == SQLITE_ROW) {
            if (sqlite3_column_int(s.get(), 5) != 0) {
                error = Error::notSupported("generated columns are not supported by the MVCC engine yet");
                return std::nullopt;
            }
            mvcc::ColumnSchema column;
            column.name = text(s.get(), 0);
            column.declaredType = text(s.get(), 1);
            column.affinity =
                schema.strict ? strictAffinityOf(column.declaredType) : affinityOf(column.declaredType);
            column.notNull = sqlite3_column_int(s.get(), 2) != 0;
            column.defaultSql = text(s.get(), 3);
            if (sqlite3_column_int(s.get(), 4) > 0) {
                ++primaryKeyColumns;
                primaryKeyIndex = static_cast<int>(schema.columns.size());
            }
            schema.columns.push_back(std::move(column));
        }
    }
    for (auto& column : schema.columns) {
        const char* collation = nullptr;
        if (sqlite3_table_column_metadata(db.get(), "main", schema.name.c_str(), column.name.c_str(), nullptr,
                                          &collation, nullptr, nullptr, nullptr) == SQLITE_OK &&
            collation && sqlite3_stricmp(collation, "BINARY") != 0)
            column.collation = collation;
    }
    schema.checks = checkConstraints(sql);
    if (auto failure = readForeignKeys(db.get(), sql, schema)) {
        error = *failure;
        return std::nullopt;
    }
    if (!schema.checks.empty()) {
        // The front end evaluates CHECK in a table of another name: a CHECK that names its own
        // table (t.a) resolves in SQLite's CREATE TABLE but not there.
        StatementHandle mirror;
        if (prepare(db.get(), rowMirrorCreate(schema, "__txscope_row"), mirror) != SQLITE_OK) {
            error =
                Error::notSupported(std::string("this CHECK constraint is not supported by the MVCC engine "
                                                "yet (") +
                                    sqlite3_errmsg(db.get()) + ")");
            return std::nullopt;
        }
    }
    // The key is the rowid alias, exactly when SQLite made one: a single PRIMARY KEY column for
    // which it made no automatic index (declared exactly INTEGER, not INTEGER PRIMARY KEY DESC).
    // Any other PRIMARY KEY (INT, BIGINT, composite, TEXT ...) is a unique index over the hidden
    // rowid, as SQLite makes one: its values are the column's, the rowid is the row's own.
    if (primaryKeyColumns == 1) {
        auto s = prepared(db.get(), "SELECT count(*) FROM pragma_index_list(" + literal(schema.name) +
                                        ") WHERE origin = 'pk'");
        if (!s || sqlite3_step(s.get()) != SQLITE_ROW) {
            error = Error::misuse("could not read back the PRIMARY KEY of table " + schema.name);
            return std::nullopt;
        }
        if (sqlite3_column_int(s.get(), 0) == 0) schema.keyColumn = primaryKeyIndex;
    }
    {
        // AUTOINCREMENT is only allowed on the rowid alias; SQLite makes sqlite_sequence for it.
        auto s = prepared(db.get(), "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'");
        schema.autoincrement = s && sqlite3_step(s.get()) == SQLITE_ROW;
    }
    // The key is compared as an integer by the store; another collation there would not hold.
    if (schema.keyColumn >= 0 && !schema.columns[schema.keyColumn].collation.empty()) {
        error = Error::notSupported("COLLATE on the INTEGER PRIMARY KEY column is not supported by the MVCC "
                                    "engine (column " +
                                    schema.columns[schema.keyColumn].name + ")");
        return std::nullopt;
    }
    {
        // UNIQUE constraints show as automatic indexes whose origin is 'u', a PRIMARY KEY that is
        // not the key as one whose origin is 'pk'. Read in SQLite's numbering order.
        auto s = prepared(db.get(), "SELECT name, origin FROM pragma_index_list(" + literal(schema.name) +
                                        ") ORDER BY CAST(substr(name, length('sqlite_autoindex_' || ?1) + 2) "
                                        "AS INTEGER)");
        if (s) sqlite3_bind_text(s.get(), 1, schema.name.c_str(), -1, SQLITE_TRANSIENT);
        while (s && sqlite3_step(s.get()) == SQLITE_ROW) {
            mvcc::IndexSchema index;
            index.name = text(s.get(), 0);
            index.primaryKey = text(s.get(), 1) == "pk";
            if (index.primaryKey && schema.keyColumn >= 0) continue; // the key itself
            index.unique = true;
            if (auto failure = readIndexColumns(db.get(), schema, index)) {
                error = *failure;
                return std::nullopt;
            }
            schema.constraintIndexes.push_back(std::move(index));
        }
    }
    readConflictClauses(sql, schema);
    return schema;
}

} // namespace

std::optional<mvcc::IndexSchema> readIndexSchema(std::string_view createIndex, const mvcc::TableSchema& table,
                                                 Error& error)
{
    sqlite3* raw = nullptr;
    if (openHardened(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        error = Error::fromSqlite(SQLITE_NOMEM, "cannot open a scratch database to read the index");
        sqlite3_close(raw);
        return std::nullopt;
    }
    Db db(raw);
    const std::string sql(createIndex);
    if (auto failure = createOnly(db.get(), table.createSql)) {
        error = *failure;
        return std::nullopt;
    }
    if (auto failure = createOnly(db.get(), sql, StatementKind::CreateIndex)) {
        error = *failure;
        return std::nullopt;
    }
    mvcc::IndexSchema index;
    {
        auto s = prepared(db.get(), "SELECT name, \"unique\", partial FROM pragma_index_list(" +
                                        literal(table.name) + ") WHERE origin = 'c'");
        if (!s || sqlite3_step(s.get()) != SQLITE_ROW) {
            error = Error::misuse("could not read back the index just created");
            return std::nullopt;
        }
        index.name = text(s.get(), 0);
        index.unique = sqlite3_column_int(s.get(), 1) != 0;
        index.partial = sqlite3_column_int(s.get(), 2) != 0;
    }
    if (auto failure = readIndexColumns(db.get(), table, index)) {
        error = *failure;
        return std::nullopt;
    }
    if (index.computed()) {
        // Kept as SQLite keeps it in sqlite_schema: the checkpointed file's index has this text.
        auto s = prepared(db.get(), "SELECT sql FROM main.sqlite_schema WHERE type = 'index' AND name = " +
                                        literal(index.name));
        if (!s || sqlite3_step(s.get()) != SQLITE_ROW) {
            error = Error::misuse("could not read back the index just created");
            return std::nullopt;
        }
        index.createSql = text(s.get(), 0);
        auto sql = indexKeysSql(index.createSql, table, index.columns.size());
        if (!sql) {
            error = Error::notSupported("the key parts of index " + index.name +
                                        " cannot be read by the MVCC engine");
            return std::nullopt;
        }
        index.keysSql = std::move(sql->first);
        index.mirrorSql = std::move(sql->second);
        index.keys = IndexKeys::make(index, error); // kept: the index's one connection
        if (!index.keys) return std::nullopt;
        return index;
    }
    index.createSql = std::string(index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") +
                      quoteIdentifier(index.name) + " ON " + quoteIdentifier(table.name) + "(";
    for (std::size_t i = 0; i < index.columns.size(); ++i) {
        if (i) index.createSql += ", ";
        index.createSql += quoteIdentifier(table.columns[static_cast<std::size_t>(index.columns[i])].name);
        index.createSql += collateClause(table, index, i);
        if (index.descending[i]) index.createSql += " DESC";
    }
    index.createSql += ")";
    return index;
}

std::optional<mvcc::ViewSchema> readViewSchema(std::string_view createView, Error& error)
{
    sqlite3* raw = nullptr;
    if (openHardened(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        error = Error::fromSqlite(SQLITE_NOMEM, "cannot open a scratch database to read the view");
        sqlite3_close(raw);
        return std::nullopt;
    }
    Db db(raw);
    if (auto failure = createOnly(db.get(), std::string(createView), StatementKind::CreateView)) {
        error = *failure;
        return std::nullopt;
    }
    auto s = prepared(db.get(), "SELECT name, sql FROM main.sqlite_schema WHERE type = 'view'");
    if (!s || sqlite3_step(s.get()) != SQLITE_ROW) {
        error = Error::misuse("could not read back the view just created");
        return std::nullopt;
    }
    return mvcc::ViewSchema{text(s.get(), 0), text(s.get(), 1)};
}

std::string triggerTableName(std::string_view createTrigger)
{
    const auto tokens = leadingTokens(createTrigger, 100000);
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
        if (tokens[i].type != Token::Type::Word || tokens[i].quoted || tokens[i].text != "ON") continue;
        std::size_t at = i + 1;
        if (at + 2 < tokens.size() && tokens[at + 1].type == Token::Type::Punct && tokens[at + 1].text == ".")
            at += 2; // schema.table
        const Token& name = tokens[at];
        return name.quoted ? name.text : std::string(createTrigger.substr(name.offset, name.length));
    }
    return {};
}

std::optional<mvcc::TriggerSchema> readTriggerSchema(std::string_view createTrigger,
                                                     const mvcc::TableSchema* table, Error& error)
{
    for (const auto& token : leadingTokens(createTrigger, 100000)) {
        if (token.type != Token::Type::Word || token.quoted) continue;
        if (token.text == "ON") break;
        if (token.text == "INSTEAD") {
            error = Error::notSupported("INSTEAD OF triggers are not supported by the MVCC engine yet");
            return std::nullopt;
        }
    }
    sqlite3* raw = nullptr;
    if (openHardened(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        error = Error::fromSqlite(SQLITE_NOMEM, "cannot open a scratch database to read the trigger");
        sqlite3_close(raw);
        return std::nullopt;
    }
    Db db(raw);
    // SQLite checks the trigger's table when it is created; the statements of its body only when it runs.
    if (table) {
        if (auto failure = createOnly(db.get(), table->createSql)) {
            error = *failure;
            return std::nullopt;
        }
    }
    if (auto failure = createOnly(db.get(), std::string(createTrigger), StatementKind::CreateTrigger)) {
        error = *failure;
        return std::nullopt;
    }
    auto s = prepared(db.get(), "SELECT name, tbl_name, sql FROM main.sqlite_schema WHERE type = 'trigger'");
    if (!s || sqlite3_step(s.get()) != SQLITE_ROW) {
        error = Error::misuse("could not read back the trigger just created");
        return std::nullopt;
    }
    return mvcc::TriggerSchema{text(s.get(), 0), text(s.get(), 1), text(s.get(), 2)};
}

} // namespace txs::mvcc
