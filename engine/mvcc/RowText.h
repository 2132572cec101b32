#pragma once
// A row as the text of its VersionCreated event: its values' display() joined by '|', cut to
// 77 characters and "..." when longer than 80. For people only (EventKind::VersionCreated); no
// code reads it back.
//
// Rendered into a buffer of its own on the caller's stack, not a std::string: it runs once per
// version a traced run creates, and the string's growth and the substr of a long row were most
// of its cost (docs/performance.md, bench_runner_overhead). Only the first kCut + 1 characters
// are ever written: that is enough to know whether the text is cut, and the cut text is the first
// kKept of them, whatever follows.

#include "engine/api/Value.h"

#include <cstddef>
#include <string_view>

namespace txs::mvcc {

class RowText
{
public:
    static constexpr std::size_t kCut = 80;  // longer texts are cut
    static constexpr std::size_t kKept = 77; // to this many characters, then "..."

    explicit RowText(const Row& row);
    RowText(const RowText&) = delete;
    RowText& operator=(const RowText&) = delete;

    // Valid as long as this object.
    std::string_view view() const { return {chars_, size_}; }

private:
    void add(std::string_view piece); // appends what fits of it in the first kCut + 1

    char chars_[kCut + 1];
    std::size_t size_ = 0;
};

} // namespace txs::mvcc
