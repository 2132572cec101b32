#pragma once
// One MVCC table: an ordered map from key to version chain (KeyMap.h), plus the rowid allocator.
//
// Chains are never removed from the map while the table lives (garbage collection empties
// them), so a chain pointer taken under the map lock stays valid without holding it. Key
// lookups and range scans use the map's order; nothing here scans the whole table unless
// asked to.

#include "engine/mvcc/Index.h"
#include "engine/mvcc/KeyMap.h"
#include "engine/mvcc/TableSchema.h"
#include "engine/mvcc/Version.h"

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <vector>

namespace txs::mvcc {

class Table
{
public:
    // The constraint indexes of the schema (UNIQUE, a non-integer PRIMARY KEY) exist from the start.
    Table(std::uint32_t id, TableSchema schema);

    std::uint32_t id() const { return id_; }
    const TableSchema& schema() const { return schema_; }
    const std::string& name() const { return schema_.name; }

    VersionChain* find(std::int64_t key) const;
    VersionChain& findOrCreate(std::int64_t key);

    // Up to `max` (key, chain) pairs with key in [lo, hi] after `after` (exclusive; nullopt =
    // from lo), ascending, or descending from `after`/hi when `descending`.
    using Entry = KeyMap::Entry; // key, chain
    void collect(std::int64_t lo, std::int64_t hi, std::optional<std::int64_t> after, bool descending,
                 std::size_t max, std::vector<Entry>& out) const;

    std::size_t chainCount() const;

    // SQLite's rule: a new rowid is one more than the largest ever used.
    std::int64_t allocateKey() { return nextKey_.fetch_add(1, std::memory_order_relaxed); }
    void noteExplicitKey(std::int64_t key);
    std::int64_t nextKey() const { return nextKey_.load(std::memory_order_relaxed); }

    // The DDL timestamp that created it (0 in memory): recovery and checkpoint tell a table from
    // an earlier one of the same name by it. Set before the table is published.
    std::uint64_t createdTs() const { return createdTs_; }
    void setCreatedTs(std::uint64_t ts) { createdTs_ = ts; }

    // ---- secondary indexes (Index.h). The list is replaced whole (CREATE/DROP INDEX, under the
    // store's exclusive slot) and read as a snapshot, so a scan keeps the index it planned with.
    using IndexList = std::vector<std::shared_ptr<Index>>;
    std::shared_ptr<const IndexList> indexes() const;
    std::shared_ptr<Index> index(const std::string& name) const; // case-insensitive
    bool hasIndexes() const { return indexCount_.load(std::memory_order_acquire) > 0; }
    bool hasUniqueIndexes() const { return uniqueCount_.load(std::memory_order_acquire) > 0; }
    void setIndexes(std::shared_ptr<const IndexList> indexes);
    // Writers call this after a version holding `row` went into key's chain (Index.h's invariant).
    void indexVersion(std::int64_t key, const Row& row) const;
    void indexVersion(std::int64_t key, const RowRecord& row) const;
    // After versions holding `removed` left key's chain (GC, undo, restore): drops entries whose
    // tuple no version of the chain still holds.
    void unindexVersions(std::int64_t key, VersionChain& chain, const std::vector<RowRecord>& removed) const;

    bool dropped() const { return dropped_.load(std::memory_order_acquire); }
    void markDropped() { dropped_.store(true, std::memory_order_release); }

private:
    const std::uint32_t id_;
    const TableSchema schema_;
    mutable SharedSpinLock mapMutex_;
    // Both guarded by mapMutex_. Chains live in a deque: stable addresses, no allocation each.
    KeyMap keys_;
    std::deque<VersionChain> chains_;
    std::atomic<std::int64_t> nextKey_{1};
    std::atomic<bool> dropped_{false};
    mutable SpinLock indexesMutex_;
    std::shared_ptr<const IndexList> indexes_; // guarded by indexesMutex_
    std::atomic<int> indexCount_{0}, uniqueCount_{0};
    std::uint64_t createdTs_ = 0;
};

} // namespace txs::mvcc
