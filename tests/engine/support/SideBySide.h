#pragma once
// Running one statement on the MVCC engine and on a plain SQLite 3.40.1 handle, and saying what
// each did in the same words, so a test compares them statement by statement.

#include "engine/api/Connection.h"
#include "engine/api/Database.h"

#include <QString>
#include <memory>
#include <string>

struct sqlite3;

namespace txs::test {

// "ok" or the error's message, as SQLite says it.
QString sqliteOutcome(sqlite3* db, const std::string& sql);
QString engineOutcome(Connection& c, const std::string& sql);
// The rows as "a|b, c|d" (NULL for nulls); "error" when the statement fails.
QString sqliteRows(sqlite3* db, const std::string& sql);
QString engineRows(Connection& c, const std::string& sql);

// A fresh in-memory MVCC database with connection `c`, beside a plain in-memory SQLite handle. A test
// class derives from it after QObject, so its slots say `both(...)`, `c->execute(...)`, `reference`.
// open() in a test's init(), close() in its cleanup(); both() and sameRows() fail the test (QCOMPARE)
// when the two differ.
struct SideBySide
{
    sqlite3* reference = nullptr;
    std::shared_ptr<Database> db;
    std::unique_ptr<Connection> c;

    void open();
    void close();
    void both(const std::string& sql);     // the same outcome: ok, or the same error message
    void sameRows(const std::string& sql); // the same rows
};

} // namespace txs::test
