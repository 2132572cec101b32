#pragma once
// Short human labels for event fields, shared by the projections that show events to people.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace txs {

// TxBegin's a (a TxMode): "deferred", "concurrent", "autocommit"...; "?" when out of range.
const char* txModeLabel(std::int64_t mode);

// TxRollback's a (a RollbackReason), the one wording of it everywhere (timeline, tables, trace
// export), to read after "rolled back": "by ROLLBACK", "after a conflict", "by a failed
// statement", "after SQLITE_BUSY", "when the connection closed"; "?" when out of range.
const char* rollbackReasonLabel(std::int64_t reason);

// The SQL on one line (runs of whitespace become one space), cut after maxCodePoints with "…":
// a label for a span or a table cell; the full text belongs in a tooltip or details.
std::string shortSql(std::string_view sql, std::size_t maxCodePoints = 48);

} // namespace txs
