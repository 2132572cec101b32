#include "engine/sqlite/FileCheck.h"

#include "engine/api/Hardening.h"
#include "engine/sqlutil/StatementHandle.h"

#include <sqlite3.h>
#include <sys/stat.h>

namespace txs::sqlite {

std::optional<Error> checkFile(const std::string& path, FileState& state)
{
    struct stat st
    {};
    if (path.empty() || path == ":memory:" || ::stat(path.c_str(), &st) != 0 || st.st_size == 0)
        return std::nullopt;
    state.exists = true;
    sqlite3* db = nullptr;
    // No SQLITE_OPEN_CREATE: the file exists. SQLite falls back to read-only on a read-only file.
    // Closing this handle is safe for other connections' locks: SQLite keeps the descriptor
    // open while any connection of the process holds a lock on the file.
    int rc = openHardened(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    const auto failWith = [&](int code, std::string message) {
        sqlite3_close_v2(db);
        Error e = Error::fromSqlite(code, std::move(message));
        return std::optional<Error>(std::move(e));
    };
    if (rc != SQLITE_OK)
        return failWith(rc, "cannot open " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_extended_result_codes(db, 1);
    std::string problems;
    {
        sqlutil::StatementHandle check;
        rc = sqlutil::prepare(db, "PRAGMA quick_check(5)", check);
        if (rc == SQLITE_OK) {
            while ((rc = sqlite3_step(check.get())) == SQLITE_ROW) {
                const auto* line = reinterpret_cast<const char*>(sqlite3_column_text(check.get(), 0));
                if (line && std::string(line) != "ok")
                    problems += (problems.empty() ? "" : "; ") + std::string(line);
            }
            if (rc == SQLITE_DONE) rc = SQLITE_OK;
        }
    }
    if (rc != SQLITE_OK) {
        const int code = sqlite3_extended_errcode(db);
        if ((code & 0xFF) == SQLITE_BUSY || (code & 0xFF) == SQLITE_LOCKED)
            return failWith(code, path + " is locked by another connection or process (" +
                                      std::string(sqlite3_errmsg(db)) + "); it was not checked or changed");
        if ((code & 0xFF) == SQLITE_NOTADB || (code & 0xFF) == SQLITE_CORRUPT)
            return failWith(rc::Corrupt, path + " is not a valid SQLite database (" +
                                             std::string(sqlite3_errmsg(db)) + "); nothing was changed");
        return failWith(code, "cannot check " + path + ": " + sqlite3_errmsg(db));
    }
    if (!problems.empty())
        return failWith(rc::Corrupt, path + " is corrupt (PRAGMA quick_check: " + problems +
                                         "); it was not opened and nothing was changed");
    {
        sqlutil::StatementHandle mode;
        if (sqlutil::prepare(db, "PRAGMA main.journal_mode", mode) == SQLITE_OK &&
            sqlite3_step(mode.get()) == SQLITE_ROW)
            if (const auto* m = reinterpret_cast<const char*>(sqlite3_column_text(mode.get(), 0)))
                state.journalMode = m;
    }
    sqlite3_close_v2(db);
    return std::nullopt;
}

} // namespace txs::sqlite
