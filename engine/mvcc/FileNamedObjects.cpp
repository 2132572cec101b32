// What views and triggers on a database file share (FileViews.cpp, FileTriggers.cpp): each is one
// CREATE statement kept in x.db as a real object of its kind and recorded in __txscope_mvcc_meta as
// ('<kind>:<lower-case name>', its statement, the DDL's timestamp); the checkpoint applies their log
// frames in log order.

#include "engine/api/AsciiText.h"
#include "engine/mvcc/FileDurability.h"
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

// Runs `sql` with ?1 = a, ?2 = b (when not empty), ?3 = ts (when given).
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

std::set<std::string> FileDurability::recordedNames(const std::string& kind) const
{
    std::set<std::string> names;
    if (!hasMeta_) return names;
    sqlutil::StatementHandle s;
    sqlutil::prepare(db_,
                     "SELECT substr(key, length(?1) + 2) FROM main.__txscope_mvcc_meta "
                     "WHERE substr(key, 1, length(?1) + 1) = ?1 || ':'",
                     s);
    if (s) sqlite3_bind_text(s.get(), 1, kind.c_str(), -1, SQLITE_TRANSIENT);
    while (s && sqlite3_step(s.get()) == SQLITE_ROW)
        names.insert(columnText(s.get(), 0));
    return names;
}

std::optional<std::string> FileDurability::recordedStatements(const std::string& kind,
                                                              std::vector<std::string>& statements) const
{
    if (!hasMeta_) return std::nullopt;
    sqlutil::StatementHandle s;
    if (sqlutil::prepare(
            db_,
            "SELECT sql FROM main.__txscope_mvcc_meta WHERE substr(key, 1, length(?1) + 1) = ?1 || ':' "
            "ORDER BY ts, rowid",
            s) != SQLITE_OK)
        return "MVCC database " + path_ + ": cannot read its " + kind + "s: " + sqlite3_errmsg(db_);
    sqlite3_bind_text(s.get(), 1, kind.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(s.get()) == SQLITE_ROW)
        statements.push_back(columnText(s.get(), 0));
    return std::nullopt;
}

std::optional<std::string> FileDurability::checkpointNamedOp(const std::string& kind, const std::string& name,
                                                             const std::string* createSql, std::uint64_t ts)
{
    const bool recorded = recordedNames(kind).count(toLower(name)) > 0;
    const std::string word = kind == "view" ? "VIEW" : "TRIGGER";
    const std::string drop = "DROP " + word + " IF EXISTS main." + sqlutil::quoteIdentifier(name);
    const std::string key = "'" + kind + ":' || lower(?1)";
    if (!createSql) {
        // Only an object the engine recorded is dropped (one created and dropped since the last
        // checkpoint never reached the file).
        if (!recorded) return std::nullopt;
        if (sqlite3_exec(db_, drop.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK ||
            !step(db_, ("DELETE FROM __txscope_mvcc_meta WHERE key = " + key).c_str(), name))
            return "DROP " + word + " " + name;
        return std::nullopt;
    }
    // One of that name already in the file is ours (recorded: a checkpoint that stopped between
    // batches wrote it) and is replaced; an unrecorded object of that name is someone else's.
    if (recorded) {
        if (sqlite3_exec(db_, drop.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) return drop;
    }
    if (sqlite3_exec(db_, createSql->c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        return *createSql + " (" + sqlite3_errmsg(db_) + ")";
    if (!step(db_, ("INSERT OR REPLACE INTO __txscope_mvcc_meta VALUES (" + key + ", ?2, ?3)").c_str(), name,
              *createSql, ts))
        return "__txscope_mvcc_meta";
    return std::nullopt;
}

} // namespace txs::mvcc
