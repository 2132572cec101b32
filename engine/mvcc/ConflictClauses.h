#pragma once
// A CREATE TABLE's constraint-level ON CONFLICT clauses (NOT NULL, UNIQUE and PRIMARY KEY ones;
// CHECK has none in SQLite's grammar), read into the parsed schema and written back into the
// canonical statement. The SQL front end applies them (engine/sql/MvccVirtualTableWrites.cpp).

#include "engine/mvcc/TableSchema.h"

#include <optional>
#include <string>
#include <string_view>

namespace txs::mvcc {

// Sets the notNullConflict, onConflict and keyConflict fields of `schema` (whose columns, key and
// constraint indexes SQLite has already read) from the clauses written in `statement`, which
// SQLite has parsed: its parentheses balance and each clause follows its constraint.
void readConflictClauses(std::string_view statement, TableSchema& schema);

// " ON CONFLICT REPLACE" and the like; empty for Resolution::Default.
std::string conflictClause(Resolution resolution);

} // namespace txs::mvcc
