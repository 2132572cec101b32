#pragma once
// Character helpers for the .txs parser. They take plain chars and never consult the locale, so
// parsing is the same on every machine and safe on any byte (the parser is fuzzed).

#include "engine/api/AsciiText.h" // toLower, equalsIgnoreCase

#include <string>
#include <string_view>

namespace txs {

inline bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
inline bool isAlpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}
// Characters SQLite accepts inside an unquoted identifier (any byte >= 0x80 counts, as UTF-8).
inline bool isIdentChar(char c)
{
    return isAlpha(c) || isDigit(c) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

std::string_view trim(std::string_view s);
// True when `s` starts with the word `word` (case-insensitive) not followed by an identifier char.
bool startsWithWord(std::string_view s, std::string_view word);
// A connection or workers name: letters, digits and '_', not starting with a digit.
bool isValidName(std::string_view s);
// Parses a non-negative decimal integer made only of digits; false if empty, other chars or > max.
bool parseUnsigned(std::string_view s, unsigned long long max, unsigned long long& out);

} // namespace txs
