#pragma once
// Memory for the trace log's event chunks. A traced run writes a hundred bytes per event into
// memory it has never touched, and on a virtual machine each first touch of a 4 KiB page is a
// costly fault (measured: 44k faults, 0.5 s of system time for 1.76M events, a fifth of the
// run). Chunks of 2 MiB and more are therefore mapped 2 MiB-aligned with transparent huge
// pages requested, so one fault maps 2 MiB. Smaller chunks come from the heap.

#include <cstddef>

namespace txs {

void* allocateChunk(std::size_t bytes);
void freeChunk(void* chunk, std::size_t bytes);

} // namespace txs
