#pragma once
// Ids that name a text's bytes for the whole process, so the trace log can store a text it has
// stored before without comparing its bytes (ChunkTexts::storeInterned).
//
// Invariant: an id is handed out once (a process-wide counter, never reused) and given to
// exactly one immutable text (the MVCC front end's parsed statements, ParsedTexts): whoever
// passes an id with a text passes bytes equal to the ones it was first given with. Texts
// without such an owner (a reused buffer, an error message) pass no id and are compared.

#include <atomic>
#include <cstdint>

namespace txs {

// 0 means "no id".
inline std::uint64_t newTextId()
{
    static std::atomic<std::uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
}

} // namespace txs
