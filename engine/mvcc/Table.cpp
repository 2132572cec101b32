#include "engine/mvcc/Table.h"

#include <limits>
#include <mutex>

namespace txs::mvcc {

int TableSchema::columnIndex(const std::string& column) const
{
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].name == column) return static_cast<int>(i);
    return -1;
}

VersionChain* Table::find(std::int64_t key) const
{
    std::shared_lock lock(mapMutex_);
    auto it = chains_.find(key);
    return it == chains_.end() ? nullptr : it->second.get();
}

VersionChain& Table::findOrCreate(std::int64_t key)
{
    if (auto* chain = find(key)) return *chain;
    std::unique_lock lock(mapMutex_);
    auto& slot = chains_[key];
    if (!slot) slot = std::make_unique<VersionChain>();
    return *slot;
}

void Table::collect(std::int64_t lo, std::int64_t hi, std::optional<std::int64_t> after, bool descending,
                    std::size_t max, std::vector<Entry>& out) const
{
    out.clear();
    std::shared_lock lock(mapMutex_);
    if (!descending) {
        auto it = after ? chains_.upper_bound(*after) : chains_.lower_bound(lo);
        for (; it != chains_.end() && it->first <= hi && out.size() < max; ++it)
            if (it->first >= lo) out.push_back({it->first, it->second.get()});
    } else {
        auto it = after ? chains_.lower_bound(*after) : chains_.upper_bound(hi);
        while (it != chains_.begin() && out.size() < max) {
            --it;
            if (it->first < lo) break;
            if (it->first <= hi) out.push_back({it->first, it->second.get()});
        }
    }
}

std::size_t Table::chainCount() const
{
    std::shared_lock lock(mapMutex_);
    return chains_.size();
}

void Table::noteExplicitKey(std::int64_t key)
{
    if (key == std::numeric_limits<std::int64_t>::max()) return;
    auto next = nextKey_.load(std::memory_order_relaxed);
    while (key >= next && !nextKey_.compare_exchange_weak(next, key + 1, std::memory_order_relaxed)) {
    }
}

} // namespace txs::mvcc
