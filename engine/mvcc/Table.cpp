#include "engine/mvcc/Table.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <mutex>

namespace txs::mvcc {

int TableSchema::columnIndex(const std::string& column) const
{
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].name == column) return static_cast<int>(i);
    return -1;
}

Table::Table(std::uint32_t id, TableSchema schema) : id_(id), schema_(std::move(schema))
{
    auto list = std::make_shared<IndexList>();
    for (const auto& index : schema_.constraintIndexes)
        list->push_back(std::make_shared<Index>(index));
    setIndexes(std::move(list));
}

std::shared_ptr<const Table::IndexList> Table::indexes() const
{
    std::lock_guard lock(indexesMutex_);
    return indexes_;
}

std::shared_ptr<Index> Table::index(const std::string& name) const
{
    for (const auto& index : *indexes())
        if (index->name().size() == name.size() &&
            std::equal(name.begin(), name.end(), index->name().begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            }))
            return index;
    return nullptr;
}

void Table::setIndexes(std::shared_ptr<const IndexList> indexes)
{
    const int unique = static_cast<int>(
        std::count_if(indexes->begin(), indexes->end(), [](const auto& index) { return index->unique(); }));
    const int count = static_cast<int>(indexes->size());
    std::lock_guard lock(indexesMutex_);
    indexes_ = std::move(indexes);
    indexCount_.store(count, std::memory_order_release);
    uniqueCount_.store(unique, std::memory_order_release);
}

void Table::indexVersion(std::int64_t key, const Row& row) const
{
    if (!hasIndexes()) return;
    for (const auto& index : *indexes())
        index->add(row, key);
}

void Table::indexVersion(std::int64_t key, const RowRecord& row) const
{
    if (!hasIndexes()) return;
    for (const auto& index : *indexes())
        index->add(row, key);
}

void Table::unindexVersions(std::int64_t key, VersionChain& chain,
                            const std::vector<RowRecord>& removed) const
{
    if (!hasIndexes() || removed.empty()) return;
    for (const auto& index : *indexes())
        for (const auto& row : removed)
            if (row)
                if (auto tuple = index->tupleOf(row)) index->removeIfGone(*tuple, key, chain);
}

VersionChain* Table::find(std::int64_t key) const
{
    std::shared_lock lock(mapMutex_);
    return keys_.find(key);
}

// One look-up of the key, under the exclusive lock: inserts are mostly of new keys (a bulk load
// looked each one up three times: a shared find, then find and insert under the exclusive lock).
// A chain made for a key that turns out present is given back at once.
VersionChain& Table::findOrCreate(std::int64_t key)
{
    std::unique_lock lock(mapMutex_);
    VersionChain* fresh = &chains_.emplace_back();
    VersionChain* chain = keys_.insert(key, fresh);
    if (chain != fresh) chains_.pop_back(); // the key had a chain: nothing else saw the fresh one
    return *chain;
}

void Table::collect(std::int64_t lo, std::int64_t hi, std::optional<std::int64_t> after, bool descending,
                    std::size_t max, std::vector<Entry>& out) const
{
    out.clear();
    std::shared_lock lock(mapMutex_);
    keys_.collect(lo, hi, after, descending, max, out);
}

std::size_t Table::chainCount() const
{
    std::shared_lock lock(mapMutex_);
    return keys_.size();
}

void Table::noteExplicitKey(std::int64_t key)
{
    if (key == std::numeric_limits<std::int64_t>::max()) return;
    auto next = nextKey_.load(std::memory_order_relaxed);
    while (key >= next && !nextKey_.compare_exchange_weak(next, key + 1, std::memory_order_relaxed)) {
    }
}

} // namespace txs::mvcc
