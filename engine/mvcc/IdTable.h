#pragma once
// A hash table from a transaction id (never 0) to a pointer, for SsiTracker's shards: every
// serializable writer is inserted once and erased once, on different threads, and
// std::unordered_map allocated a node for each (and freed it on the other thread, a cache miss
// and an allocator round trip the seed workload paid on every commit). Here insert, find and
// erase touch one contiguous array, which allocates only when it grows.
//
// Open addressing with linear probing, at most half full; erase shifts the following entries
// back (no tombstones), so a probe always stops at the first empty slot. Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace txs::mvcc {

template <class T> class IdTable
{
public:
    // `id` must not be present.
    void insert(std::uint64_t id, T* value)
    {
        if ((size_ + 1) * 2 > slots_.size()) grow();
        std::size_t i = home(id);
        while (slots_[i].id != 0)
            i = (i + 1) & mask();
        slots_[i] = {id, value};
        ++size_;
    }

    T* find(std::uint64_t id) const
    {
        if (size_ == 0) return nullptr;
        for (std::size_t i = home(id);; i = (i + 1) & mask()) {
            if (slots_[i].id == id) return slots_[i].value;
            if (slots_[i].id == 0) return nullptr;
        }
    }

    // Removes `id`; returns its value, or null when absent.
    T* erase(std::uint64_t id)
    {
        if (size_ == 0) return nullptr;
        std::size_t hole = home(id);
        while (slots_[hole].id != id) {
            if (slots_[hole].id == 0) return nullptr;
            hole = (hole + 1) & mask();
        }
        T* value = slots_[hole].value;
        // Move back each following entry whose home is not between the hole and it (cyclically):
        // otherwise a probe for it would stop at the hole.
        for (std::size_t j = (hole + 1) & mask(); slots_[j].id != 0; j = (j + 1) & mask()) {
            const std::size_t h = home(slots_[j].id);
            const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
            if (stays) continue;
            slots_[hole] = slots_[j];
            hole = j;
        }
        slots_[hole] = {};
        --size_;
        return value;
    }

    std::size_t size() const { return size_; }

    template <class F> void forEach(F&& f) const
    {
        for (const Slot& s : slots_)
            if (s.id != 0) f(s.value);
    }

private:
    struct Slot
    {
        std::uint64_t id = 0;
        T* value = nullptr;
    };

    std::size_t mask() const { return slots_.size() - 1; }
    // Fibonacci hashing: ids a shard holds differ by a constant step; this spreads them.
    std::size_t home(std::uint64_t id) const
    {
        return static_cast<std::size_t>((id * 0x9E3779B97F4A7C15ull) >> shift_);
    }

    void grow()
    {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
        shift_ = 64;
        for (std::size_t n = slots_.size(); n > 1; n >>= 1)
            --shift_;
        size_ = 0;
        for (const Slot& s : old)
            if (s.id != 0) insert(s.id, s.value);
    }

    std::vector<Slot> slots_; // a power of two in size
    std::size_t size_ = 0;
    unsigned shift_ = 64; // 64 - log2(slots_.size())
};

} // namespace txs::mvcc
