#include "engine/mvcc/RowRecord.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace txs::mvcc {

namespace {

using record::getVarint;
using record::payloadSize;
using record::putVarint;
using record::varintSize;
using record::viewAt;

std::uint64_t intSerialType(std::int64_t i)
{
    if (i == 0) return 8;
    if (i == 1) return 9;
    const std::uint64_t u = i < 0 ? ~static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i);
    if (u <= 0x7f) return 1;
    if (u <= 0x7fff) return 2;
    if (u <= 0x7fffff) return 3;
    if (u <= 0x7fffffff) return 4;
    if (u <= 0x7fffffffffffULL) return 5;
    return 6;
}

std::uint64_t serialTypeOf(const ValueView& v)
{
    switch (v.type) {
    case Value::Type::Null:
        return 0;
    case Value::Type::Integer:
        return intSerialType(v.integer);
    case Value::Type::Real:
        return 7;
    case Value::Type::Text:
        return 13 + 2 * static_cast<std::uint64_t>(v.bytes.size());
    case Value::Type::Blob:
        return 12 + 2 * static_cast<std::uint64_t>(v.bytes.size());
    }
    return 0;
}

unsigned char* putBigEndian(unsigned char* p, std::uint64_t v, std::size_t n)
{
    for (std::size_t i = n; i-- > 0;) {
        p[i] = static_cast<unsigned char>(v);
        v >>= 8;
    }
    return p + n;
}

Value valueOf(const ValueView& view)
{
    switch (view.type) {
    case Value::Type::Null:
        return Value();
    case Value::Type::Integer:
        return Value(view.integer);
    case Value::Type::Real:
        return Value(view.real);
    case Value::Type::Text:
        return Value(std::string(view.bytes));
    case Value::Type::Blob:
        return Value(Blob{std::vector<std::uint8_t>(view.bytes.begin(), view.bytes.end())});
    }
    return Value();
}

int typeClass(Value::Type t)
{
    switch (t) {
    case Value::Type::Null:
        return 0;
    case Value::Type::Integer:
    case Value::Type::Real:
        return 1;
    case Value::Type::Text:
        return 2;
    case Value::Type::Blob:
        return 3;
    }
    return 0;
}

template <class T> int sign(T a, T b)
{
    return a < b ? -1 : (b < a ? 1 : 0);
}

// An integer against a real as SQLite compares them (exactly, not by converting the integer).
int compareIntReal(std::int64_t i, double r)
{
    if (r != r) return 1; // NaN is stored as NULL by SQLite; order it somewhere fixed
    if (r < -9223372036854775808.0) return 1;
    if (r >= 9223372036854775808.0) return -1;
    const auto truncated = static_cast<std::int64_t>(r);
    if (i != truncated) return sign(i, truncated);
    return sign(static_cast<double>(0), r - static_cast<double>(truncated));
}

} // namespace

