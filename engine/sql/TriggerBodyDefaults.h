#pragma once
// A trigger's body runs on the connection's private handle, where the MVCC tables are virtual
// tables, and SQLite hands a virtual table NULL for every column an INSERT omits: a body's
// `INSERT INTO audit(tid) VALUES (NEW.id)` would store NULL where the table says
// `DEFAULT CURRENT_TIMESTAMP` (or fail its NOT NULL), as the user's own INSERTs would without
// InsertDefaults.h. So each INSERT of the body is rewritten the same way before the trigger is
// declared; the rest of the text is kept byte for byte.

#include "engine/mvcc/TableSchema.h"

#include <functional>
#include <string>

namespace txs::sql {

// `createSql` with each INSERT of its BEGIN ... END body naming its omitted columns that have a
// DEFAULT (insertWithDefaults); `createSql` itself when none needs it or the text has no body
// this reads. `schemaOf` finds an MVCC table's schema by name.
std::string withBodyDefaults(const std::string& createSql,
                             const std::function<const mvcc::TableSchema*(const std::string&)>& schemaOf);

} // namespace txs::sql
