// Opening an existing SQLite file in MVCC mode: its tables, indexes, views and triggers that
// __txscope_mvcc_meta does not record (a database the engine did not create, or objects another program
// added) are taken like the engine's own, or the open is refused naming every object it cannot take; none is
// ever silently ignored (a workload's CREATE TABLE of an ignored name would be checkpointed over
// the user's table).
//
// Taking a table never changes the file's schema: the table stays as it is in x.db (its own
// CREATE TABLE text, its own indexes), and the checkpoint writes rows into it by rowid. What is
// recorded in __txscope_mvcc_meta is the statement as TxScope writes it (rebuilt from the parsed
// structure; stored SQL is data), which reads back as the same table. The records are written by
// the first write, in the transaction that gives the file its salt, so a file only read keeps
// every byte.

#include "engine/api/AsciiText.h"
#include "engine/mvcc/FileDurability.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/mvcc/SchemaReader.h"
#include "engine/sqlutil/SqliteValues.h"
#include "engine/sqlutil/StatementHandle.h"

#include <map>
#include <sqlite3.h>

namespace txs::mvcc {

namespace {

std::string columnText(sqlite3_stmt* s, int column)
{
    auto p = sqlite3_column_text(s, column);
    return p ? reinterpret_cast<const char*>(p) : "";
}

constexpr const char* metaTable = "__txscope_mvcc_meta";

// The one place that says which kinds of schema object the engine cannot take yet (nullopt: it
// can).
std::optional<std::string> kindNotTakenYet(const std::string& type)
{
    if (type != "table" && type != "index" && type != "view" && type != "trigger")
        return "an unknown kind of schema object";
    return std::nullopt;
}

bool isVirtualTable(const std::string& sql)
{
    // sqlite_schema.sql starts with the CREATE keyword SQLite normalised ("CREATE VIRTUAL TABLE").
    return toLower(sql.substr(0, 20)) == "create virtual table";
}

struct SchemaRow
{
    std::string type, name, table, sql;
};

} // namespace

std::optional<std::string>
FileDurability::checkOwnership(std::vector<std::pair<std::string, std::uint64_t>>& tables)
{
    // The tables the engine recorded, parsed (an index added behind its back is read beside them).
    std::map<std::string, TableSchema> known; // lower-case name -> schema
    for (const auto& [createSql, ts] : tables) {
        // A recorded schema that is not one TxScope writes is refused as such (the stored SQL is
        // data: it is never run).
        Error parseError;
        auto schema = readTableSchema(createSql, parseError);
        if (!schema)
            return "MVCC database " + path_ + ": a table recorded in " + metaTable + " cannot be loaded (" +
                   parseError.message + "): " + createSql;
        known.emplace(toLower(schema->name), std::move(*schema));
    }
    sqlutil::StatementHandle listRows;
    if (sqlutil::prepare(db_, "SELECT type, name, tbl_name, sql FROM main.sqlite_schema ORDER BY rowid",
                         listRows) != SQLITE_OK)
        return "MVCC database " + path_ + ": cannot list its tables: " + sqlite3_errmsg(db_);
    std::vector<SchemaRow> rows;
    while (sqlite3_step(listRows.get()) == SQLITE_ROW)
        rows.push_back({columnText(listRows.get(), 0), columnText(listRows.get(), 1),
                        columnText(listRows.get(), 2), columnText(listRows.get(), 3)});

    std::vector<std::string> refused; // "kind name (why)"
    const std::set<std::string> recorded = recordedIndexes();
    const std::set<std::string> recordedViewNames = recordedViews();
    const std::set<std::string> recordedTriggerNames = recordedTriggers();
    // Tables first: an index is read beside its table's schema.
    for (const auto& row : rows) {
        const std::string lower = toLower(row.name);
        if (row.type != "table" || known.count(lower) || lower == metaTable) continue;
        // SQLite's own tables (sqlite_sequence, sqlite_stat1 ...) stay as SQLite keeps them.
        if (lower.starts_with("sqlite_")) continue;
        if (isVirtualTable(row.sql)) {
            refused.push_back("virtual table " + row.name +
                              " (virtual tables cannot be held by the MVCC engine)");
            continue;
        }
        Error parseError;
        auto schema = readTableSchema(row.sql, parseError);
        if (!schema) {
            refused.push_back("table " + row.name + " (" + parseError.message + ")");
            continue;
        }
        tables.emplace_back(schema->createSql, 0);
        adopted_.emplace_back("table:" + lower, schema->createSql);
        known.emplace(lower, std::move(*schema));
    }
    for (const auto& row : rows) {
        if (row.type == "table") continue;
        if (auto why = kindNotTakenYet(row.type)) {
            refused.push_back(row.type + " " + row.name + " (" + *why + ")");
            continue;
        }
        const std::string lower = toLower(row.name);
        if (row.type == "view") {
            // Its text as SQLite keeps it; it reads whatever tables it names, as SQLite's does.
            if (recordedViewNames.count(lower)) continue;
            Error parseError;
            auto view = readViewSchema(row.sql, parseError);
            if (!view) {
                refused.push_back("view " + row.name + " (" + parseError.message + ")");
                continue;
            }
            adopted_.emplace_back("view:" + lower, view->createSql);
            adoptedViews_.push_back(std::move(*view));
            continue;
        }
        const auto table = known.find(toLower(row.table));
        if (row.type == "trigger") {
            // Its text as SQLite keeps it, on a table taken above (the engine runs it; the file keeps it).
            if (recordedTriggerNames.count(lower)) continue;
            Error parseError;
            auto trigger =
                readTriggerSchema(row.sql, table == known.end() ? nullptr : &table->second, parseError);
            if (!trigger) {
                refused.push_back("trigger " + row.name + " (" + parseError.message + ")");
                continue;
            }
            adopted_.emplace_back("trigger:" + lower, trigger->createSql);
            adoptedTriggers_.push_back(std::move(*trigger));
            continue;
        }
        // Automatic indexes (UNIQUE, PRIMARY KEY) are part of their table's schema; indexes of a
        // table that is itself refused are covered by its refusal.
        if (table == known.end() || row.name.starts_with("sqlite_autoindex_") || recorded.count(lower))
            continue;
        Error parseError;
        auto index = readIndexSchema(row.sql, table->second, parseError);
        if (!index) {
            refused.push_back("index " + row.name + " (" + parseError.message + ")");
            continue;
        }
        adopted_.emplace_back("index:" + lower, index->createSql);
        adoptedIndexes_.emplace_back(table->second.name, index->createSql);
    }
    if (refused.empty()) return std::nullopt;
    adopted_.clear();
    adoptedIndexes_.clear();
    adoptedViews_.clear();
    adoptedTriggers_.clear();
    std::string names;
    for (std::size_t i = 0; i < refused.size() && i < 20; ++i)
        names += (i ? "; " : "") + refused[i];
    if (refused.size() > 20) names += "; and " + std::to_string(refused.size() - 20) + " more";
    return "MVCC database " + path_ + " holds " + std::to_string(refused.size()) +
           " object(s) the MVCC engine cannot take: " + names +
           ". Every object of a database is loaded or the database is refused, so it was not opened; nothing "
           "was changed. Run on it in a SQLite journal mode (wal or delete).";
}

std::optional<std::string> FileDurability::loadAdoptedIndexes()
{
    for (const auto& [tableName, createSql] : adoptedIndexes_) {
        const auto table = store_.table(tableName);
        Error parseError;
        auto schema = table ? readIndexSchema(createSql, table->schema(), parseError) : std::nullopt;
        if (!schema)
            return "MVCC database " + path_ + ": index " + createSql + " cannot be loaded (" +
                   parseError.message + ")";
        store_.restoreIndex(*table, std::move(*schema));
    }
    adoptedIndexes_.clear();
    return std::nullopt;
}

std::optional<std::string> FileDurability::recordAdopted()
{
    for (const auto& [key, sql] : adopted_) {
        sqlutil::StatementHandle s;
        if (sqlutil::prepare(db_, "INSERT OR REPLACE INTO main.__txscope_mvcc_meta VALUES (?1, ?2, 0)", s) !=
            SQLITE_OK)
            return "MVCC database " + path_ + ": cannot record " + key + ": " + sqlite3_errmsg(db_);
        sqlite3_bind_text(s.get(), 1, key.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s.get(), 2, sql.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s.get()) != SQLITE_DONE)
            return "MVCC database " + path_ + ": cannot record " + key + ": " + sqlite3_errmsg(db_);
    }
    return std::nullopt;
}

} // namespace txs::mvcc
