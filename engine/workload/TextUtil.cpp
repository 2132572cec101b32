#include "engine/workload/TextUtil.h"

namespace txs {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && isSpace(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back()))
        s.remove_suffix(1);
    return s;
}

bool startsWithWord(std::string_view s, std::string_view word)
{
    if (s.size() < word.size() || !equalsIgnoreCase(s.substr(0, word.size()), word)) return false;
    return s.size() == word.size() || !isIdentChar(s[word.size()]);
}

bool isValidName(std::string_view s)
{
    if (s.empty() || isDigit(s.front())) return false;
    for (char c : s)
        if (!isAlpha(c) && !isDigit(c) && c != '_') return false;
    return true;
}

bool parseUnsigned(std::string_view s, unsigned long long max, unsigned long long& out)
{
    if (s.empty()) return false;
    unsigned long long value = 0;
    for (char c : s) {
        if (!isDigit(c)) return false;
        const unsigned digit = static_cast<unsigned>(c - '0');
        if (value > (max - digit) / 10) return false; // value * 10 + digit > max
        value = value * 10 + digit;
    }
    out = value;
    return true;
}

} // namespace txs
