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
// Most rows are not rendered on the writer's thread at all: the MVCC store hands the trace log a
// version's record in SQLite's record format (encodeRecord(), records up to kMaxRecordBytes), a
// Row of a few NULL, integer and real values is stored as its values' bytes (encode()), and both
// are rendered when the event is read (renderEncoded()), with the same code per value, so a
// reader sees the same text either way.

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
    // A row given as its record in SQLite's record format (RecordFormat.h; the MVCC store's
    // versions), stored as those bytes behind a marker and rendered when read: a copy of a few
    // bytes instead of a walk of the values. Records longer than kMaxRecordBytes are rendered at
    // once: their text is cut at kCut characters anyway, and a stored event's text stays small
    // (a record of 127 bytes or less renders to at most about 2 x 127 characters).
    static constexpr std::size_t kMaxRecordBytes = 127;
    // `out` gets 1 + record.size() bytes (record.size() <= kMaxRecordBytes); returns their count.
    static std::size_t encodeRecord(std::string_view record, char (&out)[kMaxRecordBytes + 1]);
    // The text of encode()'s or encodeRecord()'s bytes, rendered into this thread's buffer: valid until the
    // next call on this thread (a log's readers take each event's text before they read the next).
    static std::string_view renderEncoded(std::string_view encoded);

private:
    // encode()'s bytes built value by value.
    class Encoder
    {
    public:
        explicit Encoder(char (&out)[kMaxEncodedBytes]) : out_(out) {}
        // Each false when the row already holds kMaxEncodedValues values: the row is then not
        // encoded (it is rendered at once instead).
        bool addNull();
        bool addInteger(std::int64_t value);
        bool addReal(double value);
        std::size_t size() const { return size_; }

    private:
        bool add(char type, const void* eightBytes);
        char* out_;
        std::size_t size_ = 0;
        std::size_t values_ = 0;
    };
    void add(std::string_view piece); // appends what fits of it in the first kCut + 1
    void addInteger(std::int64_t value);
    void addRecord(std::string_view record); // encodeRecord()'s record, each value as display()
    void addBlob(std::string_view bytes);    // as display() writes a blob: x'0a1b'
    void finish();                           // the cut

    char chars_[kCut + 1];
    std::size_t size_ = 0;
};

} // namespace txs
