#include "engine/sqlite/LockTracer.h"

#include "engine/trace/TraceLog.h"

#include <sqlite3.h>

namespace txs::sqlite {

LockTracer::LockTracer(std::shared_ptr<TraceLog> log, std::uint32_t connection)
    : log_(std::move(log)), connection_(connection)
{
    shm_.fill(LockLevel::None);
}

void LockTracer::emit(EventKind kind, LockResource resource, LockLevel level)
{
    Event e;
    e.kind = kind;
    e.connection = connection_;
    e.txId = txId_;
    e.a = static_cast<std::int64_t>(resource);
    e.b = static_cast<std::int64_t>(level);
    log_->append(std::move(e));
}

void LockTracer::setDbLevel(LockLevel held)
{
    if (held == db_) return;
    const EventKind kind = held > db_ ? EventKind::LockAcquire : EventKind::LockRelease;
    db_ = held;
    emit(kind, LockResource::DbFile, held);
}

void LockTracer::lockCalled(LockLevel requested, int rc, LockLevel held)
{
    // Acquire first (PENDING is taken on the way to a refused EXCLUSIVE), then the wait for what
    // was refused: a reader of the log sees the connection at PENDING, waiting for EXCLUSIVE.
    setDbLevel(held);
    if ((rc & 0xff) == SQLITE_BUSY) emit(EventKind::LockWait, LockResource::DbFile, requested);
}

void LockTracer::unlocking(LockLevel target)
{
    if (target < db_) setDbLevel(target);
}

void LockTracer::unlockCalled(LockLevel held)
{
    setDbLevel(held);
}

void LockTracer::setShmLevel(int slot, LockLevel level)
{
    if (shm_[slot] == level) return;
    const EventKind kind = level > shm_[slot] ? EventKind::LockAcquire : EventKind::LockRelease;
    shm_[slot] = level;
    emit(kind, shmResource(slot), level);
}

void LockTracer::shmLockCalled(int offset, int n, int flags, int rc)
{
    if (offset < 0 || n < 1 || offset + n > kShmSlots) return;
    const bool exclusive = (flags & SQLITE_SHM_EXCLUSIVE) != 0;
    const LockLevel wanted = exclusive ? LockLevel::Exclusive : LockLevel::Shared;
    if (flags & SQLITE_SHM_UNLOCK) return; // recorded by shmUnlocking
    for (int slot = offset; slot < offset + n; ++slot) {
        if (rc == SQLITE_OK) {
            setShmLevel(slot, wanted);
        } else if ((rc & 0xff) == SQLITE_BUSY) {
            // n > 1 only for exclusive locks, which SQLite takes all or none of: the request
            // waits for every slot of the range.
            emit(EventKind::LockWait, shmResource(slot), wanted);
        }
    }
}

void LockTracer::shmUnlocking(int offset, int n)
{
    if (offset < 0 || n < 1 || offset + n > kShmSlots) return;
    for (int slot = offset; slot < offset + n; ++slot)
        setShmLevel(slot, LockLevel::None);
}

void LockTracer::shmUnmapped()
{
    for (int slot = 0; slot < kShmSlots; ++slot)
        setShmLevel(slot, LockLevel::None);
}

void LockTracer::fileClosed()
{
    shmUnmapped();
    setDbLevel(LockLevel::None);
}

} // namespace txs::sqlite
