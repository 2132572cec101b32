#include "engine/mvcc/AlterPlan.h"

#include "engine/api/AsciiText.h"
#include "engine/api/Hardening.h"
#include "engine/mvcc/SchemaReader.h"
#include "engine/sqlutil/SqlScanner.h"
#include "engine/sqlutil/SqliteValues.h"
#include "engine/sqlutil/StatementHandle.h"

#include <memory>
#include <sqlite3.h>

namespace txs::mvcc {

namespace {

struct DbCloser
{
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

std::string text(sqlite3_stmt* s, int column)
{
    auto p = sqlite3_column_text(s, column);
    return p ? reinterpret_cast<const char*>(p) : "";
}

Error lastError(sqlite3* db)
{
    return Error::fromSqlite(sqlite3_extended_errcode(db), sqlite3_errmsg(db));
}

std::optional<Error> exec(sqlite3* db, const std::string& sql)
{
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) return std::nullopt;
    return lastError(db);
}

// Runs `sql` only when it is exactly one statement (comments and semicolons around it are fine).
std::optional<Error> runOne(sqlite3* db, std::string_view sql)
{
    sqlutil::StatementHandle statement;
    const char* tail = nullptr;
    if (sqlutil::prepare(db, sql, statement, &tail) != SQLITE_OK) return lastError(db);
    if (!statement) return Error::misuse("an empty statement where one ALTER TABLE was expected");
    const char* const end = sql.data() + sql.size();
    while (tail && tail < end) {
        sqlutil::StatementHandle more;
        const char* next = nullptr;
        const int rc =
            sqlutil::prepare(db, std::string_view(tail, static_cast<std::size_t>(end - tail)), more, &next);
        if (rc != SQLITE_OK || more)
            return Error::notSupported("more than one statement where one ALTER TABLE was expected");
        if (next == tail) break;
        tail = next;
    }
    if (sqlite3_step(statement.get()) != SQLITE_DONE) return lastError(db);
    return std::nullopt;
}

// name -> sql of the scratch database's objects of `type`.
std::vector<std::pair<std::string, std::string>> objects(sqlite3* db, const char* type)
{
    std::vector<std::pair<std::string, std::string>> out;
    sqlutil::StatementHandle s;
    sqlutil::prepare(db,
                     std::string("SELECT name, sql, tbl_name FROM main.sqlite_schema WHERE type = '") + type +
                         "' AND sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
                     s);
    while (s && sqlite3_step(s.get()) == SQLITE_ROW)
        out.emplace_back(text(s.get(), 0), text(s.get(), 1));
    return out;
}

// What the rows of a table written before `ADD COLUMN <column>` read in it: SQLite's answer, from a
// one-row probe table given the same column (its DEFAULT with the column's affinity).
std::optional<Value> addedColumnValue(sqlite3* db, const ColumnSchema& column, Error& error)
{
    if (auto e = exec(db, "CREATE TABLE __txscope_probe(x); INSERT INTO __txscope_probe VALUES (1)")) {
        error = *e;
        return std::nullopt;
    }
    const std::string head = "ALTER TABLE __txscope_probe ADD COLUMN " +
                             sqlutil::quoteIdentifier(column.name) + " " + column.declaredType;
    std::optional<Error> added = exec(db, head);
    if (!column.defaultSql.empty()) {
        // As SQLite reports it (a literal, a signed number); parenthesized when that does not parse.
        exec(db, "DROP TABLE __txscope_probe; CREATE TABLE __txscope_probe(x); INSERT INTO __txscope_probe "
                 "VALUES (1)");
        added = exec(db, head + " DEFAULT " + column.defaultSql);
        if (added) added = exec(db, head + " DEFAULT (" + column.defaultSql + ")");
    }
    if (added) {
        error = *added;
        return std::nullopt;
    }
    sqlutil::StatementHandle s;
    sqlutil::prepare(db, "SELECT " + sqlutil::quoteIdentifier(column.name) + " FROM __txscope_probe", s);
    if (!s || sqlite3_step(s.get()) != SQLITE_ROW) {
        error = lastError(db);
        return std::nullopt;
    }
    Value value = sqlutil::columnValue(s.get(), 0);
    s = {};
    exec(db, "DROP TABLE __txscope_probe");
    return value;
}

bool sameCheck(const CheckConstraint& a, const CheckConstraint& b)
{
    return a.name == b.name && a.expressionSql == b.expressionSql;
}

} // namespace

std::optional<AlterPlan> planAlter(std::string_view statement, const CatalogSchema& catalog, Error& error)
{
    const sqlutil::Classified c = sqlutil::classify(statement);
    if (c.kind != sqlutil::StatementKind::AlterTable || c.temp) {
        error = Error::notSupported("not an ALTER TABLE statement of a table of the MVCC engine");
        return std::nullopt;
    }
    const CatalogSchema::TableEntry* altered = nullptr;
    for (const auto& entry : catalog.tables)
        if (toLower(entry.schema.name) == toLower(c.name)) altered = &entry;

    AlterPlan plan;
    {
        const auto tokens = sqlutil::leadingTokens(statement, 8);
        std::size_t i = 3; // ALTER TABLE name
        if (tokens.size() > 3 && tokens[3].type == sqlutil::Token::Type::Punct && tokens[3].text == ".")
            i = 5;
        const auto word = [&](std::size_t k, const char* w) {
            return k < tokens.size() && tokens[k].type == sqlutil::Token::Type::Word && !tokens[k].quoted &&
                   tokens[k].text == w;
        };
        if (word(i, "RENAME"))
            plan.kind = word(i + 1, "TO") ? AlterPlan::Kind::RenameTable : AlterPlan::Kind::RenameColumn;
        else if (word(i, "ADD"))
            plan.kind = AlterPlan::Kind::AddColumn;
        else
            plan.kind = AlterPlan::Kind::DropColumn;
    }

    sqlite3* raw = nullptr;
    if (openHardened(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        error = Error::fromSqlite(SQLITE_NOMEM, "cannot open a scratch database to plan the ALTER TABLE");
        sqlite3_close(raw);
        return std::nullopt;
    }
    Db db(raw);
    // The catalog's statements were each checked when the store took them (canonical or SQLite's).
    for (const auto& entry : catalog.tables) {
        if (auto e = exec(db.get(), entry.schema.createSql)) {
            error = *e;
            return std::nullopt;
        }
        for (const auto& index : entry.indexes)
            if (auto e = exec(db.get(), index.createSql)) {
                error = *e;
                return std::nullopt;
            }
    }
    for (const auto& view : catalog.views)
        if (auto e = exec(db.get(), view.createSql)) {
            error = *e;
            return std::nullopt;
        }
    // The triggers too, so SQLite rewrites them (RENAME COLUMN, RENAME TO: their ON clause and
    // bodies) and refuses a DROP COLUMN one of them reads, with its own message.
    for (const auto& trigger : catalog.triggers)
        if (auto e = exec(db.get(), trigger.createSql)) {
            error = *e;
            return std::nullopt;
        }
    // SQLite's own checks and messages ("no such table", "Cannot add a PRIMARY KEY column", ...).
    if (auto e = runOne(db.get(), statement)) {
        error = *e;
        return std::nullopt;
    }
    if (!altered) { // not one of ours, yet SQLite took it: cannot happen, but never guess
        error = Error::misuse("no such table: " + c.name);
        return std::nullopt;
    }
    plan.table = altered->schema.name;

    // The altered table is the one whose name no other table of the catalog has; every other table
    // must read as before (a foreign key naming a renamed table would change another table).
    std::string newSql;
    for (const auto& [name, sql] : objects(db.get(), "table")) {
        const CatalogSchema::TableEntry* same = nullptr;
        for (const auto& entry : catalog.tables)
            if (&entry != altered && entry.schema.name == name) same = &entry;
        if (!same) {
            newSql = sql;
            continue;
        }
        if (sql != same->schema.createSql) {
            error = Error::notSupported("an ALTER TABLE that changes another table's definition (" + name +
                                        ") is not supported by the MVCC engine yet");
            return std::nullopt;
        }
    }
    auto schema = readTableSchema(newSql, error);
    if (!schema) return std::nullopt;
    plan.schema = std::move(*schema);

    const auto& before = altered->schema.columns;
    const auto& after = plan.schema.columns;
    switch (plan.kind) {
    case AlterPlan::Kind::RenameTable:
    case AlterPlan::Kind::RenameColumn:
        for (std::size_t i = 0; i < after.size(); ++i)
            plan.sourceColumn.push_back(static_cast<int>(i));
        break;
    case AlterPlan::Kind::AddColumn: {
        for (std::size_t i = 0; i + 1 < after.size(); ++i)
            plan.sourceColumn.push_back(static_cast<int>(i));
        plan.sourceColumn.push_back(-1);
        auto value = addedColumnValue(db.get(), after.back(), error);
        if (!value) return std::nullopt;
        plan.addedValue = std::move(*value);
        for (const auto& check : plan.schema.checks) {
            bool old = false;
            for (const auto& existing : altered->schema.checks)
                old = old || sameCheck(check, existing);
            if (!old) plan.addedChecks.push_back(check);
        }
        break;
    }
    case AlterPlan::Kind::DropColumn:
        for (const auto& column : after)
            for (std::size_t i = 0; i < before.size(); ++i)
                if (toLower(before[i].name) == toLower(column.name))
                    plan.sourceColumn.push_back(static_cast<int>(i));
        break;
    }
    if (plan.sourceColumn.size() != after.size() ||
        after.size() != before.size() + (plan.kind == AlterPlan::Kind::AddColumn) -
                            (plan.kind == AlterPlan::Kind::DropColumn)) {
        error =
            Error::misuse("could not read back the columns of " + plan.schema.name + " after ALTER TABLE");
        return std::nullopt;
    }

    // The table's indexes, as SQLite rewrote them (RENAME COLUMN, RENAME TO), in the catalog's order.
    const auto indexes = objects(db.get(), "index");
    for (const auto& old : altered->indexes) {
        for (const auto& [name, sql] : indexes) {
            if (name != old.name) continue;
            auto index = readIndexSchema(sql, plan.schema, error);
            if (!index) return std::nullopt;
            plan.indexes.push_back(std::move(*index));
        }
    }
    // Every view, as SQLite rewrote the ones naming the table or its columns.
    const auto views = objects(db.get(), "view");
    for (const auto& old : catalog.views)
        for (const auto& [name, sql] : views)
            if (name == old.name) plan.views.push_back(ViewSchema{name, sql});
    // Every trigger, as SQLite rewrote it; its table read from its ON clause, as recovery reads it.
    const auto triggers = objects(db.get(), "trigger");
    for (const auto& old : catalog.triggers)
        for (const auto& [name, sql] : triggers)
            if (toLower(name) == toLower(old.name))
                plan.triggers.push_back(
                    sql == old.createSql ? old : TriggerSchema{old.name, triggerTableName(sql), sql});
    if (plan.indexes.size() != altered->indexes.size() || plan.views.size() != catalog.views.size() ||
        plan.triggers.size() != catalog.triggers.size()) {
        error = Error::misuse("could not read back the indexes, views and triggers after ALTER TABLE");
        return std::nullopt;
    }
    return plan;
}

} // namespace txs::mvcc
