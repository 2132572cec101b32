#include "engine/api/RecordFormat.h"

#include <cstring>

namespace txs {

namespace {

// getVarint that reads nothing at or past `end`: null when the varint does not end before it.
const unsigned char* getVarintBefore(const unsigned char* p, const unsigned char* end, std::uint64_t& v)
{
    v = 0;
    for (std::ptrdiff_t i = 0; i < 9 && i < end - p; ++i) {
        if (i == 8) {
            v = (v << 8) | p[8];
            return p + 9;
        }
        v = (v << 7) | (p[i] & 0x7f);
        if (!(p[i] & 0x80)) return p + i + 1;
    }
    return nullptr;
}

} // namespace

RecordReader::RecordReader(std::string_view bytes)
{
    const auto* begin = reinterpret_cast<const unsigned char*>(bytes.data());
    end_ = begin + bytes.size();
    std::uint64_t headerSize = 0;
    const unsigned char* afterSize = getVarintBefore(begin, end_, headerSize);
    if (!afterSize || headerSize > bytes.size() || begin + headerSize < afterSize) return;
    header_ = afterSize;
    headerEnd_ = begin + headerSize;
    body_ = headerEnd_;
}

bool RecordReader::next(ValueView& out)
{
    if (!header_ || header_ >= headerEnd_) return false;
    std::uint64_t type = 0;
    const unsigned char* after = getVarintBefore(header_, headerEnd_, type);
    if (!after) return false;
    const std::size_t size = record::payloadSize(type);
    if (size > static_cast<std::size_t>(end_ - body_)) return false;
    header_ = after;
    out = record::viewAt(type, body_);
    body_ += size;
    return true;
}

} // namespace txs
