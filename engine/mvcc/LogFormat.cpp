#include "engine/mvcc/LogFormat.h"

#include "engine/mvcc/Crc32c.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace txs::mvcc {

namespace {

constexpr char fileMagic[8] = {'T', 'X', 'S', 'M', 'V', 'L', 'O', 'G'};
constexpr std::uint32_t logVersion = 2, legacyLogVersion = 1;
constexpr std::uint32_t frameMagic = 0x5854564D; // "MVTX"
constexpr std::uint32_t endMagic = 0x4554564D;   // "MVTE"

template <class T> void put(std::string& out, T v)
{
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T)); // little-endian hosts only (x86-64, arm64)
    out.append(b, sizeof(T));
}

void putString(std::string& out, std::string_view s)
{
    put<std::uint32_t>(out, static_cast<std::uint32_t>(s.size()));
    out.append(s);
}

void putValue(std::string& out, const Value& v)
{
    out.push_back(static_cast<char>(v.type()));
    switch (v.type()) {
    case Value::Type::Null:
        break;
    case Value::Type::Integer:
        put<std::int64_t>(out, v.integer());
        break;
    case Value::Type::Real:
        put<double>(out, v.real());
        break;
    case Value::Type::Text:
        putString(out, v.text());
        break;
    case Value::Type::Blob: {
        const auto& bytes = v.blob().bytes;
        putString(out, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
        break;
    }
    }
}

// putValue's bytes for a value of a record.
void putView(std::string& out, const ValueView& v)
{
    out.push_back(static_cast<char>(v.type));
    switch (v.type) {
    case Value::Type::Null:
        break;
    case Value::Type::Integer:
        put<std::int64_t>(out, v.integer);
        break;
    case Value::Type::Real:
        put<double>(out, v.real);
        break;
    case Value::Type::Text:
    case Value::Type::Blob:
        putString(out, v.bytes);
        break;
    }
}

// Bounds-checked reading of one frame's payload; any overrun marks the frame bad.
struct Reader
{
    std::string_view in;
    std::size_t pos = 0;
    bool ok = true;

    template <class T> T get()
    {
        T v{};
        if (pos + sizeof(T) > in.size()) {
            ok = false;
            return v;
        }
        std::memcpy(&v, in.data() + pos, sizeof(T));
        pos += sizeof(T);
        return v;
    }
    std::string getString()
    {
        const auto n = get<std::uint32_t>();
        if (!ok || pos + n > in.size()) {
            ok = false;
            return {};
        }
        std::string s(in.substr(pos, n));
        pos += n;
        return s;
    }
    void skip(std::size_t n)
    {
        if (!ok || pos + n > in.size()) {
            ok = false;
            return;
        }
        pos += n;
    }
    void skipString() { skip(get<std::uint32_t>()); }
    void skipValue()
    {
        switch (get<std::uint8_t>()) {
        case 0:
            return;
        case 1:
        case 2:
            skip(8);
            return;
        case 3:
        case 4:
            skipString();
            return;
        default:
            ok = false;
        }
    }
    Value getValue()
    {
        switch (get<std::uint8_t>()) {
        case 0:
            return Value();
        case 1:
            return Value(get<std::int64_t>());
        case 2:
            return Value(get<double>());
        case 3:
            return Value(getString());
        case 4: {
            const std::string s = getString();
            return Value(Blob{std::vector<std::uint8_t>(s.begin(), s.end())});
        }
        default:
            ok = false;
            return Value();
        }
    }
};

} // namespace

std::string encodeLogHeader(std::uint64_t salt)
{
    std::string h(fileMagic, sizeof fileMagic);
    put<std::uint32_t>(h, logVersion);
    put<std::uint64_t>(h, salt);
    put<std::uint32_t>(h, crc32c(h.data(), h.size()));
    return h;
}

std::optional<LogHeader> parseLogHeader(std::string_view bytes)
{
    if (bytes.size() < legacyLogHeaderSize ||
        bytes.substr(0, sizeof fileMagic) != std::string_view(fileMagic, 8))
        return std::nullopt;
    Reader r{bytes};
    r.pos = sizeof fileMagic;
    LogHeader header;
    header.version = r.get<std::uint32_t>();
    if (header.version == legacyLogVersion) {
        header.size = legacyLogHeaderSize;
    } else if (header.version == logVersion && bytes.size() >= logHeaderSize) {
        header.salt = r.get<std::uint64_t>();
        header.size = logHeaderSize;
    } else {
        return std::nullopt;
    }
    const auto crc = r.get<std::uint32_t>();
    if (crc != crc32c(bytes.data(), header.size - 4)) return std::nullopt;
    return header;
}

