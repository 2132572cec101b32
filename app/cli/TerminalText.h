#pragma once
// Text from a workload or a database (results, error messages, SQL, names) is untrusted: printed
// raw, "ESC [ 2 J" in a result clears the user's screen and other sequences retitle the window
// or worse. Everything the CLI writes goes through escapeControls (Console does it), so no
// control character but the line structure's own reaches the terminal.

#include <string>
#include <string_view>

namespace txs::cli {

// C0 controls (but '\n' and '\t' when `keepLines`), DEL and C1 controls (U+0080..U+009F) become
// "\u001b"-style escapes, which also keep a JSON document valid; a byte that is not part of
// valid UTF-8 becomes "\xNN". Everything else, other UTF-8 included, is kept as it is.
std::string escapeControls(std::string_view text, bool keepLines = true);

} // namespace txs::cli
