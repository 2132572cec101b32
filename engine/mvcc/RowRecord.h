#pragma once
// A row as a version stores it: SQLite's record format (a header of varint serial types, then
// the values' bytes) in one allocation with an atomic reference count in front.
//
// Why: a `Row` is a vector of 40-byte variants, each text or blob its own allocation, so a
// 70-byte row cost ~400 bytes of heap (docs/performance.md, "MVCC memory"). The record of the
// same row is its data plus a few header bytes, in one block. Readers get a `Row` (RowPtr) by
// decoding it outside the chain's lock; columns can also be read one at a time (index keys).
//
// Invariant: a record is immutable once made; copies share it (the count is atomic: a reader
// copies the record of a version under the chain lock and decodes it after releasing the lock,
// while garbage collection may drop the version meanwhile). A record of at most 7 bytes (an
// index's key of one small integer) lives inside the object instead, tagged by the low bit of
// its first byte, which a block pointer (malloc-aligned) never has; copies of it are copies.

#include "engine/api/RecordFormat.h"
#include "engine/api/Value.h"

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace txs::mvcc {

using RowPtr = std::shared_ptr<const Row>;

using txs::ValueView; // engine/api/RecordFormat.h

// SQLite's order of values with BINARY collation, as compareValues (Index.h).
int compareViews(const ValueView& a, const ValueView& b);
using txs::viewOf; // engine/api/RecordFormat.h

class RowRecord
{
public:
    RowRecord() = default;
    explicit RowRecord(const Row& row);
    // The record of `count` values given as views (their bytes are copied): the virtual table's
    // INSERT encodes a row straight from SQLite's values this way, with no Row in between.
    RowRecord(const ValueView* values, std::size_t count);
    // Null row: no record. Implicit so a version can still be made from a RowPtr.
    RowRecord(const RowPtr& row) : RowRecord(row ? RowRecord(*row) : RowRecord()) {}
    RowRecord(const RowRecord& other) noexcept : block_(other.block_) { retain(); }
    RowRecord(RowRecord&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
    static_assert(std::endian::native == std::endian::little, "the inline tag is the pointer's low byte");
    RowRecord& operator=(const RowRecord& other) noexcept
    {
        RowRecord copy(other);
        std::swap(block_, copy.block_);
        return *this;
    }
    RowRecord& operator=(RowRecord&& other) noexcept
    {
        std::swap(block_, other.block_);
        return *this;
    }
    ~RowRecord() { release(); }

    explicit operator bool() const { return block_ != nullptr; }
    std::size_t columnCount() const;
    // Column i (NULL past the end, as a shorter row reads in SQLite after ADD COLUMN).
    ValueView view(std::size_t i) const;
    Value column(std::size_t i) const;
    Row decode() const;
    // The row for readers; null when there is no record.
    RowPtr toRow() const { return block_ ? std::make_shared<const Row>(decode()) : nullptr; }
    // Bytes of the block (header and record), for the memory figures.
    std::size_t bytes() const;
    // The record itself, in SQLite's record format (RecordFormat.h): valid as long as this object.
    std::string_view recordBytes() const
    {
        return block_ ? std::string_view(reinterpret_cast<const char*>(data()), size()) : std::string_view();
    }
    // Same columns, same values (types included: 1 and 1.0 differ).
    bool sameAs(const RowRecord& other) const;

    // The columns in order, each read once (view(i) walks the header from its start each time).
    class Columns
    {
    public:
        explicit Columns(const RowRecord& record);
        // The next column into `out`; false past the last.
        bool next(ValueView& out);

    private:
        const unsigned char* header_ = nullptr;
        const unsigned char* end_ = nullptr;
        const unsigned char* body_ = nullptr;
    };

private:
    struct Block
    {
        std::atomic<std::uint32_t> refs;
        std::uint32_t size; // of the record that follows
        unsigned char* data() { return reinterpret_cast<unsigned char*>(this + 1); }
    };
    static constexpr std::size_t inlineCapacity = sizeof(Block*) - 1;
    bool isInline() const { return reinterpret_cast<std::uintptr_t>(block_) & 1; }
    const unsigned char* inlineBytes() const { return reinterpret_cast<const unsigned char*>(&block_); }
    void retain() const
    {
        if (block_ && !isInline()) block_->refs.fetch_add(1, std::memory_order_relaxed);
    }
    void release();
    template <class At> void encode(std::size_t count, At&& at);
    const unsigned char* data() const { return isInline() ? inlineBytes() + 1 : block_->data(); }
    std::size_t size() const { return isInline() ? inlineBytes()[0] >> 1 : block_->size; }

    Block* block_ = nullptr; // or, inline: byte 0 = size << 1 | 1, bytes 1..7 the record
};

} // namespace txs::mvcc
