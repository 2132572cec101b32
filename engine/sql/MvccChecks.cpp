#include "engine/sql/MvccChecks.h"

#include "engine/mvcc/Affinity.h"
#include "engine/mvcc/SchemaReader.h"
#include "engine/sql/MvccVirtualTableWrites.h"
#include "engine/sqlutil/SqliteValues.h"

namespace txs::sql {

using sqlutil::quoteIdentifier;

namespace {

std::string mirrorName(std::uint32_t tableId)
{
    return quoteIdentifier("__txscope_row_" + std::to_string(tableId));
}

std::optional<Error> exec(sqlite3* db, const std::string& sql)
{
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return std::nullopt;
    Error e = Error::fromSqlite(sqlite3_extended_errcode(db), message ? message : "error");
    sqlite3_free(message);
    return e;
}

} // namespace

std::string declaredColumn(const mvcc::TableSchema& table, const mvcc::ColumnSchema& column)
{
    std::string sql = quoteIdentifier(column.name) + " " + mvcc::looseType(table, column);
    if (!column.defaultSql.empty()) sql += " DEFAULT (" + column.defaultSql + ")";
    if (!column.collation.empty()) sql += " COLLATE " + quoteIdentifier(column.collation);
    return sql;
}

bool needsRowMirror(const mvcc::TableSchema& schema)
{
    return !schema.checks.empty();
}

std::optional<Error> createRowMirror(sqlite3* db, std::uint32_t tableId, const mvcc::TableSchema& schema)
{
    if (!needsRowMirror(schema)) return std::nullopt;
    // readTableSchema accepted the table only if this statement prepares.
    return exec(db, mvcc::rowMirrorCreate(schema, "__txscope_row_" + std::to_string(tableId)));
}

std::optional<Error> dropRowMirror(sqlite3* db, std::uint32_t tableId)
{
    return exec(db, "DROP TABLE IF EXISTS temp." + mirrorName(tableId));
}

std::optional<Error> checkViolation(Vtab& vtab, const Row& row)
{
    const auto& schema = vtab.table->schema();
    if (!needsRowMirror(schema)) return std::nullopt;
    if (!vtab.rowMirror) {
        std::string sql = "INSERT OR REPLACE INTO temp." + mirrorName(vtab.table->id()) + "(rowid";
        for (const auto& column : schema.columns)
            sql += ", " + quoteIdentifier(column.name);
        sql += ") VALUES (1";
        for (std::size_t i = 0; i < schema.columns.size(); ++i)
            sql += ", ?";
        sql += ")";
        if (sqlutil::prepare(vtab.db, sql, vtab.rowMirror, nullptr, SQLITE_PREPARE_PERSISTENT) != SQLITE_OK ||
            !vtab.rowMirror)
            return Error::fromSqlite(sqlite3_extended_errcode(vtab.db), sqlite3_errmsg(vtab.db));
    }
    sqlite3_stmt* insert = vtab.rowMirror.get();
    sqlutil::bindParams(insert, row);
    const int rc = sqlite3_step(insert);
    std::optional<Error> error;
    if (rc != SQLITE_DONE)
        error = Error::fromSqlite(sqlite3_extended_errcode(vtab.db), sqlite3_errmsg(vtab.db));
    sqlite3_reset(insert);
    sqlite3_clear_bindings(insert);
    return error;
}

} // namespace txs::sql
