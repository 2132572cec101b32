#pragma once
// FOREIGN KEY constraints of a CREATE TABLE: read back from SQLite (pragma_foreign_key_list, which
// lists them last-declared first) with the DEFERRABLE INITIALLY DEFERRED the pragma does not show
// taken from the statement's tokens, and written back as table constraints in declaration order
// (column REFERENCES included: SQLite treats both forms alike).

#include "engine/api/Error.h"
#include "engine/mvcc/TableSchema.h"

#include <optional>
#include <string>
#include <string_view>

struct sqlite3;

namespace txs::mvcc {

// The foreign keys of `schema.name`, just created in `db` from `sql`, into `schema.foreignKeys`.
std::optional<Error> readForeignKeys(sqlite3* db, std::string_view sql, TableSchema& schema);

// ", FOREIGN KEY (...) REFERENCES ..." for each foreign key of `schema`, for its canonical CREATE TABLE.
std::string foreignKeyClauses(const TableSchema& schema);

bool sameForeignKeys(const TableSchema& a, const TableSchema& b);

} // namespace txs::mvcc
