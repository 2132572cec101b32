#include "engine/trace/RowText.h"

#include "engine/api/RecordFormat.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace txs {

namespace {

// encode()'s type bytes, and encodeRecord()'s marker (no value's type: the two never mix).
enum : char { kNull = 0, kInteger = 1, kReal = 2, kRecord = 3 };

} // namespace

RowText::RowText(const Row& row)
{
    for (std::size_t i = 0; i < row.size() && size_ <= kCut; ++i) {
        if (i) chars_[size_++] = '|'; // size_ <= kCut: there is room
        if (row[i].type() == Value::Type::Integer)
            addInteger(row[i].integer());
        else
            add(row[i].display());
    }
    finish();
}

RowText::RowText(std::string_view encoded)
{
    if (!encoded.empty() && encoded[0] == kRecord) {
        addRecord(encoded.substr(1));
        finish();
        return;
    }
    // Each value as the constructor from a Row renders it: an integer's digits, else display()
    // of the same Value.
    for (std::size_t at = 0; at < encoded.size() && size_ <= kCut;) {
        if (at) chars_[size_++] = '|';
        const char type = encoded[at++];
        if (type == kNull) {
            add(Value().display());
            continue;
        }
        if (type == kInteger) {
            std::int64_t v;
            std::memcpy(&v, encoded.data() + at, sizeof v);
            addInteger(v);
        } else {
            double v;
            std::memcpy(&v, encoded.data() + at, sizeof v);
            add(Value(v).display());
        }
        at += 8;
    }
    finish();
}

std::size_t RowText::encode(const Row& row, char (&out)[kMaxEncodedBytes])
{
    if (row.empty()) return 0;
    Encoder encoder(out);
    for (const Value& value : row) {
        switch (value.type()) {
        case Value::Type::Null:
            if (!encoder.addNull()) return 0;
            break;
        case Value::Type::Integer:
            if (!encoder.addInteger(value.integer())) return 0;
            break;
        case Value::Type::Real:
            if (!encoder.addReal(value.real())) return 0;
            break;
        default:
            return 0; // a text or a blob: rendered at once (its bytes may be long)
        }
    }
    return encoder.size();
}

bool RowText::Encoder::add(char type, const void* eightBytes)
{
    if (values_ == kMaxEncodedValues) return false;
    ++values_;
    out_[size_++] = type;
    if (type != kNull) {
        std::memcpy(out_ + size_, eightBytes, 8);
        size_ += 8;
    }
    return true;
}

bool RowText::Encoder::addNull()
{
    return add(kNull, nullptr);
}

bool RowText::Encoder::addInteger(std::int64_t value)
{
    return add(kInteger, &value);
}

bool RowText::Encoder::addReal(double value)
{
    static_assert(sizeof value == 8);
    return add(kReal, &value);
}

std::size_t RowText::encodeRecord(std::string_view record, char (&out)[kMaxRecordBytes + 1])
{
    out[0] = kRecord;
    const std::size_t n = std::min(record.size(), kMaxRecordBytes);
    if (n != 0) std::memcpy(out + 1, record.data(), n); // an empty view may have no data
    return n + 1;
}

void RowText::addRecord(std::string_view record)
{
    // Each value as the constructor from a Row renders the Value it decodes to: an integer's
    // digits, a real's and NULL's display(), a text's bytes, a blob's hex.
    RecordReader values(record);
    ValueView value;
    for (bool first = true; size_ <= kCut && values.next(value); first = false) {
        if (!first) chars_[size_++] = '|'; // size_ <= kCut: there is room
        switch (value.type) {
        case Value::Type::Integer:
            addInteger(value.integer);
            break;
        case Value::Type::Real:
            add(Value(value.real).display());
            break;
        case Value::Type::Text:
            add(value.bytes);
            break;
        case Value::Type::Blob:
            addBlob(value.bytes);
            break;
        case Value::Type::Null:
            add(Value().display());
            break;
        }
    }
}

void RowText::addBlob(std::string_view bytes)
{
    static constexpr char kHex[] = "0123456789abcdef";
    add("x'");
    for (std::size_t i = 0; i < bytes.size() && size_ <= kCut; ++i) {
        const auto b = static_cast<unsigned char>(bytes[i]);
        const char pair[2] = {kHex[b >> 4], kHex[b & 15]};
        add({pair, 2});
    }
    add("'");
}

std::string_view RowText::renderEncoded(std::string_view encoded)
{
    thread_local char text[kCut];
    const RowText row(encoded);
    const std::string_view rendered = row.view(); // at most kCut characters
    std::memcpy(text, rendered.data(), rendered.size());
    return {text, rendered.size()};
}

void RowText::addInteger(std::int64_t value)
{
    // The same digits as display(), without a string; in place when they surely fit.
    constexpr std::size_t kDigits = 20; // INT64_MIN: a sign and 19 digits
    if (sizeof chars_ - size_ >= kDigits) {
        size_ = static_cast<std::size_t>(std::to_chars(chars_ + size_, chars_ + sizeof chars_, value).ptr -
                                         chars_);
        return;
    }
    char digits[kDigits];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    add({digits, static_cast<std::size_t>(end - digits)});
}

void RowText::finish()
{
    if (size_ > kCut) {
        std::memcpy(chars_ + kKept, "...", 3);
        size_ = kKept + 3;
    }
}

void RowText::add(std::string_view piece)
{
    const std::size_t n = std::min(piece.size(), sizeof chars_ - size_);
    if (n) std::memcpy(chars_ + size_, piece.data(), n);
    size_ += n;
}

} // namespace txs
