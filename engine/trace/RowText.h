#pragma once
// A row as the text of its VersionCreated event: its values' display() joined by '|', cut to
// 77 characters and "..." when longer than 80. For people only (EventKind::VersionCreated); no
// code reads it back.
//
// Rendered into a buffer of its own, not a std::string: it runs once per version a traced run
// creates, and the string's growth and the substr of a long row were most of its cost
// (docs/performance.md, bench_runner_overhead). Only the first kCut + 1 characters are ever
// written: that is enough to know whether the text is cut, and the cut text is the first kKept of
// them, whatever follows.
//
// A row of a few NULL, integer and real values is not rendered on the writer's thread at all:
// the trace log stores its values' bytes (encode()) and renders them when the event is read
// (renderEncoded()), with the same code per value, so a reader sees the same text either way.

#include "engine/api/Value.h"

#include <cstddef>
#include <string_view>

namespace txs {

class RowText
{
public:
    static constexpr std::size_t kCut = 80;  // longer texts are cut
    static constexpr std::size_t kKept = 77; // to this many characters, then "..."

    explicit RowText(const Row& row);
    // From encode()'s bytes (which must be such bytes).
    explicit RowText(std::string_view encoded);
    RowText(const RowText&) = delete;
    RowText& operator=(const RowText&) = delete;

    // Valid as long as this object.
    std::string_view view() const { return {chars_, size_}; }

    // Rows of at most kMaxEncodedValues values, each NULL, integer or real, encoded into `out`
    // (a type byte, then the 8 bytes of an integer or a real as they lie): returns the bytes
    // written, 0 for a row that is not encoded so (it is rendered at once instead).
    static constexpr std::size_t kMaxEncodedValues = 16;
    static constexpr std::size_t kMaxEncodedBytes = kMaxEncodedValues * 9;
    static std::size_t encode(const Row& row, char (&out)[kMaxEncodedBytes]);
    // The text of encode()'s bytes, rendered into this thread's buffer: valid until the next call
    // on this thread (a log's readers take each event's text before they read the next).
    static std::string_view renderEncoded(std::string_view encoded);

private:
    void add(std::string_view piece); // appends what fits of it in the first kCut + 1
    void addInteger(std::int64_t value);
    void finish(); // the cut

    char chars_[kCut + 1];
    std::size_t size_ = 0;
};

} // namespace txs
