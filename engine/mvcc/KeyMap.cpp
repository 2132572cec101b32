#include "engine/mvcc/KeyMap.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <utility>

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

std::vector<KeyMap::Entry>::const_iterator KeyMap::Chunk::lowerBound(std::int64_t key) const
{
    // The runs whose first key is <= key: the answer lies in the last of them, or at the start
    // of the next run (whose first key is > key). Counted without branches over the two lines
    // of samples, then one run of 16 entries searched.
    const std::size_t runs = (entries.size() + sampleStride - 1) / sampleStride;
    std::size_t atOrBelow = 0;
    for (std::size_t j = 0; j < runs; ++j)
        atOrBelow += samples[j] <= key;
    if (atOrBelow == 0) return entries.begin();
    const auto first = entries.begin() + static_cast<std::ptrdiff_t>((atOrBelow - 1) * sampleStride);
    const auto last = atOrBelow * sampleStride < entries.size()
                          ? entries.begin() + static_cast<std::ptrdiff_t>(atOrBelow * sampleStride)
                          : entries.end();
    return std::lower_bound(first, last, key, keyLess);
}

std::vector<KeyMap::Entry>::iterator KeyMap::Chunk::lowerBound(std::int64_t key)
{
    const auto at = std::as_const(*this).lowerBound(key);
    return entries.begin() + (at - entries.cbegin());
}

void KeyMap::Chunk::resample(std::size_t from)
{
    for (std::size_t at = from / sampleStride * sampleStride; at < entries.size(); at += sampleStride)
        samples[at / sampleStride] = entries[at].key;
}

void KeyMap::insertChunk(std::size_t at, std::int64_t fence, std::vector<Entry> entries)
{
    Chunk chunk;
    chunk.entries = std::move(entries);
    chunk.resample(0);
    fences_.insert(fences_.begin() + static_cast<std::ptrdiff_t>(at), fence);
    chunks_.insert(chunks_.begin() + static_cast<std::ptrdiff_t>(at), std::move(chunk));
}

VersionChain* KeyMap::find(std::int64_t key) const
{
    if (chunks_.empty()) return nullptr;
    const Chunk& chunk = chunks_[chunkFor(key)];
    const auto it = chunk.lowerBound(key);
    return it != chunk.entries.end() && it->key == key ? it->chain : nullptr;
}

VersionChain* KeyMap::insert(std::int64_t key, VersionChain* chain)
{
    if (chunks_.empty()) {
        std::vector<Entry> first;
        first.reserve(chunkCapacity);
        insertChunk(0, minKey, std::move(first));
    }
    const std::size_t index = chunkFor(key);
    Chunk& chunk = chunks_[index];
    std::vector<Entry>& entries = chunk.entries;
    auto it = chunk.lowerBound(key);
    if (it != entries.end() && it->key == key) return it->chain;
    ++size_;
    if (entries.size() < chunkCapacity) {
        const auto at = static_cast<std::size_t>(it - entries.begin());
        entries.insert(it, {key, chain});
        chunk.resample(at);
        return chain;
    }
    if (it == entries.end()) {
        // Above every key of a full chunk (rowids ascend): a new chunk fenced at key keeps this
        // one full instead of leaving two half-empty ones.
        std::vector<Entry> fresh;
        fresh.reserve(chunkCapacity);
        fresh.push_back({key, chain});
        insertChunk(index + 1, key, std::move(fresh));
        return chain;
    }
    // In the middle: split in halves, then insert into the half that holds key.
    const auto middle = entries.begin() + static_cast<std::ptrdiff_t>(chunkCapacity / 2);
    const std::int64_t fence = middle->key;
    std::vector<Entry> upper;
    upper.reserve(chunkCapacity);
    upper.assign(middle, entries.end());
    entries.erase(middle, entries.end());
    insertChunk(index + 1, fence, std::move(upper)); // `chunk` and `entries` are invalid from here
    Chunk& target = chunks_[key < fence ? index : index + 1];
    const auto at = target.lowerBound(key);
    const auto offset = static_cast<std::size_t>(at - target.entries.begin());
    target.entries.insert(at, {key, chain});
    target.resample(offset);
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
        auto it = chunks_[chunk].lowerBound(start);
        for (;;) {
            for (; it != chunks_[chunk].entries.end(); ++it) {
                if (it->key > hi || out.size() >= max) return;
                out.push_back(*it);
            }
            if (++chunk == chunks_.size()) return;
            it = chunks_[chunk].entries.begin();
        }
    }
    if (after && *after == minKey) return;
    const std::int64_t start = after ? std::min(hi, *after - 1) : hi;
    std::size_t chunk = chunkFor(start);
    // The entries at or below start, walked from the last one down.
    auto end = std::upper_bound(chunks_[chunk].entries.begin(), chunks_[chunk].entries.end(), start,
                                [](std::int64_t key, const Entry& e) { return key < e.key; });
    for (;;) {
        for (auto it = end; it != chunks_[chunk].entries.begin();) {
            --it;
            if (it->key < lo || out.size() >= max) return;
            out.push_back(*it);
        }
        if (chunk == 0) return;
        --chunk;
        end = chunks_[chunk].entries.end();
    }
}

} // namespace txs::mvcc
