#include "engine/trace/ChunkMemory.h"

#include <cstdint>
#include <new>
#include <sys/mman.h>

namespace txs {

namespace {
constexpr std::size_t hugePage = std::size_t{2} << 20;
} // namespace

void* allocateChunk(std::size_t bytes)
{
    if (bytes < hugePage) return ::operator new(bytes);
    // Over-map by one huge page and trim, so that the chunk starts on a 2 MiB boundary (the
    // kernel only backs aligned ranges with huge pages).
    const std::size_t length = (bytes + hugePage - 1) / hugePage * hugePage;
    void* raw =
        ::mmap(nullptr, length + hugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + hugePage - 1) / hugePage * hugePage;
    if (aligned > start) ::munmap(raw, aligned - start);
    const std::uintptr_t end = start + length + hugePage;
    if (end > aligned + length) ::munmap(reinterpret_cast<void*>(aligned + length), end - (aligned + length));
    void* chunk = reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
    ::madvise(chunk, length, MADV_HUGEPAGE); // a hint: without THP the chunk still works
#endif
    return chunk;
}

void freeChunk(void* chunk, std::size_t bytes)
{
    if (!chunk) return;
    if (bytes < hugePage) {
        ::operator delete(chunk);
        return;
    }
    ::munmap(chunk, (bytes + hugePage - 1) / hugePage * hugePage);
}

} // namespace txs
