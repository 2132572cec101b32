#pragma once
// Row versions and their chains.
//
// A version's begin and end are each either a commit timestamp or the transaction that is
// writing it (Hekaton's "TxID" form). end == none means "still current" (infinity). A chain
// holds every version of one key, oldest first; it is guarded by its own small lock, which
// is held only for a few loads and stores, never across a callback or a wait.

#include "engine/api/Value.h"

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

using RowPtr = std::shared_ptr<const Row>;

struct Version
{
    std::uint64_t id;
    Stamp begin;
    Stamp end;
    RowPtr row;
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

struct VersionChain
{
    SpinLock lock;
    std::vector<Version> versions; // oldest first
    bool gcQueued = false;         // in the GC queue already (one entry per chain is enough)
};

} // namespace txs::mvcc
