#pragma once
// A vector that holds its first element inside itself: a version chain's versions.
//
// Why: most rows have one version (every row of a database just opened), and a std::vector
// spent a separate allocation on it (a 64-byte Version in an 80-byte malloc chunk, plus the
// vector's 24 bytes): ~40 bytes a row more than keeping it inline (docs/performance.md, "MVCC
// memory"). A second element moves all of them to the heap, in a power-of-two capacity.
//
// Invariants: capLog2_ == 0 <=> the elements live in `storage_` (capacity 1); otherwise
// storage_.heap holds 2^capLog2_ slots. Elements [0, size_) are constructed, the rest are not.
// Iterators are pointers and are invalidated as a std::vector's are (and also when
// shrink_to_fit moves the last element back inside). The header (size, capacity) comes after
// the storage so that an owner may put small members in this object's tail padding (with
// [[no_unique_address]]: VersionChain puts its lock and flag there). Not thread-safe: the
// chain's lock guards it. Not copyable; assignable from a std::vector (ALTER's rebuild).

#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <new>
#include <utility>
#include <vector>

namespace txs::mvcc {

template <class T> class InlineVector
{
public:
    using value_type = T;
    using iterator = T*;
    using const_iterator = const T*;
    using reverse_iterator = std::reverse_iterator<T*>;
    using const_reverse_iterator = std::reverse_iterator<const T*>;

    InlineVector() noexcept {}
    InlineVector(const InlineVector&) = delete;
    InlineVector& operator=(const InlineVector&) = delete;
    ~InlineVector()
    {
        clear();
        if (onHeap()) ::operator delete(storage_.heap);
    }

    InlineVector& operator=(std::vector<T>&& from)
    {
        clear();
        reserve(from.size());
        for (auto& v : from)
            new (data() + size_++) T(std::move(v));
        return *this;
    }

    T* data() { return onHeap() ? storage_.heap : inlineSlot(); }
    const T* data() const { return onHeap() ? storage_.heap : inlineSlot(); }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::size_t capacity() const { return std::size_t{1} << capLog2_; }

    iterator begin() { return data(); }
    iterator end() { return data() + size_; }
    const_iterator begin() const { return data(); }
    const_iterator end() const { return data() + size_; }
    reverse_iterator rbegin() { return reverse_iterator(end()); }
    reverse_iterator rend() { return reverse_iterator(begin()); }
    const_reverse_iterator rbegin() const { return const_reverse_iterator(end()); }
    const_reverse_iterator rend() const { return const_reverse_iterator(begin()); }
    T& operator[](std::size_t i) { return data()[i]; }
    const T& operator[](std::size_t i) const { return data()[i]; }
    T& front() { return data()[0]; }
    const T& front() const { return data()[0]; }
    T& back() { return data()[size_ - 1]; }
    const T& back() const { return data()[size_ - 1]; }

    void push_back(const T& v) { emplace_back(v); }
    void push_back(T&& v) { emplace_back(std::move(v)); }
    template <class... Args> T& emplace_back(Args&&... args)
    {
        if (size_ < capacity()) return *new (data() + size_++) T(std::forward<Args>(args)...);
        // Full: the new element is made in the new block before the old ones move (an argument
        // may be one of them, as with std::vector).
        const unsigned log2 = capLog2_ + 1;
        T* block = allocate(log2);
        new (block + size_) T(std::forward<Args>(args)...);
        relocate(block, log2);
        return block[size_++];
    }

    iterator erase(const_iterator pos) { return erase(pos, pos + 1); }
    iterator erase(const_iterator first, const_iterator last)
    {
        T* from = data() + (first - data());
        T* to = data() + (last - data());
        if (from == to) return from;
        T* newEnd = std::move(to, end(), from);
        destroy(newEnd, end());
        size_ = static_cast<std::uint32_t>(newEnd - data());
        return from;
    }

    void clear()
    {
        destroy(begin(), end());
        size_ = 0;
    }

    void reserve(std::size_t n)
    {
        if (n <= capacity()) return;
        const unsigned log2 = static_cast<unsigned>(std::bit_width(n - 1));
        relocate(allocate(log2), log2);
    }

    // Gives back capacity beyond the next power of two of size(); back inside at one element.
    void shrink_to_fit()
    {
        if (!onHeap()) return;
        const unsigned log2 = size_ <= 1 ? 0 : static_cast<unsigned>(std::bit_width(size_ - 1u));
        if (log2 < capLog2_) relocate(log2 == 0 ? nullptr : allocate(log2), log2);
    }

private:
    bool onHeap() const { return capLog2_ != 0; }
    T* inlineSlot() { return std::launder(reinterpret_cast<T*>(storage_.bytes)); }
    const T* inlineSlot() const { return std::launder(reinterpret_cast<const T*>(storage_.bytes)); }

    static T* allocate(unsigned log2)
    {
        static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
        return static_cast<T*>(::operator new(sizeof(T) << log2));
    }
    static void destroy(T* first, T* last)
    {
        for (; first != last; ++first)
            first->~T();
    }

    // Moves the size_ elements into `block` (null: back inside) of 2^log2 slots, frees the old.
    void relocate(T* block, unsigned log2)
    {
        T* old = data();
        T* into = block ? block : inlineSlot();
        if (into != old) {
            for (std::uint32_t i = 0; i < size_; ++i) {
                new (into + i) T(std::move(old[i]));
                old[i].~T();
            }
        }
        T* const freed = onHeap() ? old : nullptr; // read before the slot holds an element
        if (block) storage_.heap = block;
        capLog2_ = static_cast<std::uint8_t>(log2);
        ::operator delete(freed);
    }

    union Storage {
        alignas(T) unsigned char bytes[sizeof(T)];
        T* heap;
    } storage_;
    std::uint32_t size_ = 0;
    std::uint8_t capLog2_ = 0;
};

} // namespace txs::mvcc
