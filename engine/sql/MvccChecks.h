#pragma once
// CHECK constraints and column collations of MVCC tables. SQLite refuses CHECK on a virtual
// table, so each such table gets a *row mirror* in the connection's private handle: a TEMP table
// with the same column types, COLLATE and CHECK constraints (no key, no NOT NULL, no index),
// holding at most one row. Every row the virtual table writes is first put into it
// (`INSERT OR REPLACE ... rowid 1`), so SQLite itself evaluates the constraints with the
// columns' affinity and collation, and its error ("CHECK constraint failed: ...") is the user's.

#include "engine/api/Error.h"
#include "engine/api/Value.h"
#include "engine/mvcc/Table.h"

#include <cstdint>
#include <optional>
#include <sqlite3.h>
#include <string>

namespace txs::sql {

struct Vtab;

// The column definition SQLite declares for the virtual table (type, DEFAULT, COLLATE).
std::string declaredColumn(const mvcc::TableSchema& table, const mvcc::ColumnSchema& column);

// Whether `schema` needs a row mirror (it has CHECK constraints).
bool needsRowMirror(const mvcc::TableSchema& schema);

// Creates (syncSchema, when the table is declared) or drops (when it goes) the row mirror of the
// table with id `tableId`. Dropping one that does not exist is fine.
std::optional<Error> createRowMirror(sqlite3* db, std::uint32_t tableId, const mvcc::TableSchema& schema);
std::optional<Error> dropRowMirror(sqlite3* db, std::uint32_t tableId);

// The CHECK constraint `row` (affinity applied, in column order) fails, as SQLite reports it.
std::optional<Error> checkViolation(Vtab& vtab, const Row& row);

} // namespace txs::sql
