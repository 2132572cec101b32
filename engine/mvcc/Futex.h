#pragma once
// A thread sleeping on one 32-bit word until another thread changes it (Linux futex): the
// cheapest way to wake exactly one chosen thread. std::atomic::wait would do, but libstdc++'s
// spins and calls sched_yield first, which on a loaded machine hands the core to another
// process for a whole time slice. Every wait is in a loop that re-checks the word: futex
// wake-ups may be spurious, and a wake may reach a word whose owner has already moved on
// (harmless: its next user re-checks too). Synchronisation is the atomic's, acquire/release;
// the futex only puts the thread to sleep (which is also what ThreadSanitizer sees).

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace txs::mvcc {

// Sleeps while `word` holds `expected` (returns at once when it does not; may return early).
inline void futexWait(const std::atomic<std::uint32_t>& word, std::uint32_t expected)
{
    static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
    (void)::syscall(SYS_futex, reinterpret_cast<const std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected,
                    nullptr, nullptr, 0);
}

// Wakes up to `count` threads sleeping on `word`.
inline void futexWake(const std::atomic<std::uint32_t>& word, int count = INT_MAX)
{
    (void)::syscall(SYS_futex, reinterpret_cast<const std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, count,
                    nullptr, nullptr, 0);
}

} // namespace txs::mvcc
