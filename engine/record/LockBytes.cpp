#include "engine/record/LockBytes.h"

namespace txs::record {

bool ByteRange::covers(std::int64_t byte) const
{
    return byte >= start && (length == 0 || byte - start < length);
}

bool ByteRange::overlaps(std::int64_t first, std::int64_t count) const
{
    // [start, start+length) ∩ [first, first+count) is not empty; length 0 runs to the end.
    if (length != 0 && start >= first + count) return false;
    if (length != 0 && start + length <= first) return false;
    return start < first + count;
}

namespace {

void set(ByteLock& cell, ByteLock type, const ByteRange& range, std::int64_t first, std::int64_t count)
{
    if (range.overlaps(first, count)) cell = type;
}

} // namespace

void DbFileLocks::apply(ByteLock type, ByteRange range)
{
    set(pending_, type, range, kPendingByte, 1);
    set(reserved_, type, range, kReservedByte, 1);
    // SQLite locks the SHARED range whole; a part of it (another program's, or Windows-style
    // random bytes) still counts as the process reading.
    set(shared_, type, range, kSharedFirst, kSharedSize);
}

LockLevel DbFileLocks::level() const
{
    if (shared_ == ByteLock::Write) return LockLevel::Exclusive;
    if (pending_ == ByteLock::Write) return LockLevel::Pending;
    if (reserved_ == ByteLock::Write) return LockLevel::Reserved;
    if (shared_ == ByteLock::Read) return LockLevel::Shared;
    return LockLevel::None;
}

std::optional<LockLevel> wantedDbLevel(ByteLock type, ByteRange range)
{
    if (type == ByteLock::None) return std::nullopt;
    const bool write = type == ByteLock::Write;
    if (range.overlaps(kSharedFirst, kSharedSize) && !range.covers(kPendingByte))
        return write ? LockLevel::Exclusive : LockLevel::Shared;
    if (range.covers(kPendingByte)) return write ? LockLevel::Exclusive : LockLevel::Shared;
    if (range.covers(kReservedByte)) return write ? LockLevel::Reserved : LockLevel::Shared;
    return std::nullopt;
}

unsigned shmSlotsOf(ByteRange range)
{
    unsigned bits = 0;
    for (int i = 0; i < kShmSlots; ++i)
        if (range.covers(kShmLockBase + i)) bits |= 1u << i;
    return bits;
}

void ShmLocks::apply(ByteLock type, ByteRange range)
{
    const unsigned bits = shmSlotsOf(range);
    for (int i = 0; i < kShmSlots; ++i)
        if (bits & (1u << i)) slots_[static_cast<std::size_t>(i)] = type;
}

LockResource shmSlotResource(int slot)
{
    return static_cast<LockResource>(static_cast<std::int64_t>(LockResource::ShmWrite) + slot);
}

LockLevel shmLevel(ByteLock type)
{
    switch (type) {
    case ByteLock::Read:
        return LockLevel::Shared;
    case ByteLock::Write:
        return LockLevel::Exclusive;
    case ByteLock::None:
        break;
    }
    return LockLevel::None;
}

} // namespace txs::record
