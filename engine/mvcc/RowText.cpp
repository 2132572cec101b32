#include "engine/mvcc/RowText.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace txs::mvcc {

RowText::RowText(const Row& row)
{
    for (std::size_t i = 0; i < row.size() && size_ <= kCut; ++i) {
        if (i) chars_[size_++] = '|'; // size_ <= kCut: there is room
        if (row[i].type() == Value::Type::Integer) {
            // The same digits as display(), without a string; in place when they surely fit.
            constexpr std::size_t kDigits = 20; // INT64_MIN: a sign and 19 digits
            if (sizeof chars_ - size_ >= kDigits) {
                size_ = static_cast<std::size_t>(
                    std::to_chars(chars_ + size_, chars_ + sizeof chars_, row[i].integer()).ptr - chars_);
                continue;
            }
            char digits[kDigits];
            const auto end = std::to_chars(digits, digits + sizeof digits, row[i].integer()).ptr;
            add({digits, static_cast<std::size_t>(end - digits)});
        } else {
            add(row[i].display());
        }
    }
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

} // namespace txs::mvcc
