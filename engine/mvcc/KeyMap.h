#pragma once
// A table's ordered map from rowid to version chain, as sorted runs ("chunks") of at most 256
// (key, chain) pairs, each chunk found by its lower fence in a small std::map.
//
// Why not std::map<key, chain>: a node costs 64 bytes of heap per row (48 bytes and malloc's
// overhead) for 16 bytes of data; a million rows spent 64 MB on it. Here a row costs its 16
// bytes (plus half a chunk's slack at worst, after splits from inserts in the middle; appending
// keys in ascending order, the common case, fills chunks completely).
//
// Invariants: chunk fences ascend; every key in a chunk is >= its fence and < the next chunk's
// fence; the first chunk's fence is INT64_MIN; a chunk is sorted by key with no duplicates and
// never empty except when it is the only one. Not thread-safe: Table guards it with its lock.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace txs::mvcc {

struct VersionChain;

class KeyMap
{
public:
    struct Entry
    {
        std::int64_t key;
        VersionChain* chain;
    };

    VersionChain* find(std::int64_t key) const;
    // Adds (key, chain) unless key is present; returns the chain now mapped to key.
    VersionChain* insert(std::int64_t key, VersionChain* chain);
    std::size_t size() const { return size_; }

    // Up to `max` entries with key in [lo, hi] after `after` (exclusive; nullopt = from lo),
    // ascending, or descending from `after`/hi when `descending`. Appends to `out`.
    void collect(std::int64_t lo, std::int64_t hi, std::optional<std::int64_t> after, bool descending,
                 std::size_t max, std::vector<Entry>& out) const;

private:
    static constexpr std::size_t chunkCapacity = 256;
    using Chunk = std::vector<Entry>;
    using Chunks = std::map<std::int64_t, Chunk>; // by lower fence
    Chunks::const_iterator chunkFor(std::int64_t key) const;

    Chunks chunks_;
    std::size_t size_ = 0;
};

} // namespace txs::mvcc
