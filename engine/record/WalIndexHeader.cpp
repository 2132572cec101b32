#include "engine/record/WalIndexHeader.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace txs::record {

namespace {

std::uint32_t u32(std::span<const unsigned char> b, std::size_t at)
{
    std::uint32_t v;
    std::memcpy(&v, b.data() + at, sizeof v); // native order: SQLite writes the index in memory
    return v;
}

std::uint16_t u16(std::span<const unsigned char> b, std::size_t at)
{
    std::uint16_t v;
    std::memcpy(&v, b.data() + at, sizeof v);
    return v;
}

// wal.c's walChecksumBytes with native byte order, over the header's first 40 bytes.
std::array<std::uint32_t, 2> checksum(std::span<const unsigned char> b)
{
    std::uint32_t s1 = 0, s2 = 0;
    for (std::size_t at = 0; at < 40; at += 8) {
        s1 += u32(b, at) + s2;
        s2 += u32(b, at + 4) + s1;
    }
    return {s1, s2};
}

} // namespace

std::optional<WalIndexHeader> parseWalIndexHeader(std::span<const unsigned char> b, std::string& error)
{
    if (b.size() < kWalIndexHeaderSize) {
        error = "too short for a WAL index (" + std::to_string(b.size()) + " bytes, need " +
                std::to_string(kWalIndexHeaderSize) + ")";
        return std::nullopt;
    }
    if (std::memcmp(b.data(), b.data() + 48, 48) != 0) {
        error = "the two header copies differ (a writer is updating it, or the file is damaged)";
        return std::nullopt;
    }
    if (u32(b, 0) != kWalIndexVersion) {
        error = "not a WAL index (version " + std::to_string(u32(b, 0)) + ", expected 3007000)";
        return std::nullopt;
    }
    if (b[12] != 1) {
        error = "the WAL index is not initialised (no connection has recovered it yet)";
        return std::nullopt;
    }
    const auto sum = checksum(b);
    if (sum[0] != u32(b, 40) || sum[1] != u32(b, 44)) {
        error = "the header checksum does not match";
        return std::nullopt;
    }
    WalIndexHeader h;
    // szPage holds the page size, except 65536, which does not fit in 16 bits and is stored as 1.
    const std::uint32_t sz = u16(b, 14);
    h.pageSize = sz == 1 ? 65536 : sz;
    if (h.pageSize < 512 || (h.pageSize & (h.pageSize - 1)) != 0) {
        error = "bad page size " + std::to_string(sz);
        return std::nullopt;
    }
    h.mxFrame = u32(b, 16);
    h.nPage = u32(b, 20);
    h.nBackfill = u32(b, 96);
    h.nBackfillAttempted = u32(b, 128);
    if (h.nBackfill > h.mxFrame) {
        error = "backfill " + std::to_string(h.nBackfill) + " is past the last frame " +
                std::to_string(h.mxFrame);
        return std::nullopt;
    }
    for (std::size_t i = 0; i < h.readMarks.size(); ++i) {
        const std::uint32_t mark = u32(b, 100 + 4 * i);
        if (mark == kReadMarkNotUsed) continue;
        // A mark may trail mxFrame (old readers) but never lead it; READ0's is always 0.
        if (mark > h.mxFrame || (i == 0 && mark != 0)) {
            error = "read mark " + std::to_string(i) + " = " + std::to_string(mark) +
                    " is past the last frame " + std::to_string(h.mxFrame);
            return std::nullopt;
        }
        h.readMarks[i] = mark;
    }
    return h;
}

std::optional<WalIndexHeader> readWalIndexHeader(const std::string& path, std::string& error)
{
    // O_NONBLOCK: a FIFO planted under the name must not hang us; pread of a regular file only.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        error = path + ": " + std::strerror(errno);
        return std::nullopt;
    }
    std::array<unsigned char, kWalIndexHeaderSize> buf{};
    std::size_t got = 0;
    while (got < buf.size()) {
        const ssize_t n = ::pread(fd, buf.data() + got, buf.size() - got, static_cast<off_t>(got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    std::string why;
    auto h = parseWalIndexHeader(std::span<const unsigned char>(buf.data(), got), why);
    if (!h) error = path + ": " + why;
    return h;
}

} // namespace txs::record
