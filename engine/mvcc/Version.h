#pragma once
// Row versions and their chains.
//
// A version's begin and end are each either a commit timestamp or the transaction that is
// writing it (Hekaton's "TxID" form). end == none means "still current" (infinity). A chain
// holds every version of one key, oldest first, the first one inside the chain (InlineVector.h);
// it is guarded by its own small lock, which is held only for a few loads and stores, never
// across a callback or a wait.

#include "engine/api/Value.h"
#include "engine/mvcc/InlineVector.h"
#include "engine/mvcc/RowRecord.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace txs::mvcc {

struct Transaction;

struct Stamp
{
    std::uint64_t ts = 0;      // commit timestamp, when tx == nullptr (0 = none)
    Transaction* tx = nullptr; // the writing transaction, until commit rewrites it

    bool isNone() const { return tx == nullptr && ts == 0; }
    static Stamp none() { return {}; }
    static Stamp of(Transaction* t) { return {0, t}; }
    static Stamp at(std::uint64_t ts) { return {ts, nullptr}; }
};

struct Version
{
    std::uint64_t id;
    Stamp begin;
    Stamp end;
    RowRecord row; // null for none (a deletion leaves no version; tests make one)
    std::uint64_t beginTxId = 0; // the transaction that wrote it (kept after commit, for views)
    std::uint64_t endTxId = 0;   // the transaction that ended it, 0 while current
};

// A test-and-test-and-set lock: chains are many and their critical sections tiny, so a mutex
// per chain would cost memory without buying anything.
class SpinLock
{
public:
    void lock()
    {
        for (int spins = 0; flag_.exchange(true, std::memory_order_acquire); ++spins) {
            while (flag_.load(std::memory_order_relaxed))
                if (++spins > 64) std::this_thread::yield();
        }
    }
    void unlock() { flag_.store(false, std::memory_order_release); }

private:
    std::atomic<bool> flag_{false};
};

// A reader-writer spin lock for a table's key map: every statement looks a key up in it and
// every insert adds one, each holding it for a map operation. Measured with 16 writers on 2
// cores, std::shared_mutex spent a tenth of the run in futex wake-ups and waits for these tiny
// sections. Spins briefly, then yields (a preempted holder must get the core back).
class SharedSpinLock
{
public:
    void lock()
    {
        for (int spins = 0;; ++spins) {
            int expected = 0;
            if (state_.compare_exchange_weak(expected, -1, std::memory_order_acquire)) return;
            backOff(spins);
        }
    }
    void unlock() { state_.store(0, std::memory_order_release); }
    void lock_shared()
    {
        for (int spins = 0;; ++spins) {
            int readers = state_.load(std::memory_order_relaxed);
            if (readers >= 0 && state_.compare_exchange_weak(readers, readers + 1, std::memory_order_acquire))
                return;
            backOff(spins);
        }
    }
    void unlock_shared() { state_.fetch_sub(1, std::memory_order_release); }

private:
    static void backOff(int spins)
    {
        if (spins > 64) std::this_thread::yield();
    }
    std::atomic<int> state_{0}; // readers holding it, or -1 for the writer
};

// A table's chains live in a std::deque (Table.h), so this size is paid once a row: 72 bytes
// (a version inside, the vector's header, the lock and flag in its tail padding), where a
// std::vector cost 32 bytes here and an 80-byte malloc chunk for the one version.
struct VersionChain
{
    [[no_unique_address]] InlineVector<Version> versions; // oldest first
    SpinLock lock;
    bool gcQueued = false; // in the GC queue already (one entry per chain is enough)
};
static_assert(sizeof(Version) == 64 && sizeof(VersionChain) == 72,
              "the lock and flag sit in the versions' tail padding (docs/performance.md)");

} // namespace txs::mvcc
