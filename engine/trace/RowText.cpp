#include "engine/trace/RowText.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace txs {

namespace {

// encode()'s type bytes.
enum : char { kNull = 0, kInteger = 1, kReal = 2 };

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
    if (row.empty() || row.size() > kMaxEncodedValues) return 0;
    std::size_t n = 0;
    for (const Value& value : row) {
        switch (value.type()) {
        case Value::Type::Null:
            out[n++] = kNull;
            break;
        case Value::Type::Integer: {
            out[n++] = kInteger;
            const std::int64_t v = value.integer();
            std::memcpy(out + n, &v, sizeof v);
            n += sizeof v;
            break;
        }
        case Value::Type::Real: {
            out[n++] = kReal;
            const double v = value.real();
            std::memcpy(out + n, &v, sizeof v);
            n += sizeof v;
            break;
        }
        default:
            return 0; // a text or a blob: rendered at once (its bytes may be long)
        }
    }
    return n;
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
