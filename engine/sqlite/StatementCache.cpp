#include "engine/sqlite/StatementCache.h"

namespace txs::sqlite {

CachedStatement* StatementCache::find(std::string_view key)
{
    const auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    entries_.splice(entries_.begin(), entries_, it->second);
    return &it->second->statement;
}

CachedStatement* StatementCache::insert(std::string key, CachedStatement statement)
{
    if (const auto existing = index_.find(key); existing != index_.end()) {
        const auto entry = existing->second;
        index_.erase(existing);
        entries_.erase(entry);
    }
    while (!entries_.empty() && entries_.size() >= capacity_) {
        Entry& victim = entries_.back();
        index_.erase(victim.key);
        entries_.pop_back();
    }
    entries_.push_front(Entry{std::move(key), std::move(statement)});
    index_.emplace(entries_.front().key, entries_.begin());
    return &entries_.front().statement;
}

void StatementCache::clear()
{
    entries_.clear();
    index_.clear();
}

} // namespace txs::sqlite
