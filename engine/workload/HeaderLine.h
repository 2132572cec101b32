#pragma once
// Header lines `KEY: VALUE`, which come before the first block.

#include "engine/workload/Workload.h"

#include <optional>
#include <string>
#include <string_view>

namespace txs {

// journal_mode, busy_timeout, synchronous, seed (any case). These words cannot name a step's
// connection, since a line that starts with one is always read as a header.
bool isHeaderKey(std::string_view key);

// Sets `key` (a header key) from `value` in `workload`; returns the error message for a bad value.
std::optional<std::string> applyHeader(Workload& workload, std::string_view key, std::string_view value);

} // namespace txs
