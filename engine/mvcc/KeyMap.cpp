#include "engine/mvcc/KeyMap.h"

#include <algorithm>
#include <iterator>
#include <limits>

namespace txs::mvcc {

namespace {

constexpr auto minKey = std::numeric_limits<std::int64_t>::min();
constexpr auto maxKey = std::numeric_limits<std::int64_t>::max();

bool keyLess(const KeyMap::Entry& e, std::int64_t key)
{
    return e.key < key;
}

} // namespace

KeyMap::Chunks::const_iterator KeyMap::chunkFor(std::int64_t key) const
{
    auto it = chunks_.upper_bound(key); // the first fence above key; the chunk before it holds key
    return it == chunks_.begin() ? chunks_.end() : std::prev(it);
}

VersionChain* KeyMap::find(std::int64_t key) const
{
    const auto chunk = chunkFor(key);
    if (chunk == chunks_.end()) return nullptr;
    const Chunk& entries = chunk->second;
    const auto it = std::lower_bound(entries.begin(), entries.end(), key, keyLess);
    return it != entries.end() && it->key == key ? it->chain : nullptr;
}

VersionChain* KeyMap::insert(std::int64_t key, VersionChain* chain)
{
    if (chunks_.empty()) chunks_[minKey].reserve(chunkCapacity);
    auto chunk = std::prev(chunks_.upper_bound(key)); // the first fence is INT64_MIN
    Chunk& entries = chunk->second;
    auto it = std::lower_bound(entries.begin(), entries.end(), key, keyLess);
    if (it != entries.end() && it->key == key) return it->chain;
    ++size_;
    if (entries.size() < chunkCapacity) {
        entries.insert(it, {key, chain});
        return chain;
    }
    if (it == entries.end()) {
        // Above every key of a full chunk (rowids ascend): a new chunk fenced at key keeps this
        // one full instead of leaving two half-empty ones.
        Chunk& fresh = chunks_[key];
        fresh.reserve(chunkCapacity);
        fresh.push_back({key, chain});
        return chain;
    }
    // In the middle: split in halves, then insert into the half that holds key.
    const auto middle = entries.begin() + static_cast<std::ptrdiff_t>(chunkCapacity / 2);
    const std::int64_t fence = middle->key;
    Chunk upper;
    upper.reserve(chunkCapacity);
    upper.assign(middle, entries.end());
    entries.erase(middle, entries.end());
    Chunk& upperInMap = chunks_[fence]; // a new node: `entries` stays valid
    upperInMap = std::move(upper);
    Chunk& target = key < fence ? entries : upperInMap;
    target.insert(std::lower_bound(target.begin(), target.end(), key, keyLess), {key, chain});
    return chain;
}

void KeyMap::collect(std::int64_t lo, std::int64_t hi, std::optional<std::int64_t> after, bool descending,
                     std::size_t max, std::vector<Entry>& out) const
{
    if (chunks_.empty() || max == 0) return;
    if (!descending) {
        if (after && *after == maxKey) return;
        const std::int64_t start = after ? std::max(lo, *after + 1) : lo;
        auto chunk = chunkFor(start);
        if (chunk == chunks_.end()) return;
        auto it = std::lower_bound(chunk->second.begin(), chunk->second.end(), start, keyLess);
        for (;;) {
            for (; it != chunk->second.end(); ++it) {
                if (it->key > hi || out.size() >= max) return;
                out.push_back(*it);
            }
            if (++chunk == chunks_.end()) return;
            it = chunk->second.begin();
        }
    }
    if (after && *after == minKey) return;
    const std::int64_t start = after ? std::min(hi, *after - 1) : hi;
    auto chunk = chunkFor(start);
    if (chunk == chunks_.end()) return;
    // The entries at or below start, walked from the last one down.
    auto end = std::upper_bound(chunk->second.begin(), chunk->second.end(), start,
                                [](std::int64_t key, const Entry& e) { return key < e.key; });
    for (;;) {
        for (auto it = end; it != chunk->second.begin();) {
            --it;
            if (it->key < lo || out.size() >= max) return;
            out.push_back(*it);
        }
        if (chunk == chunks_.begin()) return;
        --chunk;
        end = chunk->second.end();
    }
}

} // namespace txs::mvcc
