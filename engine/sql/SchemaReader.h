#pragma once
// Turns a CREATE TABLE statement into a TableSchema by letting SQLite parse it in a scratch
// in-memory database and reading back what SQLite understood (PRAGMA table_xinfo, index_list,
// foreign_key_list, table_list). Anything the MVCC engine cannot enforce yet is refused with
// an error that names it, never dropped silently.

#include "engine/api/Error.h"
#include "engine/mvcc/TableSchema.h"

#include <optional>
#include <string_view>

namespace txs::sql {

// On success returns the schema; on failure sets `error` (SQLite's own message for bad SQL).
std::optional<mvcc::TableSchema> readTableSchema(std::string_view createStatement, Error& error);

} // namespace txs::sql
