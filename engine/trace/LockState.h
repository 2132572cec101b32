#pragma once
// Who holds which lock, and who waits for whom, at an instant: a projection of the trace log.
//
// Fed events in seq order (a consistent prefix of the log), it keeps per connection:
// - the database file's lock level (SQLite's NONE..EXCLUSIVE, PENDING included);
// - each WAL shm slot it holds (WRITE, CKPT, RECOVER, READ0..4) as SHARED or EXCLUSIVE;
// - the MVCC engine's exclusive slot and commit lock;
// - what it waits for: the resource and level of its latest LockWait.
//
// A wait lasts until the connection gets what it wanted, acquires anything else (SQLite probes
// some shm slots and moves on to another when one is busy), waits for something else, ends the
// statement, or closes. Releases do not end a wait: a WAL writer retrying for WRITE drops its
// read lock between attempts and is still waiting. A TxCommit that carries the MVCC commit
// lock's hold (CommitHold.h) is its LockAcquire and LockRelease: applied in seq order, both at
// once; by time (lockStateAt, LockProjection), each at its own time. The connections a waiter waits for are
// those holding a conflicting lock on the resource at the same instant.

#include "engine/trace/Event.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace txs {

struct LockWaitState
{
    LockResource resource = LockResource::DbFile;
    LockLevel wanted = LockLevel::None;
    std::int64_t sinceNs = 0; // time of the first LockWait of this wait
};

struct ConnectionLocks
{
    static constexpr int kShmSlots = 8; // LockResource::ShmWrite .. ShmRead0 + 4

    LockLevel dbFile = LockLevel::None;
    std::array<LockLevel, kShmSlots> shm{}; // index: resource - ShmWrite
    LockLevel mvccExclusive = LockLevel::None;
    LockLevel mvccCommit = LockLevel::None;
    std::optional<LockWaitState> waiting;

    LockLevel level(LockResource resource) const;
    void setLevel(LockResource resource, LockLevel level);
    bool holdsAny() const;
};

// One "waits for" edge: `waiter` wants `wanted` on `resource`, which `holder` holds at `held`.
struct WaitEdge
{
    std::uint32_t waiter = 0;
    std::uint32_t holder = 0;
    LockResource resource = LockResource::DbFile;
    LockLevel wanted = LockLevel::None;
    LockLevel held = LockLevel::None;
    bool operator==(const WaitEdge&) const = default;
};

// Whether a lock held at `held` by one connection keeps another from getting `wanted`.
// Database file (SQLite's rules): SHARED is refused by PENDING and EXCLUSIVE; RESERVED by
// RESERVED and above; PENDING and EXCLUSIVE by any lock. Everything else (shm slots, MVCC locks)
// is a reader-writer lock: EXCLUSIVE conflicts with any holder, SHARED with EXCLUSIVE.
bool locksConflict(LockResource resource, LockLevel held, LockLevel wanted);

class LockState
{
public:
    // Applies one event; events must come in seq order. Events that are not about locks, or not
    // about a connection (connection 0 with no lock event), change nothing.
    void apply(const Event& event);

    // Connections that hold a lock or wait, by id. Connections that closed, or hold and wait for
    // nothing, are absent.
    const std::map<std::uint32_t, ConnectionLocks>& connections() const { return connections_; }
    // The state of one connection (all NONE when unknown).
    ConnectionLocks connection(std::uint32_t id) const;
    LockLevel level(std::uint32_t id, LockResource resource) const { return connection(id).level(resource); }

    // Connections holding `resource` (at any level above NONE), by id.
    std::vector<std::pair<std::uint32_t, LockLevel>> holders(LockResource resource) const;
    // The connections `waiter` waits for right now (none when it does not wait).
    std::vector<WaitEdge> blockersOf(std::uint32_t waiter) const;
    // Every waits-for edge, by waiter then holder.
    std::vector<WaitEdge> waitsFor() const;

    std::int64_t timeNs() const { return timeNs_; }    // time of the last event applied
    std::uint64_t nextSeq() const { return nextSeq_; } // seq after the last event applied

private:
    void prune(std::uint32_t id);

    std::map<std::uint32_t, ConnectionLocks> connections_;
    std::int64_t timeNs_ = 0;
    std::uint64_t nextSeq_ = 0;
};

// The lock state after every event of `events` (seq order) whose time is at or before `timeNs`.
// Filtering by time rather than stopping at the first later event keeps each connection's own
// events in order even where threads' clocks interleave slightly out of seq order.
LockState lockStateAt(const std::vector<Event>& events, std::int64_t timeNs);

} // namespace txs
