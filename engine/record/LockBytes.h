#pragma once
// SQLite's POSIX lock bytes as another process sees them (unix VFS, os_unix.c), decoded into
// SQLite's own locks. Used by the recorder (fcntl calls caught by the probe) and by
// `txscope-cli locks` (/proc/locks): both see byte ranges, never SQLite's lock levels.
//
// Database file: PENDING byte 0x40000000, RESERVED the next, SHARED the 510 bytes after that.
// SQLite's moves, as byte ranges:
//   NONE→SHARED       read PENDING, read SHARED range, unlock PENDING
//   SHARED→RESERVED   write RESERVED
//   →EXCLUSIVE        write PENDING (the level is PENDING while this holds), write SHARED range
//   →SHARED           read SHARED range, unlock PENDING+RESERVED (2 bytes)
//   →NONE             unlock the whole file (start 0, length 0)
// `-shm`: one byte per WAL lock at 120 + slot (WRITE 0, CKPT 1, RECOVER 2, READ0..4 3..7), read
// = SHARED, write = EXCLUSIVE; byte 128 is the dead-man switch (every process with the index open
// holds it read), which is no lock a connection waits for.

#include "engine/trace/Event.h"

#include <array>
#include <cstdint>
#include <optional>

namespace txs::record {

constexpr std::int64_t kPendingByte = 0x40000000;
constexpr std::int64_t kReservedByte = kPendingByte + 1;
constexpr std::int64_t kSharedFirst = kPendingByte + 2;
constexpr std::int64_t kSharedSize = 510;
constexpr std::int64_t kShmLockBase = 120;
constexpr int kShmSlots = 8;
constexpr std::int64_t kShmDms = kShmLockBase + kShmSlots; // 128

// A POSIX lock type as the probe reports it (F_RDLCK, F_WRLCK, F_UNLCK have different values on
// different systems; the recorder's files carry these instead).
enum class ByteLock : std::uint8_t { None = 0, Read = 1, Write = 2 };

// A byte range as fcntl takes it, already made absolute: `length` 0 means "to the end of the
// file, however far it grows".
struct ByteRange
{
    std::int64_t start = 0;
    std::int64_t length = 0;
    bool covers(std::int64_t byte) const;
    bool overlaps(std::int64_t first, std::int64_t count) const;
};

// What one process holds on one database file: its three lock cells. POSIX locks belong to the
// process, so this is the process's state, shared by all its connections to the file.
class DbFileLocks
{
public:
    // A granted F_SETLK/F_SETLKW (or F_UNLCK) on `range`.
    void apply(ByteLock type, ByteRange range);
    // SQLite's level from the cells; a lone read lock on PENDING (the instant between the two
    // steps of getting SHARED) is not yet a level and reads as NONE.
    LockLevel level() const;
    void clear() { *this = {}; } // a close() of any descriptor on the file drops every lock
    ByteLock pending() const { return pending_; }
    ByteLock reserved() const { return reserved_; }
    ByteLock shared() const { return shared_; }

private:
    ByteLock pending_ = ByteLock::None, reserved_ = ByteLock::None, shared_ = ByteLock::None;
};

// The level a refused request on a database file was a step towards: a read lock on PENDING or
// on the SHARED range is the way to SHARED, a write lock on RESERVED to RESERVED, a write lock on
// PENDING or the SHARED range to EXCLUSIVE. nullopt when the range is none of SQLite's bytes.
std::optional<LockLevel> wantedDbLevel(ByteLock type, ByteRange range);

// The WAL lock slots one `-shm` request touches (SQLite locks several at once only exclusively,
// e.g. READ1..4 during recovery), as a bit set: bit i = slot i. 0 when it touches none.
unsigned shmSlotsOf(ByteRange range);

// What one process holds on one `-shm` file, per slot.
class ShmLocks
{
public:
    void apply(ByteLock type, ByteRange range);
    ByteLock slot(int i) const { return slots_[static_cast<std::size_t>(i)]; }
    void clear() { slots_ = {}; }

private:
    std::array<ByteLock, kShmSlots> slots_{};
};

// The lock resource and level of a held or wanted shm slot, as the trace log names them.
LockResource shmSlotResource(int slot);
LockLevel shmLevel(ByteLock type);

} // namespace txs::record
