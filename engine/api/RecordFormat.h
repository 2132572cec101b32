#pragma once
// SQLite's record format (a header of varint serial types, then the values' bytes), read and
// written: the MVCC store keeps each version's row so (mvcc/RowRecord.h), and the trace log
// stores a VersionCreated row as its record's bytes and renders them when the event is read
// (trace/RowText.h). Here, below both, so neither copies the other's code.
//
// The functions in `record` trust their input (the store makes its records). A reader of bytes
// it did not make itself uses `RecordReader`, which stops at the first value that would run past
// the bytes.

#include "engine/api/Value.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace txs {

// One value of a record, without copying its bytes (they live as long as the record).
struct ValueView
{
    Value::Type type = Value::Type::Null;
    std::int64_t integer = 0;
    double real = 0;
    std::string_view bytes; // Text, Blob
};

// A view of `v`'s value; its bytes are v's and live as long as v is unchanged. Inline: the row
// encoder calls it for every column (mvcc/RowRecord.cpp), which had it in its own file before.
inline ValueView viewOf(const Value& v)
{
    ValueView view;
    view.type = v.type();
    switch (v.type()) {
    case Value::Type::Null:
        break;
    case Value::Type::Integer:
        view.integer = v.integer();
        break;
    case Value::Type::Real:
        view.real = v.real();
        break;
    case Value::Type::Text:
        view.bytes = v.text();
        break;
    case Value::Type::Blob:
        view.bytes =
            std::string_view(reinterpret_cast<const char*>(v.blob().bytes.data()), v.blob().bytes.size());
        break;
    }
    return view;
}

namespace record {

// Inline: the store reads and writes records on its hot paths (a point lookup's row, a bulk
// load's encoding), where these were file-local and inlined before they were shared.

// SQLite's varint: big-endian groups of 7 bits, the high bit saying "more"; a ninth byte holds 8.
inline std::size_t varintSize(std::uint64_t v)
{
    std::size_t n = 1;
    while (v > 0x7f && n < 9) {
        v >>= 7;
        ++n;
    }
    return n;
}

inline unsigned char* putVarint(unsigned char* p, std::uint64_t v)
{
    if (v > 0x00ffffffffffffffULL) { // nine bytes: 8 groups of 7, then 8 bits
        p[8] = static_cast<unsigned char>(v);
        v >>= 8;
        for (int i = 7; i >= 0; --i) {
            p[i] = static_cast<unsigned char>((v & 0x7f) | 0x80);
            v >>= 7;
        }
        return p + 9;
    }
    const std::size_t n = varintSize(v);
    for (std::size_t i = n; i-- > 0;) {
        p[i] = static_cast<unsigned char>((v & 0x7f) | (i + 1 < n ? 0x80 : 0));
        v >>= 7;
    }
    return p + n;
}

// Reads at most 9 bytes from p.
inline const unsigned char* getVarint(const unsigned char* p, std::uint64_t& v)
{
    v = 0;
    for (int i = 0; i < 8; ++i) {
        v = (v << 7) | (p[i] & 0x7f);
        if (!(p[i] & 0x80)) return p + i + 1;
    }
    v = (v << 8) | p[8];
    return p + 9;
}

// The bytes a value of `serialType` takes in the body.
inline std::size_t payloadSize(std::uint64_t serialType)
{
    static constexpr std::size_t fixed[] = {0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0};
    return serialType < 12 ? fixed[serialType] : static_cast<std::size_t>((serialType - 12) / 2);
}

namespace detail {

inline std::uint64_t getBigEndian(const unsigned char* p, std::size_t n)
{
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i)
        v = (v << 8) | p[i];
    return v;
}

} // namespace detail

// The value of `serialType` whose bytes start at p (payloadSize of them).
inline ValueView viewAt(std::uint64_t type, const unsigned char* p)
{
    ValueView view;
    const std::size_t n = payloadSize(type);
    if (type == 0 || type == 10 || type == 11) return view;
    if (type == 8 || type == 9) {
        view.type = Value::Type::Integer;
        view.integer = type == 9;
        return view;
    }
    if (type == 7) {
        const std::uint64_t bits = detail::getBigEndian(p, 8);
        view.type = Value::Type::Real;
        std::memcpy(&view.real, &bits, sizeof view.real);
        return view;
    }
    if (type < 7) {
        // Sign-extend the big-endian two's complement of n bytes.
        const std::uint64_t raw = detail::getBigEndian(p, n);
        const unsigned shift = static_cast<unsigned>(64 - 8 * n);
        view.type = Value::Type::Integer;
        view.integer = static_cast<std::int64_t>(raw << shift) >> shift;
        return view;
    }
    view.type = type % 2 ? Value::Type::Text : Value::Type::Blob;
    view.bytes = std::string_view(reinterpret_cast<const char*>(p), n);
    return view;
}

} // namespace record

// The values of a record given as bytes that may be malformed: next() is false past the last
// value, and at the first one whose header entry or body would run past the bytes.
class RecordReader
{
public:
    explicit RecordReader(std::string_view bytes);
    bool next(ValueView& out);

private:
    const unsigned char* header_ = nullptr;
    const unsigned char* headerEnd_ = nullptr;
    const unsigned char* body_ = nullptr;
    const unsigned char* end_ = nullptr;
};

} // namespace txs
