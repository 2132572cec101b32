#include "engine/trace/ChunkTexts.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

namespace txs {

ChunkTexts::ChunkTexts(std::size_t events)
    : maxBlocks_(std::clamp<std::size_t>(events, 1, kMaxBlocks)),
      blocks_(std::make_unique_for_overwrite<char*[]>(
          maxBlocks_)) // only [0, blockCount_) is read: no pass to zero a pointer per event
{}

ChunkTexts::~ChunkTexts()
{
    for (std::size_t i = 0; i < blockCount_; ++i)
        std::free(blocks_[i]);
}

bool ChunkTexts::startBlock(std::size_t needed)
{
    if (blockCount_ == maxBlocks_) return false;
    // Blocks double up to 1 MiB: a chunk of a few events costs a KiB, a full one few blocks.
    const std::size_t usual =
        std::min(kFirstBlockBytes << std::min<std::size_t>(blockCount_, 10), kMaxOffset);
    const std::size_t bytes = std::max(usual, needed);
    char* block = static_cast<char*>(std::malloc(bytes));
    if (!block) throw std::bad_alloc();
    blocks_[blockCount_++] = block;
    used_ = 0;
    capacity_ = bytes;
    return true;
}

std::uint32_t ChunkTexts::storeNonEmpty(std::string_view text)
{
    const std::size_t set = recentSetOf(text.data());
    Recent(&ways)[2] = recent_[set];
    for (unsigned way = 0; way < 2; ++way) {
        const Recent& recent = ways[way];
        if (recent.from == text.data() && recent.size == text.size() &&
            std::memcmp(recent.copy, text.data(), text.size()) == 0) {
            recentOlder_[set] = static_cast<std::uint8_t>(way ^ 1);
            return recent.ref;
        }
    }
    const std::uint32_t ref = copy(text);
    if (ref == kNone) return ref;
    const std::string_view stored = view(ref);
    // Not a text cut to kTooLong: the next caller's bytes are compared with the copy.
    if (stored.size() == text.size()) {
        const unsigned way = recentOlder_[set];
        ways[way] = {text.data(), text.size(), stored.data(), ref};
        recentOlder_[set] = static_cast<std::uint8_t>(way ^ 1);
    }
    return ref;
}

std::uint32_t ChunkTexts::storeInternedMiss(std::string_view text, std::uint64_t id)
{
    const std::uint32_t ref = copy(text);
    // Not a text cut to kTooLong: it would stand for the id's text.
    if (ref != kNone && view(ref).size() == text.size()) recentIds_[id & (kRecentIds - 1)] = {id, ref};
    return ref;
}

std::uint32_t ChunkTexts::copy(std::string_view text, std::uint32_t flags)
{
    if (text.size() >= kEncoded) {
        text = kTooLong;
        flags = 0;
    }
    const std::size_t needed = kHeader + text.size();
    const bool fits = blockCount_ > 0 && used_ < kMaxOffset && capacity_ - used_ >= needed;
    if (!fits && !startBlock(needed)) {
        // Out of blocks: the last block may still hold the marker.
        text = kTooLong;
        flags = 0;
        if (used_ >= kMaxOffset || capacity_ - used_ < kHeader + text.size()) return kNone;
    }
    char* at = blocks_[blockCount_ - 1] + used_;
    const auto length = static_cast<std::uint32_t>(text.size()) | flags;
    std::memcpy(at, &length, kHeader);
    std::memcpy(at + kHeader, text.data(), text.size());
    const auto ref = static_cast<std::uint32_t>(((blockCount_ - 1) << kOffsetBits) | used_);
    used_ += kHeader + text.size();
    return ref;
}

ChunkTexts::Stored ChunkTexts::read(std::uint32_t ref) const
{
    if (ref == kNone) return {};
    const char* at = blocks_[ref >> kOffsetBits] + (ref & (kMaxOffset - 1));
    std::uint32_t length = 0;
    std::memcpy(&length, at, kHeader);
    return {{at + kHeader, length & ~kEncoded}, (length & kEncoded) != 0};
}

} // namespace txs
