#pragma once
// Reading a database file the way the stock sqlite3 shell would, without TxScope: what the
// MVCC checkpoint and the CLI's --db promise is that plain SQLite sees the committed rows.

#include <QString>
#include <string>

struct sqlite3;

namespace txs::test {

// The rows of one query on an open stock SQLite connection, formatted as plainSqlite's.
QString plainQuery(sqlite3* db, const char* sql);

// The rows of one query through the SQLite C API, opened read-only, as "a|b, c|d" (NULL for
// nulls); "cannot open" or "error: MESSAGE" when SQLite refuses.
QString plainSqlite(const QString& path, const char* sql);

// Runs a script (any number of statements) with the stock SQLite library, as the application
// owning the file would (read-write, created when missing): the rows of every statement as
// "a|b, c|d" (NULL for nulls), or "error: MESSAGE" when SQLite refuses one (earlier statements
// stay done), "error: open" when it cannot open the file.
QString plainScript(const QString& path, const char* sql);
inline QString plainScript(const QString& path, const std::string& sql)
{
    return plainScript(path, sql.c_str());
}

// Runs statements with the stock SQLite library, as the application owning the file would
// (read-write, created when missing); false when SQLite refuses one.
bool plainExec(const QString& path, const char* sql);

// The schema of a file as SQLite keeps it, without the MVCC engine's own table: for comparing a
// file's schema before and after the engine opened and checkpointed it.
inline constexpr const char* schemaQuery = "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                                           "WHERE tbl_name <> '__txscope_mvcc_meta' ORDER BY type, name";

} // namespace txs::test
