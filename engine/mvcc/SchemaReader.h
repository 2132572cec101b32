#pragma once
// Turns a CREATE TABLE statement into a TableSchema by letting SQLite parse it in a scratch
// in-memory database and reading back what SQLite understood (PRAGMA table_xinfo, index_list,
// foreign_key_list, table_list). Anything the MVCC engine cannot enforce yet is refused with
// an error that names it, never dropped silently.
//
// The text may come from a database file or a log (untrusted): the scratch connection is
// hardened, only one CREATE TABLE statement is accepted (anything else, or a second statement,
// is refused unrun), and the schema's createSql is rebuilt from the parsed structure and must
// read back as the same table. Only that rebuilt text is ever stored or run on a real file.

#include "engine/api/Error.h"
#include "engine/mvcc/TableSchema.h"

#include <optional>
#include <string>
#include <string_view>

namespace txs::mvcc {

// On success returns the schema; on failure sets `error` (SQLite's own message for bad SQL).
std::optional<mvcc::TableSchema> readTableSchema(std::string_view createStatement, Error& error);

// The CREATE TEMP TABLE of `schema`'s row mirror named `name` (engine/sql/MvccChecks.h): the
// columns' types, DEFAULT and COLLATE, and the CHECK constraints; no key, NOT NULL or index.
// readTableSchema refuses a table whose mirror SQLite would not create (a CHECK naming its table).
std::string rowMirrorCreate(const mvcc::TableSchema& schema, const std::string& name);

// A CREATE [UNIQUE] INDEX statement on `table` (whose createSql it is run beside), read the same
// way; the schema's createSql is its canonical form (for an index on expressions or a partial
// index: SQLite's own text, and the SQL its entries are computed by, IndexKeys.h). Collations
// other than BINARY, NOCASE and RTRIM are refused, named.
std::optional<mvcc::IndexSchema> readIndexSchema(std::string_view createIndex, const mvcc::TableSchema& table,
                                                 Error& error);

// A CREATE VIEW statement (not TEMP), read the same way in a scratch database (SQLite does not
// resolve a view's tables when it is created, so none are needed): exactly one statement, or it
// is refused unrun. The schema's createSql is the text SQLite keeps for it in sqlite_schema.
std::optional<mvcc::ViewSchema> readViewSchema(std::string_view createView, Error& error);

// A CREATE TRIGGER statement (not TEMP, not INSTEAD OF) on `table` (null: no such table, which is
// SQLite's error), read the same way: exactly one statement, or it is refused unrun. The schema's
// createSql is the text SQLite keeps for it in sqlite_schema.
std::optional<mvcc::TriggerSchema> readTriggerSchema(std::string_view createTrigger, const mvcc::TableSchema* table,
                                                     Error& error);
// The table a CREATE TRIGGER statement names after ON (as written, unquoted), empty when none.
std::string triggerTableName(std::string_view createTrigger);

} // namespace txs::mvcc
