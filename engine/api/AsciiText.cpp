#include "engine/api/AsciiText.h"

#include <cmath>
#include <cstdio>

namespace txs {

std::string toLower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = toLowerChar(c);
    return out;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (toLowerChar(a[i]) != toLowerChar(b[i])) return false;
    return true;
}

bool containsIgnoreCase(std::string_view haystack, std::string_view needle)
{
    if (needle.empty()) return true;
    if (needle.size() > haystack.size()) return false;
    // Compared from a matching first byte only: the statement path asks this of every new text
    // (SchemaReads, statement splitting), and a byte-by-byte compare at each position was ~40
    // instructions a byte of text.
    const char first = toLowerChar(needle.front());
    const std::string_view rest = needle.substr(1);
    for (std::size_t i = 0, last = haystack.size() - needle.size(); i <= last; ++i)
        if (toLowerChar(haystack[i]) == first && equalsIgnoreCase(haystack.substr(i + 1, rest.size()), rest))
            return true;
    return false;
}

std::string fixed(double value, int decimals)
{
    if (!std::isfinite(value)) return "0";
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

} // namespace txs
