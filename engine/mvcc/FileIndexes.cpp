// Secondary indexes on a database file. CREATE/DROP INDEX are frames of the log like CREATE/DROP
// TABLE; the checkpoint makes each a real index in x.db (so the stock sqlite3 uses it and its
// integrity_check covers it), recorded in __txscope_mvcc_meta as ('index:<lower-case name>', its
// CREATE INDEX, the DDL's timestamp). The entries are never logged: at open they are rebuilt from
// the rows (MvccStore::restoreIndex, then restoreRow for every row replayed after it). Stored SQL
// is data: each CREATE INDEX read back is parsed beside its table and rebuilt before it is used.

#include "engine/api/AsciiText.h"
#include "engine/mvcc/FileDurability.h"
#include "engine/mvcc/LogFormat.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/mvcc/SchemaReader.h"
#include "engine/sqlutil/SqliteValues.h"
#include "engine/sqlutil/StatementHandle.h"

#include <sqlite3.h>

namespace txs::mvcc {

namespace {

std::string columnText(sqlite3_stmt* s, int column)
{
    auto p = sqlite3_column_text(s, column);
    return p ? reinterpret_cast<const char*>(p) : "";
}

} // namespace

std::set<std::string> FileDurability::recordedIndexes() const
{
    std::set<std::string> names;
    if (!hasMeta_) return names;
    sqlutil::StatementHandle s;
    sqlutil::prepare(
        db_, "SELECT substr(key, 7) FROM main.__txscope_mvcc_meta WHERE substr(key, 1, 6) = 'index:'", s);
    while (s && sqlite3_step(s.get()) == SQLITE_ROW)
        names.insert(columnText(s.get(), 0));
    return names;
}

std::optional<std::string> FileDurability::loadIndexes()
{
    if (!hasMeta_) return std::nullopt;
    sqlutil::StatementHandle s;
    if (sqlutil::prepare(
            db_,
            "SELECT substr(m.key, 7), m.sql, s.tbl_name FROM main.__txscope_mvcc_meta m LEFT JOIN "
            "main.sqlite_schema s ON s.type = 'index' AND m.key = 'index:' || lower(s.name) "
            "WHERE substr(m.key, 1, 6) = 'index:' ORDER BY m.ts",
            s) != SQLITE_OK)
        return "MVCC database " + path_ + ": cannot read its indexes: " + sqlite3_errmsg(db_);
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
        const std::string name = columnText(s.get(), 0), sql = columnText(s.get(), 1);
        const auto table = store_.table(columnText(s.get(), 2));
        if (sqlite3_column_type(s.get(), 2) == SQLITE_NULL || !table)
            return "MVCC database " + path_ + ": index " + name +
                   " is recorded in __txscope_mvcc_meta but is not in the file on a table the engine created";
        Error parseError;
        auto schema = readIndexSchema(sql, table->schema(), parseError);
        if (!schema)
            return "MVCC database " + path_ +
                   ": an index recorded in __txscope_mvcc_meta cannot be loaded (" + parseError.message +
                   "): " + sql;
        store_.restoreIndex(*table, std::move(*schema));
    }
    return std::nullopt;
}

std::string FileDurability::replayIndexOp(const LogOp& op)
{
    if (op.kind == LogOp::Kind::DropIndex) {
        store_.restoreDropIndex(op.index);
        return {};
    }
    const auto table = store_.table(op.table);
    Error parseError;
    auto schema = table ? readIndexSchema(op.createSql, table->schema(), parseError) : std::nullopt;
    if (!schema)
        return "the MVCC log " + path_ + "-log holds a CREATE INDEX that TxScope does not write (" +
               (table ? parseError.message : "no table " + op.table) + "); " + path_ + " was not opened";
    store_.restoreIndex(*table, std::move(*schema));
    return {};
}

std::optional<std::string> FileDurability::checkpointIndexOp(const LogOp& op, std::uint64_t ts)
{
    auto step = [&](const char* sql, const std::string& a, const std::string& b = {}, bool withTs = false) {
        sqlutil::StatementHandle s;
        if (sqlutil::prepare(db_, sql, s) != SQLITE_OK) return false;
        sqlite3_bind_text(s.get(), 1, a.c_str(), -1, SQLITE_TRANSIENT);
        if (!b.empty()) sqlite3_bind_text(s.get(), 2, b.c_str(), -1, SQLITE_TRANSIENT);
        if (withTs) sqlite3_bind_int64(s.get(), 3, static_cast<sqlite3_int64>(ts));
        const int rc = sqlite3_step(s.get());
        return rc == SQLITE_DONE || rc == SQLITE_ROW;
    };
    if (op.kind == LogOp::Kind::DropIndex) {
        // Only an index the engine recorded is dropped.
        if (!recordedIndexes().count(toLower(op.index))) return std::nullopt;
        if (sqlite3_exec(db_, ("DROP INDEX IF EXISTS main." + sqlutil::quoteIdentifier(op.index)).c_str(),
                         nullptr, nullptr, nullptr) != SQLITE_OK ||
            !step("DELETE FROM __txscope_mvcc_meta WHERE key = 'index:' || lower(?1)", op.index))
            return "DROP INDEX " + op.index;
        return std::nullopt;
    }
    // The table's recorded CREATE TABLE, then the index parsed beside it and rebuilt.
    std::string tableSql;
    {
        sqlutil::StatementHandle s;
        sqlutil::prepare(db_, "SELECT sql FROM main.__txscope_mvcc_meta WHERE key = 'table:' || lower(?1)",
                         s);
        if (s) sqlite3_bind_text(s.get(), 1, op.table.c_str(), -1, SQLITE_TRANSIENT);
        if (s && sqlite3_step(s.get()) == SQLITE_ROW) tableSql = columnText(s.get(), 0);
    }
    Error parseError;
    auto table = readTableSchema(tableSql, parseError);
    auto index = table ? readIndexSchema(op.createSql, *table, parseError) : std::nullopt;
    if (!index) return "CREATE INDEX on " + op.table + " in the log is refused: " + parseError.message;
    if (sqlite3_exec(db_, index->createSql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        return index->createSql;
    if (!step("INSERT OR REPLACE INTO __txscope_mvcc_meta VALUES ('index:' || lower(?1), ?2, ?3)",
              index->name, index->createSql, true))
        return "__txscope_mvcc_meta";
    return std::nullopt;
}

bool FileDurability::forgetIndexesOf(const std::string& table)
{
    sqlutil::StatementHandle s;
    if (sqlutil::prepare(
            db_,
            "DELETE FROM main.__txscope_mvcc_meta WHERE key IN (SELECT 'index:' || lower(name) FROM "
            "main.sqlite_schema WHERE type = 'index' AND lower(tbl_name) = lower(?1))",
            s) != SQLITE_OK)
        return false;
    sqlite3_bind_text(s.get(), 1, table.c_str(), -1, SQLITE_TRANSIENT);
    return sqlite3_step(s.get()) == SQLITE_DONE;
}

} // namespace txs::mvcc
