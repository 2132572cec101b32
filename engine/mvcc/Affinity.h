#pragma once
// SQLite's column affinity (datatype3.html, section 3): SQLite applies it to every value
// stored in an ordinary table, but not to values written into a virtual table, so the MVCC
// engine applies it itself to behave like a real table.

#include "engine/api/Value.h"
#include "engine/mvcc/TableSchema.h"

#include <optional>
#include <string>
#include <string_view>

namespace txs::mvcc {

mvcc::Affinity affinityOf(std::string_view declaredType);
Value applyAffinity(Value value, mvcc::Affinity affinity);

// STRICT tables (SQLite 3.37+): the affinity of each of the six types SQLite allows there (the
// CREATE TABLE refused any other already); ANY has none, so a value is kept as given.
mvcc::Affinity strictAffinityOf(std::string_view declaredType);
// The type a table SQLite holds for the engine (the virtual table, a CHECK mirror, a trigger's
// shadow) declares for `column`: its own, but none for ANY in a STRICT table (which would read as
// NUMERIC affinity in an ordinary table, where STRICT gives it none).
std::string looseType(const mvcc::TableSchema& table, const mvcc::ColumnSchema& column);
// A STRICT column's check of `value`, its affinity applied: SQLite's message ("cannot store TEXT
// value in INTEGER column t.a", SQLITE_CONSTRAINT_DATATYPE) when the value's type is not the
// column's, else nothing. NULL always passes (NOT NULL is checked before).
std::optional<std::string> strictMismatch(const Value& value, const mvcc::ColumnSchema& column,
                                          const std::string& table);

} // namespace txs::mvcc
