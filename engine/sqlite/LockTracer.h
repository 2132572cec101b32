#pragma once
// Turns the lock calls the tracing VFS sees on one connection's main database file into trace
// events: every change of the file's lock level, every WAL shm lock taken or dropped, and every
// request that failed because another connection holds a conflicting lock (LockWait).
//
// It keeps its own copy of what the connection holds (the file's level and one level per shm
// slot), because SQLite reports calls, not states: a LOCK on a slot already held, or an xLock
// for a level already reached, changes nothing and records nothing.
//
// Order in the log: a release is recorded before the lock is really dropped and an acquire after
// it is really taken. Whoever gets a lock next can only record that after this connection's
// release, so the log never shows two connections holding conflicting locks at once.
//
// One tracer belongs to one sqlite3_file, which belongs to one connection; SQLite calls it only
// from the thread using that connection, so it needs no synchronisation of its own.

#include "engine/trace/Event.h"

#include <array>
#include <cstdint>
#include <memory>

namespace txs {
class TraceLog;
}

namespace txs::sqlite {

class LockTracer
{
public:
    static constexpr int kShmSlots = 8; // WRITE, CKPT, RECOVER, READ0..READ4 (xShmLock offsets)

    LockTracer(std::shared_ptr<TraceLog> log, std::uint32_t connection);

    // The transaction the connection's next events belong to (0 = none).
    void setTxId(std::uint64_t txId) { txId_ = txId; }

    // xLock(requested) returned rc and the file's level is now `held` (SQLITE_FCNTL_LOCKSTATE),
    // which after a failed EXCLUSIVE request is PENDING.
    void lockCalled(LockLevel requested, int rc, LockLevel held);
    // xUnlock(target) is about to be called: records the release first (see below).
    void unlocking(LockLevel target);
    // xUnlock returned and the file's level is now `held` (corrects the record if it failed).
    void unlockCalled(LockLevel held);
    // xShmLock(offset, n, LOCK|...) returned rc.
    void shmLockCalled(int offset, int n, int flags, int rc);
    // xShmLock(offset, n, UNLOCK|...) is about to be called.
    void shmUnlocking(int offset, int n);
    // The shm mapping is gone: nothing is held on it any more.
    void shmUnmapped();
    // The file is closed: closing drops every lock it had.
    void fileClosed();

    LockLevel dbLevel() const { return db_; }
    LockLevel shmLevel(int slot) const { return shm_[slot]; }

private:
    void setDbLevel(LockLevel held);
    void setShmLevel(int slot, LockLevel level);
    void emit(EventKind kind, LockResource resource, LockLevel level);

    std::shared_ptr<TraceLog> log_;
    std::uint32_t connection_;
    std::uint64_t txId_ = 0;
    LockLevel db_ = LockLevel::None;
    std::array<LockLevel, kShmSlots> shm_{};
};

// The shm slot behind an xShmLock offset, as a lock resource: WRITE=0 → ShmWrite, ...
inline LockResource shmResource(int slot)
{
    return static_cast<LockResource>(static_cast<std::int64_t>(LockResource::ShmWrite) + slot);
}

} // namespace txs::sqlite
