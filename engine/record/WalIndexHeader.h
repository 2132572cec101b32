#pragma once
// The WAL-index header: the first 136 bytes of a database's `-shm` file (wal.c, WalIndexHdr
// twice, then WalCkptInfo). Read from a file another process writes, so every field is checked
// before use: a torn read (the writer between its two copies), a file that is no WAL index, or a
// hostile file all give a clear message instead of numbers.
//
// Layout (native byte order, as SQLite maps it):
//   0  WalIndexHdr copy 1 (48 bytes): iVersion u32 = 3007000, unused u32, iChange u32,
//      isInit u8, bigEndCksum u8, szPage u16, mxFrame u32, nPage u32, aFrameCksum[2],
//      aSalt[2], aCksum[2] (checksum of the 40 bytes before it)
//  48  copy 2, identical when no writer is mid-update
//  96  nBackfill u32, aReadMark[5] u32, aLock[8] (SQLite's lock bytes), nBackfillAttempted u32

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace txs::record {

constexpr std::size_t kWalIndexHeaderSize = 136;
constexpr std::uint32_t kWalIndexVersion = 3007000;
constexpr std::uint32_t kReadMarkNotUsed = 0xffffffff;

struct WalIndexHeader
{
    std::uint32_t pageSize = 0;
    std::uint32_t mxFrame = 0;   // frames of committed transactions in the WAL
    std::uint32_t nPage = 0;     // database size in pages
    std::uint32_t nBackfill = 0; // frames already copied back into the database
    std::uint32_t nBackfillAttempted = 0;
    // aReadMark[i]: the mxFrame a reader holding READ(i) sees; nullopt when unused.
    std::array<std::optional<std::uint32_t>, 5> readMarks{};
};

// Decodes `bytes` (at least the first 136 bytes of a -shm file). On failure returns nullopt and
// sets `error` to what is wrong ("header copies differ (a writer is updating it)", ...).
std::optional<WalIndexHeader> parseWalIndexHeader(std::span<const unsigned char> bytes, std::string& error);

// Reads the header of the `-shm` file at `path` (read only, never locks or maps it).
std::optional<WalIndexHeader> readWalIndexHeader(const std::string& path, std::string& error);

} // namespace txs::record
