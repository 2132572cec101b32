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
    if (needle.size() > haystack.size()) return false;
    for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i)
        if (equalsIgnoreCase(haystack.substr(i, needle.size()), needle)) return true;
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
