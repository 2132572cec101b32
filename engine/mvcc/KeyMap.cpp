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

std::size_t KeyMap::chunkFor(std::int64_t key) const
{
    // The first fence above key; the chunk before it holds key (fences_[0] is INT64_MIN).
    const auto above = std::upper_bound(fences_.begin(), fences_.end(), key);
    return static_cast<std::size_t>(above - fences_.begin()) - 1;
}

void KeyMap::insertChunk(std::size_t at, std::int64_t fence, Chunk chunk)
{
    fences_.insert(fences_.begin() + static_cast<std::ptrdiff_t>(at), fence);
    chunks_.insert(chunks_.begin() + static_cast<std::ptrdiff_t>(at), std::move(chunk));
}

VersionChain* KeyMap::find(std::int64_t key) const
{
    if (chunks_.empty()) return nullptr;
    const Chunk& entries = chunks_[chunkFor(key)];
    const auto it = std::lower_bound(entries.begin(), entries.end(), key, keyLess);
    return it != entries.end() && it->key == key ? it->chain : nullptr;
}

VersionChain* KeyMap::insert(std::int64_t key, VersionChain* chain)
{
    if (chunks_.empty()) {
        Chunk first;
        first.reserve(chunkCapacity);
        insertChunk(0, minKey, std::move(first));
    }
    const std::size_t index = chunkFor(key);
    Chunk& entries = chunks_[index];
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
        Chunk fresh;
        fresh.reserve(chunkCapacity);
        fresh.push_back({key, chain});
        insertChunk(index + 1, key, std::move(fresh));
        return chain;
    }
    // In the middle: split in halves, then insert into the half that holds key.
    const auto middle = entries.begin() + static_cast<std::ptrdiff_t>(chunkCapacity / 2);
    const std::int64_t fence = middle->key;
    Chunk upper;
    upper.reserve(chunkCapacity);
    upper.assign(middle, entries.end());
    entries.erase(middle, entries.end());
    insertChunk(index + 1, fence, std::move(upper)); // `entries` is invalid from here
    Chunk& target = chunks_[key < fence ? index : index + 1];
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
        std::size_t chunk = chunkFor(start);
        auto it = std::lower_bound(chunks_[chunk].begin(), chunks_[chunk].end(), start, keyLess);
        for (;;) {
            for (; it != chunks_[chunk].end(); ++it) {
                if (it->key > hi || out.size() >= max) return;
                out.push_back(*it);
            }
            if (++chunk == chunks_.size()) return;
            it = chunks_[chunk].begin();
        }
    }
    if (after && *after == minKey) return;
    const std::int64_t start = after ? std::min(hi, *after - 1) : hi;
    std::size_t chunk = chunkFor(start);
    // The entries at or below start, walked from the last one down.
    auto end = std::upper_bound(chunks_[chunk].begin(), chunks_[chunk].end(), start,
                                [](std::int64_t key, const Entry& e) { return key < e.key; });
    for (;;) {
        for (auto it = end; it != chunks_[chunk].begin();) {
            --it;
            if (it->key < lo || out.size() >= max) return;
            out.push_back(*it);
        }
        if (chunk == 0) return;
        --chunk;
        end = chunks_[chunk].end();
    }
}

} // namespace txs::mvcc
