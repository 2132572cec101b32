#pragma once
// An index from ids to record positions that grows a page at a time and never rehashes.
//
// Why: the projections keep an id -> record entry for every transaction and every version (3.2M
// each in a 16 x 200,000 run). A std::unordered_map rehashes all its nodes inside the one insert
// that outgrows its buckets: on the window's thread, one `apply` of a drain slice that overran its
// 12 ms budget by 100 ms and more, twice a run (docs/performance.md, "The window through a long
// run"). The engines hand ids out in order (transaction ids, version ids, the rowids of an
// INSERT workload), so they are dense: a table of pages of kPage slots, addressed by id / kPage,
// finds an id with two loads and no hash, and an insert costs at most one page's allocation.
// The pages near the first id are addressed directly (pages_); a page far from them (ids that
// jump: an explicit rowid of 10^9, a log read from the middle) is found through an ordered map
// of pages (farPages_); ids whose page would stay mostly empty (scattered ids: a hand-written
// session file, negative rowids) are kept one by one in an ordered map (sparse_). Neither map
// ever moves what it holds.
//
// Invariants:
// - an id is held in exactly one place: in its page when that page exists (in pages_ or in
//   farPages_, never both), else in sparse_;
// - pages_ covers the pages [basePage_, basePage_ + pages_.size()); a null entry is a page not
//   allocated; the covered range grows by at most kMaxGapPages past either end at a time;
// - a page is allocated only while the slots allocated stay within kMaxSlotsPerEntry per id held
//   in pages (plus kFreePages pages), so memory stays within a few slots per id whatever ids an
//   input holds;
// - values are record positions: anything but npos.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace txs {

class DenseIdIndex
{
public:
    static constexpr std::size_t npos = SIZE_MAX;
    static constexpr unsigned kPageShift = 10;
    static constexpr std::size_t kPage = std::size_t{1} << kPageShift;
    static constexpr std::uint64_t kMaxGapPages = 64; // how far past the covered pages a new one may start
    static constexpr std::size_t kMaxSlotsPerEntry = 8;
    static constexpr std::size_t kFreePages = 4; // allocated whatever the density (a small session)

    DenseIdIndex() = default;
    DenseIdIndex(
        const DenseIdIndex& other); // deep: projections are copied (time travel's checkpoints, tests)
    DenseIdIndex& operator=(const DenseIdIndex& other);
    DenseIdIndex(DenseIdIndex&&) noexcept = default;
    DenseIdIndex& operator=(DenseIdIndex&&) noexcept = default;
    ~DenseIdIndex() = default;

    // The value held for `id`, or npos.
    std::size_t find(std::uint64_t id) const
    {
        const std::uint64_t p = (id >> kPageShift) - basePage_; // wraps below basePage_: out of range
        if (p < pages_.size() && pages_[p]) return pages_[p][id & (kPage - 1)];
        return farPages_.empty() && sparse_.empty() ? npos : findFar(id);
    }
    bool contains(std::uint64_t id) const { return find(id) != npos; }
    // Holds id -> value unless id is held already; returns the value held and whether it was added.
    std::pair<std::size_t, bool> tryEmplace(std::uint64_t id, std::size_t value);
    // Holds id -> value, replacing what id held.
    void insertOrAssign(std::uint64_t id, std::size_t value);
    // Forgets id; false when it was not held. Its page stays (a reused id lands there again).
    bool erase(std::uint64_t id);
    void clear();

    std::size_t size() const { return denseCount_ + sparse_.size(); }
    bool empty() const { return size() == 0; }
    // How the ids are held (tests, memory figures).
    std::size_t denseCount() const { return denseCount_; }
    std::size_t sparseCount() const { return sparse_.size(); }
    std::size_t pagesAllocated() const { return pagesAllocated_; }

private:
    using Page = std::unique_ptr<std::size_t[]>;

    std::size_t findFar(std::uint64_t id) const; // in farPages_ or sparse_
    std::size_t* existingSlot(std::uint64_t id); // null when id's page is not allocated
    bool mayAllocatePage() const;
    // The slot of id, allocating (and covering) its page when the rules allow; null: id is for sparse_.
    std::size_t* slotFor(std::uint64_t id);
    static Page copyOf(const Page& page);
    Page newPage(std::uint64_t page); // filled with npos, sparse_'s ids of that page moved into it
    void coverPagesFrom(std::uint64_t first,
                        std::uint64_t last); // farPages_ entries now in range move to pages_

    std::vector<Page> pages_;
    std::uint64_t basePage_ = 0;
    std::map<std::uint64_t, Page> farPages_;
    std::size_t pagesAllocated_ = 0;
    std::size_t denseCount_ = 0;
    std::map<std::uint64_t, std::size_t> sparse_;
};

} // namespace txs
