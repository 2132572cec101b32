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
// The row is read from its record in SQLite's record format (RecordFormat.h), which is how the
// MVCC store keeps its versions: no Row is decoded for the text, and the values past the cut are
// not read at all. Most rows are not rendered on the writer's thread either: the trace log keeps
// a record of up to kMaxRecordBytes as its bytes and renders it when the event is read
// (TraceLog::appendRow), so a reader sees the same text either way.

#include "engine/api/Value.h"

#include <cstddef>
#include <string_view>

namespace txs {

class RowText
{
public:
    static constexpr std::size_t kCut = 80;  // longer texts are cut
    static constexpr std::size_t kKept = 77; // to this many characters, then "..."

    // From a record's bytes. Bytes that are not a whole record render the values they hold
    // whole, and nothing past their end is read.
    explicit RowText(std::string_view record);
    RowText(const RowText&) = delete;
    RowText& operator=(const RowText&) = delete;

    // Valid as long as this object.
    std::string_view view() const { return {chars_, size_}; }

    // The longest record the trace log stores as its bytes; longer ones are rendered at once:
    // their text is cut at kCut characters anyway, and a stored event's text stays small.
    static constexpr std::size_t kMaxRecordBytes = 127;
    // The text of a stored record, rendered into this thread's buffer: valid until the next call
    // on this thread (a log's readers take each event's text before they read the next).
    static std::string_view renderRecord(std::string_view record);

private:
    void add(std::string_view piece); // appends what fits of it in the first kCut + 1
    void addInteger(std::int64_t value);
    void addBlob(std::string_view bytes); // as display() writes a blob: x'0a1b'
    void finish();                        // the cut

    char chars_[kCut + 1];
    std::size_t size_ = 0;
};

} // namespace txs
