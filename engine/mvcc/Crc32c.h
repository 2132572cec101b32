#pragma once
// CRC-32C (Castagnoli), the checksum of the logical log's frames (as Turso's log uses). Table
// driven; the log is written in whole frames, so a byte at a time is fast enough next to write().

#include <cstddef>
#include <cstdint>

namespace txs::mvcc {

std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc = 0);

} // namespace txs::mvcc
