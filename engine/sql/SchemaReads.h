#pragma once
// Statements that read the schema, pointed at the connection's schema mirror (SchemaMirror.h).
//
// On an MVCC connection every user table is a virtual table of the private handle, so that
// handle's own sqlite_schema and schema pragmas describe `CREATE VIRTUAL TABLE ... USING
// txscope_mvcc`, not the user's schema. The mirror, attached to the private handle as
// kMirrorSchema, holds the schema the statement sees as plain SQLite objects; a statement that
// reads the schema is rewritten once, by tokens, when its text is first parsed (ParsedTexts.h):
//   - `sqlite_schema` / `sqlite_master`, unqualified or `main.`, read the mirror's;
//   - `PRAGMA [main.]table_info(...)` and the other schema pragmas run as `PRAGMA <mirror>.x(...)`;
//   - the table-valued `pragma_table_info(x)` etc. get the mirror as their schema argument (or
//     have an explicit 'main' replaced by it).
// Never inside a string literal or a quoted identifier: only whole names are matched (a quoted
// "sqlite_schema" is the table as well; pragma_x only bare, a function name). A text
// that names none of these is left alone after one case-insensitive search for "sqlite_" and
// "pragma_" (and a PRAGMA's name): the common path pays nothing per run, the texts are cached.
//
// `sqlite_sequence` is not rewritten: the private handle's main schema has none, so SQLite finds
// the mirror's by its search order (temp, main, attached), or says "no such table:
// sqlite_sequence" as it does when no AUTOINCREMENT table exists. The mirror fills its rows
// before a statement that names it (`sequence`).

#include "engine/sqlutil/SqlScanner.h"

#include <optional>
#include <string>
#include <string_view>

namespace txs::sql {

inline constexpr std::string_view kMirrorSchema = "txscope_schema";

struct SchemaRead
{
    std::string sql;       // the statement to run (the rewritten text, or the text itself)
    bool sequence = false; // names sqlite_sequence: its rows are filled before it runs
};

// The rewrite of `statement` (classified as `c`) if it reads the schema; nullopt when it names
// none of the objects above (the statement runs as written).
std::optional<SchemaRead> pointAtSchemaMirror(std::string_view statement, const sqlutil::Classified& c);

} // namespace txs::sql
