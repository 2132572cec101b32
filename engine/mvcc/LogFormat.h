#pragma once
// The logical log's bytes (x.db-log). Little-endian throughout.
//
//   file header, 24 B:  "TXSMVLOG" | u32 version (2) | u64 salt | u32 crc32c of the first 20 bytes
//                       The salt is the database's identity: a random number also kept in the
//                       SQLite file (__txscope_mvcc_meta, key 'log-salt'), as Turso does, so a
//                       log that does not belong to the file beside it is refused.
//   legacy header, 16 B: "TXSMVLOG" | u32 version (1) | u32 crc32c of the first 12 bytes
//                       (logs written before the salt: replayed once, then rewritten as version 2)
//   frame, one per committed transaction or DDL statement:
//     header 20 B:      u32 magic "MVTX" | u32 payload length | u64 commit timestamp | u32 op count
//     payload:          the ops, in the order the transaction made them
//     trailer 8 B:      u32 crc32c of header + payload | u32 magic "MVTE"
//   op:                 u8 kind | str table | then by kind:
//     Upsert (1):       i64 key | u32 column count | values      (the row as committed)
//     Delete (2):       i64 key
//     CreateTable (3):  str CREATE TABLE statement
//     DropTable (4):    (nothing)
//     CreateIndex (5):  str CREATE INDEX statement (table: the indexed table)
//     DropIndex (6):    str the index's name (table: its table)
//     CreateView (7):   str CREATE VIEW statement (table: the view's name)
//     DropView (8):     (nothing; table: the view's name)
//     CreateTrigger (9): str CREATE TRIGGER statement (table: the trigger's name)
//     DropTrigger (10): (nothing; table: the trigger's name)
//   str:                u32 length | bytes;  value: u8 type (0 NULL, 1 INTEGER, 2 REAL, 3 TEXT,
//                       4 BLOB) | i64, f64 bits, or str
//
// A frame is valid only whole: a reader stops at the first frame that is cut short, has a bad
// magic or a checksum mismatch, and everything before it is exactly what was appended.

#include "engine/api/Value.h"
#include "engine/mvcc/RowRecord.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace txs::mvcc {

constexpr std::size_t logHeaderSize = 24;
constexpr std::size_t legacyLogHeaderSize = 16;
constexpr std::size_t frameHeaderSize = 20;
constexpr std::size_t frameTrailerSize = 8;

std::string encodeLogHeader(std::uint64_t salt);

struct LogHeader
{
    std::uint32_t version = 0; // 1 (legacy, no salt) or 2
    std::uint64_t salt = 0;    // 0 for version 1
    std::size_t size = 0;      // bytes of the header
};
// The header at the start of `bytes`, when it is a whole, valid one.
std::optional<LogHeader> parseLogHeader(std::string_view bytes);
// Where the frames start: the size of the header `bytes` starts with (the version-2 size when
// `bytes` is too short to tell).
std::size_t logHeaderSizeOf(std::string_view bytes);

struct LogOp
{
    enum class Kind : std::uint8_t {
        Upsert = 1,
        Delete = 2,
        CreateTable = 3,
        DropTable = 4,
        CreateIndex = 5,
        DropIndex = 6,
        CreateView = 7,
        DropView = 8,
        CreateTrigger = 9,
        DropTrigger = 10
    };
    bool isDdl() const { return kind != Kind::Upsert && kind != Kind::Delete; }
    Kind kind = Kind::Upsert;
    std::string table;
    std::int64_t key = 0;
    Row row;
    std::string createSql; // CreateTable, CreateIndex, CreateView, CreateTrigger
    std::string index;     // DropIndex
};

struct LogFrame
{
    std::uint64_t commitTs = 0;
    std::vector<LogOp> ops;
};

// Builds one frame in place, without an intermediate LogOp per write.
class FrameWriter
{
public:
    explicit FrameWriter(std::uint64_t commitTs);
    void upsert(const std::string& table, std::int64_t key, const Row& row);
    // The same bytes from a version's record (the commit logs the record its write made).
    void upsert(const std::string& table, std::int64_t key, const RowRecord& row);
    void remove(const std::string& table, std::int64_t key);
    void createTable(const std::string& table, const std::string& createSql);
    void dropTable(const std::string& table);
    void createIndex(const std::string& table, const std::string& createSql);
    void dropIndex(const std::string& table, const std::string& index);
    void createView(const std::string& view, const std::string& createSql);
    void dropView(const std::string& view);
    void createTrigger(const std::string& trigger, const std::string& createSql);
    void dropTrigger(const std::string& trigger);
    // A DDL op (LogOp::isDdl) by its kind: the one place an op kind picks its writer.
    void ddl(const LogOp& op);
    // The finished frame; the writer is spent afterwards.
    std::string finish();

private:
    std::string bytes_;
    std::uint32_t ops_ = 0;
};

struct LogScan
{
    std::uint64_t validEnd = 0; // offset just past the last whole, valid frame (or the header)
    std::size_t frames = 0;
    std::string problem; // empty when the log ends cleanly at validEnd
    // When there is a problem: valid frames found after the bad one. None means a torn tail
    // (what a crash mid-append leaves); any means damage in the middle of the log, and
    // stopping at the bad frame would lose them.
    std::size_t framesAfter = 0;
    std::uint64_t firstFrameAfter = 0; // offset of the first of them
    // The file could not be read (an I/O error, not a fact about the log's bytes): the scan
    // stopped, and nothing may be concluded about what follows. Callers fail on it.
    std::string readError;
};

// The log's bytes through a fixed window: in memory (a string), or a file read with pread a
// window at a time, so a scan of any size holds one window (plus one frame, when a frame is
// larger than the window) and never the whole log.
class LogWindow
{
public:
    static constexpr std::size_t defaultWindow = 4u << 20;
    explicit LogWindow(std::string_view bytes) : bytes_(bytes), size_(bytes.size()) {}
    // `fd` stays owned by the caller; bytes [0, size) of it are read.
    LogWindow(int fd, std::uint64_t size, std::size_t window = defaultWindow)
        : fd_(fd), size_(size), window_(window)
    {}
    std::uint64_t size() const { return size_; }
    // Bytes [pos, pos + n) (the caller keeps within size()), valid until the next call; empty
    // when the file cannot be read, with the reason in readError().
    std::string_view bytes(std::uint64_t pos, std::size_t n);
    const std::string& readError() const { return readError_; }

private:
    std::string_view bytes_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    std::size_t window_ = defaultWindow;
    std::string buffer_;
    std::uint64_t bufferAt_ = 0;
    std::string readError_;
};

// One whole valid frame: its decoded ops, its bytes (in the window: valid until the callback
// returns) and its file offset. The callback may move out of `frame`.
using FrameCallback = std::function<void(LogFrame& frame, std::string_view raw, std::uint64_t at)>;

// Reads the frames after the file header (which the caller has checked), calling `onFrame`
// with each whole valid frame; stops at the first bad one and then looks for valid frames
// beyond it (LogScan::framesAfter), without calling `onFrame`. Without `onFrame`, the frames
// are checked (checksum, ops that parse) but not decoded into LogOps.
LogScan scanLog(LogWindow& log, const FrameCallback& onFrame);
LogScan scanLog(std::string_view bytes, const FrameCallback& onFrame);

} // namespace txs::mvcc
