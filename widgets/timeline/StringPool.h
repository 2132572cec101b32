#pragma once
// Interned strings: the same SQL and error messages repeat across thousands of spans and
// markers, which then store a 4-byte id instead of a string each.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace txs::timeline {

class StringPool
{
public:
    StringPool() { clear(); }

    // 0 for the empty string.
    std::uint32_t intern(std::string_view text);
    const std::string& at(std::uint32_t id) const
    {
        return id < strings_.size() ? strings_[id] : strings_[0];
    }
    std::size_t size() const { return strings_.size(); }
    void clear();

private:
    std::deque<std::string> strings_; // a deque keeps the strings (and the map's views) in place
    std::unordered_map<std::string_view, std::uint32_t> ids_;
};

} // namespace txs::timeline
