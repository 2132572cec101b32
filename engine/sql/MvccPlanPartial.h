#pragma once
// Whether a partial index may serve a statement: the statement's constraints (xBestIndex's) must
// imply the index's WHERE, or a row the statement wants could be missing from the index. Proved
// term by term as SQLite does for its own partial indexes: each conjunct of the index's WHERE
// (mvcc::PartialTerm) is matched by a usable constraint on the same column with the same
// operator, the same right-hand constant (same type and value: 5, '5' and 5.0 differ, as each
// compares differently with some column; a number not at all for a TEXT column) and the same
// collation; `col IS NOT NULL` is matched by an equality or a range on that column, never true
// for NULL. `!=` and `IS NOT NULL` constraints prove nothing (MvccPlanPartial.cpp: SQLite 3.40.1
// may hand them from a LEFT JOIN's ON clause). A constant's value is known only for a literal:
// SQLite 3.40.1 gives none for a parameter `?`, bound or not, nor for an expression such as
// `0 + 1` or a COLLATE (sqlite3_vtab_rhs_value returns SQLITE_NOTFOUND), so such a statement
// scans instead.

#include "engine/mvcc/PartialTerms.h"
#include "engine/mvcc/Table.h"

#include <optional>
#include <vector>

struct sqlite3_index_info;

namespace txs::sql {

// The constraints that prove it, one per term, or nullopt. The plan must pass each as an argument
// (argvIndex; xFilter ignores the extra ones): only then does SQLite hold the plan to what those
// constraints need. SQLite 3.40.1 hands a table constraints it may not rely on, such as `t.b > 0`
// from `t LEFT JOIN u ON t.b > 0`, which keeps t's rows with b <= 0; a plan that uses such a
// constraint requires t itself, and SQLite drops it and asks again with the constraint unusable.
// A constraint from `IN (...)` is not taken: as an argument it would make SQLite run the scan once
// per listed value.
std::optional<std::vector<int>> impliesPartialWhere(const mvcc::Table& table,
                                                    const std::vector<mvcc::PartialTerm>& terms,
                                                    sqlite3_index_info* info);

} // namespace txs::sql