std::size_t logHeaderSizeOf(std::string_view bytes)
{
    if (bytes.size() >= 12 && bytes.substr(0, sizeof fileMagic) == std::string_view(fileMagic, 8)) {
        std::uint32_t version = 0;
        std::memcpy(&version, bytes.data() + 8, 4);
        if (version == legacyLogVersion) return legacyLogHeaderSize;
    }
    return logHeaderSize;
}

FrameWriter::FrameWriter(std::uint64_t commitTs)
{
    bytes_.reserve(128);
    put<std::uint32_t>(bytes_, frameMagic);
    put<std::uint32_t>(bytes_, 0); // payload length, filled in by finish()
    put<std::uint64_t>(bytes_, commitTs);
    put<std::uint32_t>(bytes_, 0); // op count, filled in by finish()
}

void FrameWriter::upsert(const std::string& table, std::int64_t key, const Row& row)
{
    bytes_.push_back(static_cast<char>(LogOp::Kind::Upsert));
    putString(bytes_, table);
    put<std::int64_t>(bytes_, key);
    put<std::uint32_t>(bytes_, static_cast<std::uint32_t>(row.size()));
    for (const auto& v : row)
        putValue(bytes_, v);
    ++ops_;
}

void FrameWriter::upsert(const std::string& table, std::int64_t key, const RowRecord& row)
{
    bytes_.push_back(static_cast<char>(LogOp::Kind::Upsert));
    putString(bytes_, table);
    put<std::int64_t>(bytes_, key);
    const std::size_t countAt = bytes_.size();
    put<std::uint32_t>(bytes_, 0); // the column count, known once walked
    std::uint32_t columns = 0;
    RowRecord::Columns walk(row);
    for (ValueView v; walk.next(v); ++columns)
        putView(bytes_, v);
    std::memcpy(bytes_.data() + countAt, &columns, sizeof columns);
    ++ops_;
}

void FrameWriter::remove(const std::string& table, std::int64_t key)
{
    bytes_.push_back(static_cast<char>(LogOp::Kind::Delete));
    putString(bytes_, table);
    put<std::int64_t>(bytes_, key);
    ++ops_;
}

void FrameWriter::createTable(const std::string& table, const std::string& createSql)
{
    bytes_.push_back(static_cast<char>(LogOp::Kind::CreateTable));
    putString(bytes_, table);
    putString(bytes_, createSql);
    ++ops_;
}

void FrameWriter::dropTable(const std::string& table)
{
    bytes_.push_back(static_cast<char>(LogOp::Kind::DropTable));
    putString(bytes_, table);
    ++ops_;
}

void FrameWriter::createIndex(const std::string& table, const std::string& createSql)
{
    bytes_.push_back(static_cast<char>(LogOp::Kind::CreateIndex));
    putString(bytes_, table);
    putString(bytes_, createSql);
    ++ops_;
}

void FrameWriter::dropIndex(const std::string& table, const std::string& index)
{
    bytes_.push_back(static_cast<char>(LogOp::Kind::DropIndex));
    putString(bytes_, table);
    putString(bytes_, index);
    ++ops_;
}

void FrameWriter::createView(const std::string& view, const std::string& createSql)
{
    bytes_.push_back(static_cast<char>(LogOp::Kind::CreateView));
    putString(bytes_, view);
    putString(bytes_, createSql);
    ++ops_;
}

void FrameWriter::dropView(const std::string& view)
{
    bytes_.push_back(static_cast<char>(LogOp::Kind::DropView));
    putString(bytes_, view);
    ++ops_;
}

void FrameWriter::createTrigger(const std::string& trigger, const std::string& createSql)
{
    bytes_.push_back(static_cast<char>(LogOp::Kind::CreateTrigger));
    putString(bytes_, trigger);
    putString(bytes_, createSql);
    ++ops_;
}

void FrameWriter::dropTrigger(const std::string& trigger)
{
    bytes_.push_back(static_cast<char>(LogOp::Kind::DropTrigger));
    putString(bytes_, trigger);
    ++ops_;
}

void FrameWriter::ddl(const LogOp& op)
{
    switch (op.kind) {
    case LogOp::Kind::CreateTable:
        return createTable(op.table, op.createSql);
    case LogOp::Kind::DropTable:
        return dropTable(op.table);
    case LogOp::Kind::CreateIndex:
        return createIndex(op.table, op.createSql);
    case LogOp::Kind::DropIndex:
        return dropIndex(op.table, op.index);
    case LogOp::Kind::CreateView:
        return createView(op.table, op.createSql);
    case LogOp::Kind::DropView:
        return dropView(op.table);
    case LogOp::Kind::CreateTrigger:
        return createTrigger(op.table, op.createSql);
    case LogOp::Kind::DropTrigger:
        return dropTrigger(op.table);
    case LogOp::Kind::Upsert:
    case LogOp::Kind::Delete:
        return; // rows are written by upsert/remove
    }
}

