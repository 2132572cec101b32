// ALTER TABLE on a database file. Not a frame of the log: the file itself is altered, by SQLite's
// own ALTER TABLE, once a checkpoint has brought it up to date. Why: the log's row frames name a
// table and carry rows of its shape at the time, and a checkpoint writes rows as of its snapshot in
// the table's current shape; an ALTER between them would need every reader of the log to reshape
// rows across renames. With the file altered at the ALTER, every frame in the log is of the current
// shape and name, and recovery and checkpoint need to know nothing of ALTER.
//
// Under the checkpoint lock (no checkpoint runs meanwhile) and the exclusive slot (the caller's: no
// commit or other DDL runs meanwhile): the log is checkpointed, then in one SQLite transaction the
// ALTER runs on x.db and __txscope_mvcc_meta gets the table's new statement (under its new name),
// its indexes', the views' and the triggers' statements as SQLite rewrote them, and the checkpointed
// timestamp becomes the ALTER's (every commit below it is in the file). A crash before that COMMIT leaves the
// file as before and the ALTER unacknowledged; after it, the ALTER is durable (SQLite synced it).

#include "engine/mvcc/AlterPlan.h"
#include "engine/mvcc/FileDurability.h"
#include "engine/sqlutil/StatementHandle.h"

#include <sqlite3.h>

namespace txs::mvcc {

namespace {

// Runs `sql` with ?1..?3 bound (texts, then an integer when given).
bool stepBound(sqlite3* db, const char* sql, const std::string& a, const std::string& b = {},
               std::optional<std::int64_t> n = std::nullopt)
{
    sqlutil::StatementHandle s;
    if (sqlutil::prepare(db, sql, s) != SQLITE_OK) return false;
    sqlite3_bind_text(s.get(), 1, a.c_str(), -1, SQLITE_TRANSIENT);
    if (!b.empty()) sqlite3_bind_text(s.get(), 2, b.c_str(), -1, SQLITE_TRANSIENT);
    if (n) sqlite3_bind_int64(s.get(), 3, *n);
    return sqlite3_step(s.get()) == SQLITE_DONE;
}

} // namespace

std::optional<Error> FileDurability::alterTable(std::string_view statement, const AlterPlan& plan,
                                                std::uint64_t createdTs,
                                                const std::function<std::uint64_t()>& timestamp,
                                                std::uint64_t& ts)
{
    std::lock_guard lock(checkpointMutex_);
    if (auto e = ensureLog())
        return Error::fromSqlite(rc::IoErr, "ALTER TABLE of " + path_ + " failed: " + *e);
    CheckpointResult done;
    if (auto e = runCheckpoint(done)) return e;
    ts = timestamp();
    const auto failed = [&](const std::string& what) {
        Error e = Error::fromSqlite(sqlite3_extended_errcode(db_), "ALTER TABLE of " + path_ + " failed (" +
                                                                       what + "): " + sqlite3_errmsg(db_) +
                                                                       "; nothing was changed");
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    };
    if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return failed("BEGIN");
    // The user's statement, which planAlter checked to be exactly one ALTER TABLE and ran on the
    // same schema; here SQLite also applies its rules that look at rows.
    {
        sqlutil::StatementHandle alter;
        if (sqlutil::prepare(db_, statement, alter) != SQLITE_OK || !alter ||
            sqlite3_step(alter.get()) != SQLITE_DONE) {
            Error e = Error::fromSqlite(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_));
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            return e;
        }
    }
    if (!stepBound(db_, "DELETE FROM main.__txscope_mvcc_meta WHERE key = 'table:' || lower(?1)",
                   plan.table) ||
        !stepBound(db_,
                   "INSERT OR REPLACE INTO main.__txscope_mvcc_meta VALUES ('table:' || lower(?1), ?2, ?3)",
                   plan.schema.name, plan.schema.createSql, static_cast<std::int64_t>(createdTs)))
        return failed("__txscope_mvcc_meta");
    // Indexes and views keep their names and timestamps; only their statements change (a record
    // that does not exist yet is not made: an index or view the checkpoint has not written).
    for (const auto& index : plan.indexes)
        if (!stepBound(db_, "UPDATE main.__txscope_mvcc_meta SET sql = ?2 WHERE key = 'index:' || lower(?1)",
                       index.name, index.createSql))
            return failed("__txscope_mvcc_meta");
    for (const auto& view : plan.views)
        if (!stepBound(db_, "UPDATE main.__txscope_mvcc_meta SET sql = ?2 WHERE key = 'view:' || lower(?1)",
                       view.name, view.createSql))
            return failed("__txscope_mvcc_meta");
    // The triggers SQLite rewrote in x.db (its ALTER above rewrote them the same way there).
    for (const auto& trigger : plan.triggers)
        if (!stepBound(db_,
                       "UPDATE main.__txscope_mvcc_meta SET sql = ?2 WHERE key = 'trigger:' || lower(?1)",
                       trigger.name, trigger.createSql))
            return failed("__txscope_mvcc_meta");
    if (!stepBound(db_, "UPDATE main.__txscope_mvcc_meta SET ts = ?3 WHERE key = ?1", "checkpoint", {},
                   static_cast<std::int64_t>(ts)))
        return failed("__txscope_mvcc_meta");
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return failed("COMMIT");
    checkpointTs_ = ts;
    return std::nullopt;
}

} // namespace txs::mvcc
