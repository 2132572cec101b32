#pragma once
// The virtual table's writes (xUpdate): INSERT, UPDATE, DELETE and the upsert plan, with NOT
// NULL, the key's and the unique indexes' constraints, and index maintenance (Index.h).

#include "engine/api/Error.h"
#include "engine/mvcc/Table.h"
#include "engine/sqlutil/StatementHandle.h"

#include <memory>
#include <sqlite3.h>

namespace txs::sql {

class MvccConnection;

struct Vtab : sqlite3_vtab
{
    sqlite3* db;
    MvccConnection* connection;
    std::shared_ptr<mvcc::Table> table;
    sqlutil::StatementHandle rowMirror; // MvccChecks.h: prepared at the first checked write
    // Whether the front end's database holds text as UTF-8 (SQLite fixes its encoding before the
    // first table): a direct INSERT then reads a text's bytes as they are. 0 unknown, 1 yes, -1 no.
    int utf8 = 0;
};

// Reports `error` to the connection and SQLite; the code SQLite should see.
int setError(sqlite3_vtab* vtab, const Error& error);

int updateRow(sqlite3_vtab* base, int argc, sqlite3_value** argv, sqlite3_int64* newRowid);

} // namespace txs::sql
