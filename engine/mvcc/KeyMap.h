#pragma once
// A table's ordered map from rowid to version chain, as sorted runs ("chunks") of at most 256
// (key, chain) pairs, each chunk found by a binary search of the chunks' lower fences, kept in
// one sorted array.
//
// Why not std::map<key, chain>: a node costs 64 bytes of heap per row (48 bytes and malloc's
// overhead) for 16 bytes of data; a million rows spent 64 MB on it. Here a row costs its 16
// bytes (plus half a chunk's slack at worst, after splits from inserts in the middle; appending
// keys in ascending order, the common case, fills chunks completely).
//
// Why the fences in a flat array and not a std::map of chunks: at 5M rows there are ~20k chunks,
// and a tree lookup walked ~15 nodes scattered over the heap, a cache miss each; profiled, that
// walk was 17 % of a 16-writer point-update run (perf, bench_mvcc_growth at 5M rows). The fences
// array is 8 bytes a chunk (160 KB at 5M rows) and its binary search stays in cache. A split in
// the middle moves the arrays' tails (a memmove of 8 + 24 bytes a chunk, once per 128 inserts at
// worst); appending in key order, the common case, only ever adds at the end.
//
// Inside a chunk, the key at every 16th entry is kept beside the chunk's vector (`Chunk::samples`,
// 128 bytes next to its header): a lookup counts the samples <= key (two cache lines) and then
// binary-searches one run of 16 entries (256 bytes), where a binary search of the whole 4 KB
// chunk touched ~7 lines, each a cache miss for a random key in a large table (the bound
// point-update profile at 5M rows; docs/performance.md, session 18). The samples are rewritten
// from the inserted entry's run on (at most 16 stores an insert).
//
// Invariants: chunk fences ascend; every key in a chunk is >= its fence and < the next chunk's
// fence; the first chunk's fence is INT64_MIN; a chunk is sorted by key with no duplicates and
// never empty except when it is the only one; samples[j] == entries[j * sampleStride].key for every
// run j that has entries. Not thread-safe: Table guards it with its lock.

#include <cstddef>
#include <cstdint>
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
    static constexpr std::size_t sampleStride = 16;
    struct Chunk
    {
        std::vector<Entry> entries;
        std::int64_t samples[chunkCapacity / sampleStride] = {}; // the first key of each run of 16

        // The first entry whose key is >= key (entries.end() when none).
        std::vector<Entry>::iterator lowerBound(std::int64_t key);
        std::vector<Entry>::const_iterator lowerBound(std::int64_t key) const;
        // Rewrites the samples of the runs from the one holding entry `from` on.
        void resample(std::size_t from);
    };
    // The index of the chunk whose range holds key (the last fence <= key); chunks_ not empty.
    std::size_t chunkFor(std::int64_t key) const;
    void insertChunk(std::size_t at, std::int64_t fence, std::vector<Entry> entries);

    std::vector<std::int64_t> fences_; // ascending; fences_[0] == INT64_MIN once not empty
    std::vector<Chunk> chunks_;        // chunks_[i] holds the keys in [fences_[i], fences_[i + 1])
    std::size_t size_ = 0;
};

} // namespace txs::mvcc