std::string FrameWriter::finish()
{
    const auto payload = static_cast<std::uint32_t>(bytes_.size() - frameHeaderSize);
    std::memcpy(bytes_.data() + 4, &payload, 4);
    std::memcpy(bytes_.data() + 16, &ops_, 4);
    put<std::uint32_t>(bytes_, crc32c(bytes_.data(), bytes_.size()));
    put<std::uint32_t>(bytes_, endMagic);
    return std::move(bytes_);
}

std::string_view LogWindow::bytes(std::uint64_t pos, std::size_t n)
{
    if (fd_ < 0) return bytes_.substr(static_cast<std::size_t>(pos), n);
    if (pos >= bufferAt_ && pos + n <= bufferAt_ + buffer_.size())
        return std::string_view(buffer_).substr(static_cast<std::size_t>(pos - bufferAt_), n);
    // Refill from `pos`: one window, or the one frame that is larger than a window (given back
    // at the next refill, so a single large frame does not keep its memory for the whole scan).
    const std::size_t want = static_cast<std::size_t>(
        std::min<std::uint64_t>(std::max<std::uint64_t>(n, window_), size_ - std::min(pos, size_)));
    if (buffer_.capacity() > 2 * window_ && want <= window_) std::string().swap(buffer_);
    buffer_.resize(want);
    bufferAt_ = pos;
    std::size_t done = 0;
    while (done < want) {
        const ssize_t got = ::pread(fd_, buffer_.data() + done, want - done, static_cast<off_t>(pos + done));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            readError_ = got == 0 ? std::string("the file is shorter than expected") : std::strerror(errno);
            buffer_.clear();
            return {};
        }
        done += static_cast<std::size_t>(got);
    }
    return std::string_view(buffer_).substr(0, std::min(n, want));
}

namespace {

// The length of the whole, checksummed frame at `pos`, or 0 when there is none (or the file
// cannot be read: the caller checks readError()).
std::size_t validFrameAt(LogWindow& log, std::uint64_t pos)
{
    if (log.size() - pos < frameHeaderSize + frameTrailerSize) return 0;
    Reader header{log.bytes(pos, frameHeaderSize)};
    if (header.in.size() < frameHeaderSize || header.get<std::uint32_t>() != frameMagic) return 0;
    const auto payload = header.get<std::uint32_t>();
    const std::size_t total = frameHeaderSize + std::size_t{payload} + frameTrailerSize;
    if (log.size() - pos < total) return 0;
    const std::string_view frame = log.bytes(pos, total);
    if (frame.size() < total) return 0;
    Reader trailer{frame.substr(total - frameTrailerSize)};
    const auto crc = trailer.get<std::uint32_t>();
    if (trailer.get<std::uint32_t>() != endMagic || crc != crc32c(frame.data(), frameHeaderSize + payload))
        return 0;
    return total;
}

// After a bad frame at `bad`: the valid frames that follow it anywhere further on (a frame
// starts with its magic; its checksum tells a real one from bytes that look like it).
void findFramesAfter(LogWindow& log, std::uint64_t bad, LogScan& scan)
{
    for (std::uint64_t pos = bad + 1; pos + frameHeaderSize + frameTrailerSize <= log.size(); ++pos) {
        std::size_t total = validFrameAt(log, pos);
        if (!log.readError().empty()) return;
        if (total == 0) continue;
        scan.firstFrameAfter = pos;
        while (total != 0) {
            ++scan.framesAfter;
            pos += total;
            total = pos < log.size() ? validFrameAt(log, pos) : 0;
        }
        return;
    }
}

// Parses `opCount` ops from `r`, into `frame` when given (else only checks that they parse).
void parseOps(Reader& r, std::uint32_t opCount, LogFrame* frame)
{
    for (std::uint32_t i = 0; i < opCount && r.ok; ++i) {
        const auto kind = static_cast<LogOp::Kind>(r.get<std::uint8_t>());
        if (!frame) {
            r.skipString();
            switch (kind) {
            case LogOp::Kind::Upsert: {
                r.skip(8);
                const auto columns = r.get<std::uint32_t>();
                for (std::uint32_t c = 0; c < columns && r.ok; ++c)
                    r.skipValue();
                break;
            }
            case LogOp::Kind::Delete:
                r.skip(8);
                break;
            case LogOp::Kind::CreateTable:
                r.skipString();
                break;
            case LogOp::Kind::DropTable:
            case LogOp::Kind::DropView:
            case LogOp::Kind::DropTrigger:
                break;
            case LogOp::Kind::CreateTrigger: // its CREATE TRIGGER
            case LogOp::Kind::CreateView:    // its CREATE VIEW
            case LogOp::Kind::CreateIndex:   // its CREATE INDEX
            case LogOp::Kind::DropIndex:     // the index's name
                r.skipString();
                break;
            default:
                r.ok = false;
            }
            continue;
        }
        LogOp op;
        op.kind = kind;
        op.table = r.getString();
        switch (op.kind) {
        case LogOp::Kind::Upsert: {
            op.key = r.get<std::int64_t>();
            const auto columns = r.get<std::uint32_t>();
            op.row.reserve(std::min<std::uint32_t>(columns, 4096));
            for (std::uint32_t c = 0; c < columns && r.ok; ++c)
                op.row.push_back(r.getValue());
            break;
        }
        case LogOp::Kind::Delete:
            op.key = r.get<std::int64_t>();
            break;
        case LogOp::Kind::CreateTable:
            op.createSql = r.getString();
            break;
        case LogOp::Kind::CreateIndex:
        case LogOp::Kind::CreateView:
        case LogOp::Kind::CreateTrigger:
            op.createSql = r.getString();
            break;
        case LogOp::Kind::DropIndex:
            op.index = r.getString();
            break;
        case LogOp::Kind::DropTable:
        case LogOp::Kind::DropView:
        case LogOp::Kind::DropTrigger:
            break;
        default:
            r.ok = false;
        }
        frame->ops.push_back(std::move(op));
    }
}

} // namespace

