#pragma once
// $worker and $iter in the SQL of a workers block.

#include <cstdint>
#include <string>
#include <string_view>

namespace txs {

// Replaces every `$worker` with `worker` and every `$iter` with `iter`. Whole words only:
// `$worker2` and `$iteration` stay as they are (they may be SQLite parameters); "$worker$iter" is
// two variables. The replacement
// is textual, so it also happens inside string literals: 'w$worker' becomes 'w3'.
std::string substituteVariables(std::string_view sql, int worker, std::int64_t iter);

// The first whole-word `$worker` or `$iter` in `sql` ("$worker", "$iter"), or "" when none.
std::string_view findVariable(std::string_view sql);

} // namespace txs
