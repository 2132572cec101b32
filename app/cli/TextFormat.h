#pragma once
// Small text helpers of the readable log.

#include "engine/api/AsciiText.h" // fixed
#include "engine/api/Result.h"

#include <string>
#include <string_view>

namespace txs::cli {

// What a statement returned, for a person: "ok", "empty", "1|11, 2|20" (the first rows and a
// count when there are many), or "error SQLITE_BUSY: database is locked".
std::string resultText(const Result& result);

// `text` broken into lines of at most `width` columns (longer words stay whole); the first line
// starts with `firstPrefix`, the others with `prefix`; every line ends with '\n'.
std::string wrap(std::string_view text, std::string_view firstPrefix, std::string_view prefix,
                 std::size_t width = 100);

} // namespace txs::cli
