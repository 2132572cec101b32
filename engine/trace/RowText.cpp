#include "engine/trace/RowText.h"

#include "engine/api/RecordFormat.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace txs {

RowText::RowText(std::string_view record)
{
    // Each value as display() renders the Value it decodes to (an integer's digits written
    // without a string): a real's and NULL's display(), a text's bytes, a blob's hex.
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
    finish();
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

std::string_view RowText::renderRecord(std::string_view record)
{
    thread_local char text[kCut];
    const RowText row(record);
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