int compareViews(const ValueView& a, const ValueView& b)
{
    const int ca = typeClass(a.type), cb = typeClass(b.type);
    if (ca != cb) return sign(ca, cb);
    switch (ca) {
    case 1:
        if (a.type == Value::Type::Integer && b.type == Value::Type::Integer)
            return sign(a.integer, b.integer);
        if (a.type == Value::Type::Real && b.type == Value::Type::Real) return sign(a.real, b.real);
        if (a.type == Value::Type::Integer) return compareIntReal(a.integer, b.real);
        return -compareIntReal(b.integer, a.real);
    case 2:
    case 3: {
        const int c = a.bytes.compare(b.bytes); // bytewise (char_traits<char> compares as unsigned)
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    default:
        return 0;
    }
}

// One encoder for both sources: `at(i)` gives column i as a view.
template <class At> void RowRecord::encode(std::size_t count, At&& at)
{
    std::size_t headerBody = 0, body = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint64_t type = serialTypeOf(at(i));
        headerBody += varintSize(type);
        body += payloadSize(type);
    }
    // The header's size counts its own varint.
    std::size_t headerSize = headerBody + 1;
    while (headerBody + varintSize(headerSize) != headerSize)
        headerSize = headerBody + varintSize(headerSize);
    const std::size_t size = headerSize + body;
    unsigned char* start;
    if (size <= inlineCapacity) {
        std::uintptr_t bits = 0;
        std::memcpy(&block_, &bits, sizeof block_);
        auto* bytes = reinterpret_cast<unsigned char*>(&block_);
        bytes[0] = static_cast<unsigned char>(size << 1 | 1);
        start = bytes + 1;
    } else {
        void* memory = ::operator new(sizeof(Block) + size);
        block_ = new (memory) Block{{1}, static_cast<std::uint32_t>(size)};
        start = block_->data();
    }
    unsigned char* header = putVarint(start, headerSize);
    unsigned char* p = start + headerSize;
    for (std::size_t i = 0; i < count; ++i) {
        const ValueView v = at(i);
        const std::uint64_t type = serialTypeOf(v);
        header = putVarint(header, type);
        switch (v.type) {
        case Value::Type::Null:
            break;
        case Value::Type::Integer:
            p = putBigEndian(p, static_cast<std::uint64_t>(v.integer), payloadSize(type));
            break;
        case Value::Type::Real: {
            std::uint64_t bits;
            std::memcpy(&bits, &v.real, sizeof bits);
            p = putBigEndian(p, bits, 8);
            break;
        }
        case Value::Type::Text:
        case Value::Type::Blob:
            if (!v.bytes.empty()) std::memcpy(p, v.bytes.data(), v.bytes.size());
            p += v.bytes.size();
            break;
        }
    }
}

RowRecord::RowRecord(const Row& row)
{
    encode(row.size(), [&](std::size_t i) { return viewOf(row[i]); });
}

RowRecord::RowRecord(const ValueView* values, std::size_t count)
{
    encode(count, [&](std::size_t i) { return values[i]; });
}

RowRecord::Columns::Columns(const RowRecord& record)
{
    if (!record.block_) return;
    std::uint64_t headerSize;
    header_ = getVarint(record.data(), headerSize);
    end_ = record.data() + headerSize;
    body_ = end_;
}

bool RowRecord::Columns::next(ValueView& out)
{
    if (header_ >= end_) return false;
    std::uint64_t type;
    header_ = getVarint(header_, type);
    out = viewAt(type, body_);
    body_ += payloadSize(type);
    return true;
}

void RowRecord::release()
{
    if (block_ && !isInline() && block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        block_->~Block();
        ::operator delete(block_);
    }
    block_ = nullptr;
}

std::size_t RowRecord::columnCount() const
{
    if (!block_) return 0;
    std::uint64_t headerSize, type;
    const unsigned char* p = getVarint(data(), headerSize);
    const unsigned char* end = data() + headerSize;
    std::size_t n = 0;
    for (; p < end; ++n)
        p = getVarint(p, type);
    return n;
}

ValueView RowRecord::view(std::size_t i) const
{
    if (!block_) return {};
    std::uint64_t headerSize, type;
    const unsigned char* p = getVarint(data(), headerSize);
    const unsigned char* end = data() + headerSize;
    const unsigned char* body = end;
    for (std::size_t column = 0; p < end; ++column) {
        p = getVarint(p, type);
        if (column == i) return viewAt(type, body);
        body += payloadSize(type);
    }
    return {};
}

Value RowRecord::column(std::size_t i) const
{
    return valueOf(view(i));
}

Row RowRecord::decode() const
{
    Row row;
    if (!block_) return row;
    std::uint64_t headerSize, type;
    const unsigned char* p = getVarint(data(), headerSize);
    const unsigned char* end = data() + headerSize;
    const unsigned char* body = end;
    row.reserve(static_cast<std::size_t>(end - p)); // at most one column a header byte
    while (p < end) {
        p = getVarint(p, type);
        row.push_back(valueOf(viewAt(type, body)));
        body += payloadSize(type);
    }
    return row;
}

std::size_t RowRecord::bytes() const
{
    return !block_ ? 0 : isInline() ? sizeof(Block*) : sizeof(Block) + block_->size;
}

bool RowRecord::sameAs(const RowRecord& other) const
{
    if (!block_ || !other.block_) return block_ == other.block_;
    return size() == other.size() && std::memcmp(data(), other.data(), size()) == 0;
}

} // namespace txs::mvcc
