#include "widgets/timeline/StringPool.h"

namespace txs::timeline {

std::uint32_t StringPool::intern(std::string_view text)
{
    if (text.empty()) return 0;
    if (auto it = ids_.find(text); it != ids_.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(strings_.size());
    strings_.emplace_back(text);
    ids_.emplace(strings_.back(), id);
    return id;
}

void StringPool::clear()
{
    ids_.clear();
    strings_.clear();
    strings_.emplace_back();
}

} // namespace txs::timeline
