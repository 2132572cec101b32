#pragma once
// The texts of one chunk of a ThreadEventBuffer, freed with the chunk: a text lives exactly as
// long as the events that refer to it, so a text the log still holds always reads back whole,
// and one it dropped is gone with its event.
//
// Single writer (the buffer's thread), many readers. Texts are appended to blocks that never
// move; a reference is (block << kOffsetBits) | offset of a 4-byte length then the bytes. The
// writer stores a block's pointer before it publishes any event referring to it (the buffer's
// release store of its count), so a reader that saw the event sees the pointer and the bytes.
//
// A text equal to one of the last few stored from the same address (a workers block's statement,
// run thousands of times from the parsed script's one copy) is stored once: its events share the
// reference. The bytes are compared, so a caller that reused its buffer for another text gets a
// copy of its own. The recent texts are kept two to a set of addresses, so two texts whose
// addresses fall in one set (a workers block's three statements did, and one of them was copied
// for every event) do not evict each other.
//
// Limits: a block starts at most 1 MiB in (a longer text gets a block of its own); a chunk holds
// at most kMaxBlocks blocks (more than 2 GiB of text in one chunk: each new block is started only
// when the text does not fit in the previous one, so two blocks in a row hold over 1 MiB), and a
// text is at most 2 GiB - 1 (the length's top bit marks an encoded text). A text past either limit
// is stored as kTooLong's message instead of silently vanishing.
//
// An encoded text (storeEncoded) is bytes its reader renders into the text (RowText: a row's
// record, rendered when the event is read rather than on the writer's thread); read()
// says which a reference is. A text stored with an id (storeInterned, TextIds.h) is found again
// by its id alone, in a table of its own.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace txs {

class ChunkTexts
{
public:
    static constexpr std::uint32_t kNone = ~std::uint32_t{0};
    static constexpr std::string_view kTooLong = "[text not kept: over the trace log's text limit]";

    // `events`: how many events the chunk holds (at most one new block per event).
    explicit ChunkTexts(std::size_t events);
    ChunkTexts(const ChunkTexts&) = delete;
    ChunkTexts& operator=(const ChunkTexts&) = delete;
    ~ChunkTexts();

    // Writer only. kNone for an empty text (checked inline: most events have none).
    std::uint32_t store(std::string_view text) { return text.empty() ? kNone : storeNonEmpty(text); }
    // Writer only: `text`, named by `id` (TextIds.h, not 0): a text stored with the same id since
    // the chunk began is shared by its reference, its bytes not compared (the id names them).
    std::uint32_t storeInterned(std::string_view text, std::uint64_t id)
    {
        if (text.empty()) return kNone;
        const RecentId& recent = recentIds_[id & (kRecentIds - 1)];
        if (recent.id == id) return recent.ref;
        return storeInternedMiss(text, id);
    }
    // Writer only: `bytes` (not empty) as an encoded text, copied as they are.
    std::uint32_t storeEncoded(std::string_view bytes) { return copy(bytes, kEncoded); }

    // Which set of the recent texts a text stored from `from` is kept in (for tests).
    static std::size_t recentSetOf(const char* from)
    {
        // Multiplicative hashing: every bit of the address counts, not only those below 64.
        return static_cast<std::size_t>((reinterpret_cast<std::uintptr_t>(from) * 0x9e3779b97f4a7c15u) >>
                                        (64 - kRecentSetBits));
    }

    // Any reader of a published event that holds `ref`: its bytes, and whether they are encoded.
    struct Stored
    {
        std::string_view bytes;
        bool encoded = false;
    };
    Stored read(std::uint32_t ref) const;
    // The bytes alone (a text's, or an encoded text's undecoded).
    std::string_view view(std::uint32_t ref) const { return read(ref).bytes; }

private:
    static constexpr unsigned kOffsetBits = 20;
    static constexpr std::size_t kMaxOffset = std::size_t{1} << kOffsetBits; // a block starts below
    static constexpr std::size_t kMaxBlocks = std::size_t{1} << (32 - kOffsetBits);
    static constexpr std::size_t kFirstBlockBytes = 1024;
    static constexpr std::size_t kHeader = sizeof(std::uint32_t);
    static constexpr std::uint32_t kEncoded = std::uint32_t{1} << 31; // in the length header

    std::uint32_t storeNonEmpty(std::string_view text);
    std::uint32_t storeInternedMiss(std::string_view text, std::uint64_t id);
    bool startBlock(std::size_t needed); // false when the chunk has no block left
    std::uint32_t copy(std::string_view text, std::uint32_t flags = 0);

    // Recently stored texts by address (direct-mapped): where the text came from, its ref, and
    // where its copy lies (so a hit compares bytes without decoding the ref).
    struct Recent
    {
        const char* from = nullptr;
        std::size_t size = 0;
        const char* copy = nullptr;
        std::uint32_t ref = kNone;
    };
    static constexpr unsigned kRecentSetBits = 3;
    static constexpr std::size_t kRecentSets = std::size_t{1} << kRecentSetBits;
    Recent recent_[kRecentSets][2];
    std::uint8_t recentOlder_[kRecentSets] = {}; // per set, the way used least recently
    // Texts stored by id, direct-mapped by the id's low bits (ids of one parse are consecutive).
    struct RecentId
    {
        std::uint64_t id = 0;
        std::uint32_t ref = kNone;
    };
    static constexpr std::size_t kRecentIds = 16;
    RecentId recentIds_[kRecentIds];

    const std::size_t maxBlocks_;
    std::unique_ptr<char*[]> blocks_; // [0, blockCount_) allocated
    std::size_t blockCount_ = 0;
    std::size_t used_ = 0;     // bytes used in the last block
    std::size_t capacity_ = 0; // its size
};

} // namespace txs
