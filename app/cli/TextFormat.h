#pragma once
// Small text helpers of the readable log.

#include "engine/api/Result.h"

#include <string>
#include <string_view>

namespace txs::cli {

// What a statement returned, for a person: "ok", "empty", "1|11, 2|20" (the first rows and a
// count when there are many), or "error SQLITE_BUSY: database is locked".
std::string resultText(const Result& result);

// `value` with `decimals` digits after the point ("1234.5"); non-finite values read "0".
std::string fixed(double value, int decimals);

// `text` broken into lines of at most `width` columns (longer words stay whole); the first line
// starts with `firstPrefix`, the others with `prefix`; every line ends with '\n'.
std::string wrap(std::string_view text, std::string_view firstPrefix, std::string_view prefix,
                 std::size_t width = 100);

} // namespace txs::cli
