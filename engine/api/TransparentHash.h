#pragma once
// A string hash for unordered containers keyed by std::string that are looked up by
// std::string_view (with std::equal_to<>): a lookup makes no std::string, so no allocation for
// a key longer than the small-string buffer. The hot paths look up the same few SQL texts over
// and over (a workers phase runs its statements on every iteration).

#include <cstddef>
#include <functional>
#include <string_view>

namespace txs {

struct TransparentHash
{
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

} // namespace txs
