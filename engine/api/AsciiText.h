#pragma once
// The engine's small text helpers, one copy each. They take plain chars and never consult the
// locale, so SQL names, keywords and .txs words compare the same on every machine and any byte
// is safe (SQLite folds only ASCII letters in names, too).

#include <string>
#include <string_view>

namespace txs {

inline char toLowerChar(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
inline char toUpperChar(char c)
{
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

// ASCII letters lower-cased; every other byte as it is.
std::string toLower(std::string_view s);
// Equal but for the case of ASCII letters.
bool equalsIgnoreCase(std::string_view a, std::string_view b);
// `needle` occurs in `haystack`, but for the case of ASCII letters (no copy of either).
bool containsIgnoreCase(std::string_view haystack, std::string_view needle);

// `value` with `decimals` digits after the point ("1234.5"), for figures shown to people
// (durations, rates); non-finite values read "0". Not for SQL values: see formatReal in Value.h.
std::string fixed(double value, int decimals);

} // namespace txs
