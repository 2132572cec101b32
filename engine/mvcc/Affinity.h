#pragma once
// SQLite's column affinity (datatype3.html, section 3): SQLite applies it to every value
// stored in an ordinary table, but not to values written into a virtual table, so the MVCC
// engine applies it itself to behave like a real table.

#include "engine/api/Value.h"
#include "engine/mvcc/TableSchema.h"

#include <string_view>

namespace txs::mvcc {

mvcc::Affinity affinityOf(std::string_view declaredType);
Value applyAffinity(Value value, mvcc::Affinity affinity);

} // namespace txs::mvcc