LogScan scanLog(std::string_view bytes, const FrameCallback& onFrame)
{
    LogWindow window(bytes);
    return scanLog(window, onFrame);
}

LogScan scanLog(LogWindow& log, const FrameCallback& onFrame)
{
    LogScan scan;
    const std::uint64_t size = log.size();
    std::uint64_t pos =
        std::min<std::uint64_t>(logHeaderSizeOf(log.bytes(0, std::min<std::uint64_t>(12, size))), size);
    scan.validEnd = pos;
    LogFrame frame;
    while (pos < size) {
        const auto where = [&] {
            return "frame " + std::to_string(scan.frames + 1) + " at offset " + std::to_string(pos);
        };
        if (size - pos < frameHeaderSize) {
            scan.problem = where() + " is cut short (torn write): " + std::to_string(size - pos) +
                           " bytes of a frame header";
            break;
        }
        Reader header{log.bytes(pos, frameHeaderSize)};
        if (header.in.size() < frameHeaderSize) break; // read error
        const auto magic = header.get<std::uint32_t>();
        const auto payload = header.get<std::uint32_t>();
        frame.ops.clear();
        frame.commitTs = header.get<std::uint64_t>();
        const auto opCount = header.get<std::uint32_t>();
        if (magic != frameMagic) {
            scan.problem = where() + " has no frame magic (corrupt)";
            break;
        }
        const std::size_t total = frameHeaderSize + std::size_t{payload} + frameTrailerSize;
        if (size - pos < total) {
            scan.problem = where() + " is cut short (torn write): " + std::to_string(size - pos) + " of " +
                           std::to_string(total) + " bytes";
            break;
        }
        const std::string_view raw = log.bytes(pos, total);
        if (raw.size() < total) break; // read error
        Reader trailer{raw.substr(total - frameTrailerSize)};
        const auto crc = trailer.get<std::uint32_t>();
        const auto end = trailer.get<std::uint32_t>();
        if (end != endMagic || crc != crc32c(raw.data(), frameHeaderSize + payload)) {
            scan.problem = where() + " fails its checksum (corrupt)";
            break;
        }
        Reader r{raw.substr(frameHeaderSize, payload)};
        parseOps(r, opCount, onFrame ? &frame : nullptr);
        if (!r.ok || r.pos != payload) {
            scan.problem = where() + " has a checksum that matches but ops that do not parse (corrupt)";
            break;
        }
        if (onFrame) onFrame(frame, raw, pos);
        pos += total;
        scan.validEnd = pos;
        ++scan.frames;
    }
    if (!scan.problem.empty()) findFramesAfter(log, scan.validEnd, scan);
    scan.readError = log.readError();
    return scan;
}

} // namespace txs::mvcc
