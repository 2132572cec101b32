#include "engine/trace/DenseIdIndex.h"

#include <algorithm>
#include <cassert>

namespace txs {

DenseIdIndex::Page DenseIdIndex::copyOf(const Page& page)
{
    if (!page) return {};
    Page copy = std::make_unique_for_overwrite<std::size_t[]>(kPage);
    std::copy_n(page.get(), kPage, copy.get());
    return copy;
}

DenseIdIndex::DenseIdIndex(const DenseIdIndex& other)
    : basePage_(other.basePage_), pagesAllocated_(other.pagesAllocated_), denseCount_(other.denseCount_),
      sparse_(other.sparse_)
{
    pages_.reserve(other.pages_.size());
    for (const Page& page : other.pages_)
        pages_.push_back(copyOf(page));
    for (const auto& [number, page] : other.farPages_)
        farPages_.emplace(number, copyOf(page));
}

DenseIdIndex& DenseIdIndex::operator=(const DenseIdIndex& other)
{
    if (this != &other) *this = DenseIdIndex(other);
    return *this;
}

std::size_t DenseIdIndex::findFar(std::uint64_t id) const
{
    if (!farPages_.empty()) {
        if (const auto it = farPages_.find(id >> kPageShift); it != farPages_.end())
            return it->second[id & (kPage - 1)];
    }
    const auto it = sparse_.find(id);
    return it == sparse_.end() ? npos : it->second;
}

std::size_t* DenseIdIndex::existingSlot(std::uint64_t id)
{
    const std::uint64_t p = (id >> kPageShift) - basePage_;
    if (p < pages_.size()) return pages_[p] ? &pages_[p][id & (kPage - 1)] : nullptr;
    const auto it = farPages_.find(id >> kPageShift);
    return it == farPages_.end() ? nullptr : &it->second[id & (kPage - 1)];
}

bool DenseIdIndex::mayAllocatePage() const
{
    return (pagesAllocated_ + 1) * kPage <= kMaxSlotsPerEntry * (denseCount_ + 1) + kFreePages * kPage;
}

DenseIdIndex::Page DenseIdIndex::newPage(std::uint64_t page)
{
    Page slots = std::make_unique_for_overwrite<std::size_t[]>(kPage);
    std::fill_n(slots.get(), kPage, npos);
    ++pagesAllocated_;
    // An id refused a page earlier (too sparse then) joins the page now, so it is held once.
    auto it = sparse_.lower_bound(page << kPageShift);
    while (it != sparse_.end() && (it->first >> kPageShift) == page) {
        slots[it->first & (kPage - 1)] = it->second;
        ++denseCount_;
        it = sparse_.erase(it);
    }
    return slots;
}

void DenseIdIndex::coverPagesFrom(std::uint64_t first, std::uint64_t last)
{
    auto it = farPages_.lower_bound(first);
    while (it != farPages_.end() && it->first <= last) {
        pages_[static_cast<std::size_t>(it->first - basePage_)] = std::move(it->second);
        it = farPages_.erase(it);
    }
}

std::size_t* DenseIdIndex::slotFor(std::uint64_t id)
{
    if (std::size_t* slot = existingSlot(id)) return slot;
    if (!mayAllocatePage()) return nullptr;
    const std::uint64_t page = id >> kPageShift;
    if (pages_.empty()) {
        basePage_ = page;
        pages_.resize(1);
    } else if (page < basePage_ && basePage_ - page <= kMaxGapPages) {
        // Just below the covered pages (an older id seen late): covered by prepending.
        const std::uint64_t oldBase = basePage_;
        const auto extra = static_cast<std::ptrdiff_t>(oldBase - page);
        pages_.resize(pages_.size() + static_cast<std::size_t>(extra));
        std::rotate(pages_.begin(), pages_.end() - extra, pages_.end()); // the new null pages first
        basePage_ = page;
        coverPagesFrom(page, oldBase - 1);
    } else if (page >= basePage_ && page - basePage_ >= pages_.size() &&
               page - basePage_ - pages_.size() < kMaxGapPages) {
        const std::uint64_t oldEnd = basePage_ + pages_.size();
        pages_.resize(static_cast<std::size_t>(page - basePage_) + 1);
        coverPagesFrom(oldEnd, page);
    }
    const std::uint64_t at = page - basePage_;
    if (at < pages_.size()) {
        pages_[static_cast<std::size_t>(at)] = newPage(page);
        return &pages_[static_cast<std::size_t>(at)][id & (kPage - 1)];
    }
    // Far from the covered pages: a page of its own, found through the map.
    Page& slots = farPages_[page];
    slots = newPage(page);
    return &slots[id & (kPage - 1)];
}

std::pair<std::size_t, bool> DenseIdIndex::tryEmplace(std::uint64_t id, std::size_t value)
{
    assert(value != npos);
    if (std::size_t* slot = slotFor(id)) {
        if (*slot != npos) return {*slot, false};
        *slot = value;
        ++denseCount_;
        return {value, true};
    }
    const auto [it, inserted] = sparse_.try_emplace(id, value);
    return {it->second, inserted};
}

void DenseIdIndex::insertOrAssign(std::uint64_t id, std::size_t value)
{
    assert(value != npos);
    if (std::size_t* slot = slotFor(id)) {
        if (*slot == npos) ++denseCount_;
        *slot = value;
        return;
    }
    sparse_.insert_or_assign(id, value);
}

bool DenseIdIndex::erase(std::uint64_t id)
{
    if (std::size_t* slot = existingSlot(id)) {
        if (*slot == npos) return false;
        *slot = npos;
        --denseCount_;
        return true;
    }
    return sparse_.erase(id) > 0;
}

void DenseIdIndex::clear()
{
    pages_.clear();
    farPages_.clear();
    basePage_ = 0;
    pagesAllocated_ = 0;
    denseCount_ = 0;
    sparse_.clear();
}

} // namespace txs
