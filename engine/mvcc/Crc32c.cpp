#include "engine/mvcc/Crc32c.h"

#include <array>

namespace txs::mvcc {

namespace {
constexpr std::array<std::uint32_t, 256> makeTable()
{
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1; // reflected Castagnoli polynomial
        table[i] = c;
    }
    return table;
}
constexpr auto table = makeTable();
} // namespace

std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc)
{
    const auto* p = static_cast<const std::uint8_t*>(data);
    crc = ~crc;
    for (std::size_t i = 0; i < size; ++i)
        crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

} // namespace txs::mvcc
