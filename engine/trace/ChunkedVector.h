#pragma once
// A vector that grows by fixed-size chunks and never moves what it holds.
//
// Why: the projections keep a record per transaction, statement, version and lock event, millions
// over a long run. A std::vector doubles: at each doubling it moves every record (strings
// included) in one go — on the window's thread, in one drain slice, a turn that grows with the
// run (100-400 ms at 3M records) — and for that moment holds the old and the new array (three
// times the records' size), with up to half of the new one unused afterwards. Here an append
// costs at most one chunk's allocation (kChunk elements), elements keep their address, and the
// memory is the records plus less than one chunk.
//
// Invariants: elements [0, size()) are constructed, in chunks_[i / kChunk][i % kChunk]; every chunk
// but the last is full. Random-access iterators (std::lower_bound, std::partition_point work).

#include <cstddef>
#include <iterator>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace txs {

template <typename T, std::size_t ChunkShift = 12> class ChunkedVector
{
public:
    static constexpr std::size_t kChunk = std::size_t{1} << ChunkShift;

    template <bool Const> class Iterator
    {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using iterator_concept = std::random_access_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = std::conditional_t<Const, const T*, T*>;
        using reference = std::conditional_t<Const, const T&, T&>;
        using Owner = std::conditional_t<Const, const ChunkedVector, ChunkedVector>;

        Iterator() = default;
        Iterator(Owner* v, std::size_t i) : v_(v), i_(i) {}
        template <bool C = Const>
        requires(!C) operator Iterator<true>() const // NOLINT: an iterator converts to a const_iterator
        {
            return {v_, i_};
        }

        reference operator*() const { return (*v_)[i_]; }
        pointer operator->() const { return &(*v_)[i_]; }
        reference operator[](difference_type n) const { return (*v_)[i_ + n]; }
        Iterator& operator++()
        {
            ++i_;
            return *this;
        }
        Iterator operator++(int)
        {
            Iterator t = *this;
            ++i_;
            return t;
        }
        Iterator& operator--()
        {
            --i_;
            return *this;
        }
        Iterator operator--(int)
        {
            Iterator t = *this;
            --i_;
            return t;
        }
        Iterator& operator+=(difference_type n)
        {
            i_ += n;
            return *this;
        }
        Iterator& operator-=(difference_type n)
        {
            i_ -= n;
            return *this;
        }
        friend Iterator operator+(Iterator a, difference_type n) { return a += n; }
        friend Iterator operator+(difference_type n, Iterator a) { return a += n; }
        friend Iterator operator-(Iterator a, difference_type n) { return a -= n; }
        friend difference_type operator-(const Iterator& a, const Iterator& b)
        {
            return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
        }
        friend bool operator==(const Iterator& a, const Iterator& b) { return a.i_ == b.i_; }
        friend auto operator<=>(const Iterator& a, const Iterator& b) { return a.i_ <=> b.i_; }
        std::size_t index() const { return i_; }

    private:
        Owner* v_ = nullptr;
        std::size_t i_ = 0;
    };
    using iterator = Iterator<false>;
    using const_iterator = Iterator<true>;
    using value_type = T;
    using size_type = std::size_t;

    ChunkedVector() = default;
    ChunkedVector(const ChunkedVector& o)
    {
        for (const T& v : o)
            emplace_back(v);
    }
    ChunkedVector& operator=(const ChunkedVector& o)
    {
        if (this != &o) {
            clear();
            for (const T& v : o)
                emplace_back(v);
        }
        return *this;
    }
    ChunkedVector(ChunkedVector&& o) noexcept
        : chunks_(std::move(o.chunks_)), size_(std::exchange(o.size_, 0))
    {}
    ChunkedVector& operator=(ChunkedVector&& o) noexcept
    {
        if (this != &o) {
            clear();
            chunks_ = std::move(o.chunks_);
            size_ = std::exchange(o.size_, 0);
        }
        return *this;
    }
    ~ChunkedVector() { clear(); }

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    T& operator[](std::size_t i) { return chunks_[i >> ChunkShift][i & (kChunk - 1)]; }
    const T& operator[](std::size_t i) const { return chunks_[i >> ChunkShift][i & (kChunk - 1)]; }
    T& front() { return (*this)[0]; }
    const T& front() const { return (*this)[0]; }
    T& back() { return (*this)[size_ - 1]; }
    const T& back() const { return (*this)[size_ - 1]; }
    iterator begin() { return {this, 0}; }
    iterator end() { return {this, size_}; }
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size_}; }
    const_iterator cbegin() const { return begin(); }
    const_iterator cend() const { return end(); }

    template <typename... Args> T& emplace_back(Args&&... args)
    {
        if ((size_ & (kChunk - 1)) == 0 && (size_ >> ChunkShift) == chunks_.size())
            chunks_.push_back(
                Chunk(static_cast<T*>(::operator new (kChunk * sizeof(T), std::align_val_t{alignof(T)}))));
        T* slot = &chunks_[size_ >> ChunkShift][size_ & (kChunk - 1)];
        ::new (static_cast<void*>(slot)) T(std::forward<Args>(args)...);
        ++size_;
        return *slot;
    }
    void push_back(const T& v) { emplace_back(v); }
    void push_back(T&& v) { emplace_back(std::move(v)); }

    void clear() { truncate(0); }
    // Destroys the elements from `n` on (none if n >= size()) and frees every chunk left empty,
    // newest first: its cost follows what it removes, so a caller can release a huge store a
    // slice at a time (the window's thread must not free millions of elements in one turn).
    void truncate(std::size_t n)
    {
        if (n >= size_) return;
        if constexpr (!std::is_trivially_destructible_v<T>)
            for (std::size_t i = size_; i > n; --i)
                (*this)[i - 1].~T();
        size_ = n;
        chunks_.resize((n + kChunk - 1) >> ChunkShift);
    }

private:
    struct Free
    {
        void operator()(T* p) const { ::operator delete (p, std::align_val_t{alignof(T)}); }
    };
    using Chunk = std::unique_ptr<T[], Free>;
    std::vector<Chunk> chunks_; // a chunk index: kChunk times fewer entries than elements
    std::size_t size_ = 0;
};

} // namespace txs
