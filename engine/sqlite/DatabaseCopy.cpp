#include "engine/sqlite/DatabaseCopy.h"

#include "engine/api/Hardening.h"

#include <sqlite3.h>

namespace txs {

std::optional<std::string> copyDatabase(const std::string& source, const std::string& target)
{
    sqlite3* from = nullptr;
    sqlite3* to = nullptr;
    auto fail = [&](const std::string& file, sqlite3* db, int rc) {
        std::string message = file + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close_v2(from);
        sqlite3_close_v2(to);
        return message;
    };
    int rc = openHardened(source.c_str(), &from, SQLITE_OPEN_READONLY, nullptr);
    if (rc != SQLITE_OK) return fail(source, from, rc);
    // Reading the schema tells a database from any other file before anything is written.
    rc = sqlite3_exec(from, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return fail(source, from, rc);
    rc = openHardened(target.c_str(), &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) return fail(target, to, rc);
    sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
    if (!backup) return fail(target, to, sqlite3_errcode(to));
    // Copy in slices, sleeping briefly when a writer holds the source, so a busy database is
    // still copied consistently instead of failing at the first lock.
    do {
        rc = sqlite3_backup_step(backup, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(10);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) return fail(target, to, rc);
    sqlite3_close_v2(from);
    sqlite3_close_v2(to);
    return std::nullopt;
}

} // namespace txs
