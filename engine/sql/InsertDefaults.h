#pragma once
// SQLite keeps a table's DEFAULT expressions where virtual tables cannot have them, so an
// INSERT into a virtual table receives NULL for every column it omits. The MVCC connection
// therefore rewrites such an INSERT to name the omitted columns itself, with their defaults:
//   INSERT INTO t(a) VALUES (1), (2)
//   -> INSERT INTO t(a, "n") SELECT *, (7) FROM (VALUES (1), (2))
// and `DEFAULT VALUES` into a VALUES row of defaults.

#include "engine/mvcc/TableSchema.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace txs::sql {

// The rewritten statement, or nullopt when it needs none (not an INSERT, an unknown table, or
// no omitted column has a default). `schemaOf` finds an MVCC table's schema by name.
std::optional<std::string>
insertWithDefaults(std::string_view statement,
                   const std::function<const mvcc::TableSchema*(const std::string&)>& schemaOf);

} // namespace txs::sql
