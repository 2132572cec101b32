#pragma once
// The two pieces of JSON text the trace exports need written exactly: strings and times.

#include <cstdint>
#include <string>
#include <string_view>

namespace txs {

// Appends `text` as a quoted JSON string: quotes, backslashes and control characters escaped,
// valid UTF-8 copied as is, and each byte of invalid UTF-8 (a truncated or binary value) replaced
// by U+FFFD so the file always parses.
void appendJsonString(std::string& out, std::string_view text);
// The same without the quotes, for a string written in pieces.
void appendJsonEscaped(std::string& out, std::string_view text);

// Appends `value` in decimal (std::to_chars into a stack buffer: no temporary string, no locale).
void appendInteger(std::string& out, std::int64_t value);

// The one UTF-8 rule of every JSON TxScope writes (the engine's exports and the CLI's --json):
// well-formed UTF-8 (Unicode table 3-7) is copied as is and every byte that is not part of it
// becomes U+FFFD, one replacement per bad byte.
void appendValidUtf8(std::string& out, std::string_view text);
std::string validUtf8(std::string_view text);

// JSON's two-character escape of `c` ("\n", "\\", "\"", ...), or nullptr when it has none.
const char* shortEscape(char c);

// Appends nanoseconds as a JSON number of microseconds with three decimals ("1234.567"), the
// unit Chrome Trace Event timestamps use, without losing the nanoseconds.
void appendMicros(std::string& out, std::int64_t ns);

} // namespace txs
