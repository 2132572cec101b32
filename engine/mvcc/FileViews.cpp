// Views on a database file. CREATE/DROP VIEW are frames of the log like CREATE/DROP TABLE; the
// checkpoint makes each a real view in x.db (so the stock sqlite3 reads it), recorded in
// __txscope_mvcc_meta as ('view:<lower-case name>', its CREATE VIEW, the DDL's timestamp). At open
// the recorded views are loaded, then the log's view frames replayed over them. Stored SQL is
// data: each CREATE VIEW read back is checked to be exactly one CREATE VIEW statement
// (readViewSchema) before the store takes it or the checkpoint runs it; a view runs no code when
// it is created (SQLite does not even resolve its tables until it is read).

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

// Runs `sql` with ?1 = a, ?2 = b (when not empty), ?3 = ts (when withTs).
bool step(sqlite3* db, const char* sql, const std::string& a, const std::string& b = {},
          std::optional<std::uint64_t> ts = std::nullopt)
{
    sqlutil::StatementHandle s;
    if (sqlutil::prepare(db, sql, s) != SQLITE_OK) return false;
    sqlite3_bind_text(s.get(), 1, a.c_str(), -1, SQLITE_TRANSIENT);
    if (!b.empty()) sqlite3_bind_text(s.get(), 2, b.c_str(), -1, SQLITE_TRANSIENT);
    if (ts) sqlite3_bind_int64(s.get(), 3, static_cast<sqlite3_int64>(*ts));
    const int rc = sqlite3_step(s.get());
    return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

} // namespace

std::optional<Error> FileDurability::logCreateView(const std::string& name, const std::string& createSql,
                                                   std::uint64_t ts)
{
    FrameWriter frame(ts);
    frame.createView(name, createSql);
    return appendDdl(frame.finish());
}

std::optional<Error> FileDurability::logDropView(const std::string& name, std::uint64_t ts)
{
    FrameWriter frame(ts);
    frame.dropView(name);
    return appendDdl(frame.finish());
}

std::set<std::string> FileDurability::recordedViews() const
{
    std::set<std::string> names;
    if (!hasMeta_) return names;
    sqlutil::StatementHandle s;
    sqlutil::prepare(
        db_, "SELECT substr(key, 6) FROM main.__txscope_mvcc_meta WHERE substr(key, 1, 5) = 'view:'", s);
    while (s && sqlite3_step(s.get()) == SQLITE_ROW)
        names.insert(columnText(s.get(), 0));
    return names;
}

std::optional<std::string> FileDurability::loadViews()
{
    if (hasMeta_) {
        sqlutil::StatementHandle s;
        if (sqlutil::prepare(
                db_,
                "SELECT m.sql FROM main.__txscope_mvcc_meta m WHERE substr(m.key, 1, 5) = 'view:' "
                "ORDER BY m.ts, m.rowid",
                s) != SQLITE_OK)
            return "MVCC database " + path_ + ": cannot read its views: " + sqlite3_errmsg(db_);
        while (sqlite3_step(s.get()) == SQLITE_ROW) {
            const std::string sql = columnText(s.get(), 0);
            Error parseError;
            auto view = readViewSchema(sql, parseError);
            if (!view)
                return "MVCC database " + path_ +
                       ": a view recorded in __txscope_mvcc_meta cannot be loaded (" + parseError.message +
                       "): " + sql;
            store_.restoreView(std::move(*view));
        }
    }
    for (auto& view : adoptedViews_)
        store_.restoreView(std::move(view));
    adoptedViews_.clear();
    return std::nullopt;
}

std::string FileDurability::replayViewOp(const LogOp& op)
{
    if (op.kind == LogOp::Kind::DropView) {
        store_.restoreDropView(op.table);
        return {};
    }
    Error parseError;
    auto view = readViewSchema(op.createSql, parseError);
    if (!view)
        return "the MVCC log " + path_ + "-log holds a CREATE VIEW that TxScope does not write (" +
               parseError.message + "); " + path_ + " was not opened";
    store_.restoreView(std::move(*view));
    return {};
}

std::optional<std::string> FileDurability::checkpointViewOp(const LogOp& op, std::uint64_t ts)
{
    const bool recorded = recordedViews().count(toLower(op.table)) > 0;
    const std::string drop = "DROP VIEW IF EXISTS main." + sqlutil::quoteIdentifier(op.table);
    if (op.kind == LogOp::Kind::DropView) {
        // Only a view the engine recorded is dropped (one created and dropped since the last
        // checkpoint never reached the file).
        if (!recorded) return std::nullopt;
        if (sqlite3_exec(db_, drop.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK ||
            !step(db_, "DELETE FROM __txscope_mvcc_meta WHERE key = 'view:' || lower(?1)", op.table))
            return "DROP VIEW " + op.table;
        return std::nullopt;
    }
    Error parseError;
    auto view = readViewSchema(op.createSql, parseError);
    if (!view) return "CREATE VIEW " + op.table + " in the log is refused: " + parseError.message;
    // A view of that name already in the file is ours (recorded: a checkpoint that stopped between
    // batches wrote it) and is replaced; an unrecorded object of that name is someone else's.
    if (recorded) {
        if (sqlite3_exec(db_, drop.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) return drop;
    }
    if (sqlite3_exec(db_, view->createSql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        return view->createSql + " (" + sqlite3_errmsg(db_) + ")";
    if (!step(db_, "INSERT OR REPLACE INTO __txscope_mvcc_meta VALUES ('view:' || lower(?1), ?2, ?3)",
              view->name, view->createSql, ts))
        return "__txscope_mvcc_meta";
    return std::nullopt;
}

} // namespace txs::mvcc
