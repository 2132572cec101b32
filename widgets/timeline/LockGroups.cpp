#include "widgets/timeline/LockGroups.h"

#include <algorithm>
#include <array>

namespace txs::timeline {

namespace {

using R = LockResource;
constexpr std::array<R, 1> kDb = {R::DbFile};
constexpr std::array<R, 3> kWal = {R::ShmWrite, R::ShmCheckpoint, R::ShmRecover};
constexpr std::array<R, 5> kRead = {static_cast<R>(4), static_cast<R>(5), static_cast<R>(6),
                                    static_cast<R>(7), static_cast<R>(8)};
constexpr std::array<R, 2> kMvcc = {R::MvccExclusive, R::MvccCommit};

int slotOf(Track track, LockResource resource)
{
    const auto list = resourcesOf(track);
    for (std::size_t i = 0; i < list.size(); ++i)
        if (list[i] == resource) return static_cast<int>(i);
    return -1;
}

} // namespace

Track lockTrackOf(LockResource resource)
{
    const auto r = static_cast<std::int64_t>(resource);
    if (resource == R::DbFile) return Track::LockDb;
    if (resource == R::ShmWrite || resource == R::ShmCheckpoint || resource == R::ShmRecover)
        return Track::LockWal;
    if (r >= 4 && r <= 8) return Track::LockRead;
    if (resource == R::MvccExclusive || resource == R::MvccCommit) return Track::LockMvcc;
    return Track::Transaction;
}

std::span<const LockResource> resourcesOf(Track lockTrack)
{
    switch (lockTrack) {
    case Track::LockDb:
        return kDb;
    case Track::LockWal:
        return kWal;
    case Track::LockRead:
        return kRead;
    case Track::LockMvcc:
        return kMvcc;
    default:
        return {};
    }
}

std::int64_t packLevel(std::int64_t packed, Track lockTrack, LockResource resource, LockLevel level)
{
    const int slot = slotOf(lockTrack, resource);
    if (slot < 0) return packed;
    const int shift = slot * 3;
    const auto value = static_cast<std::int64_t>(level) & 7;
    return (packed & ~(std::int64_t{7} << shift)) | (value << shift);
}

LockLevel unpackLevel(std::int64_t packed, Track lockTrack, LockResource resource)
{
    const int slot = slotOf(lockTrack, resource);
    if (slot < 0) return LockLevel::None;
    return static_cast<LockLevel>((packed >> (slot * 3)) & 7);
}

SpanState lockStateOf(std::int64_t packed, Track lockTrack)
{
    std::int64_t strongest = 0;
    for (auto resource : resourcesOf(lockTrack))
        strongest = std::max(strongest, static_cast<std::int64_t>(unpackLevel(packed, lockTrack, resource)));
    switch (static_cast<LockLevel>(strongest)) {
    case LockLevel::Reserved:
        return SpanState::LockReserved;
    case LockLevel::Pending:
        return SpanState::LockPending;
    case LockLevel::Exclusive:
        return SpanState::LockExclusive;
    default:
        return SpanState::LockShared;
    }
}

std::string describeLocks(std::int64_t packed, Track lockTrack)
{
    std::string out;
    for (auto resource : resourcesOf(lockTrack)) {
        const auto level = unpackLevel(packed, lockTrack, resource);
        if (level == LockLevel::None) continue;
        if (!out.empty()) out += ", ";
        if (lockTrack != Track::LockDb) {
            out += lockResourceName(resource);
            out += ' ';
        }
        out += lockLevelName(level);
    }
    return out.empty() ? std::string("NONE") : out;
}

const char* lockTrackName(Track lockTrack)
{
    switch (lockTrack) {
    case Track::LockDb:
        return "db";
    case Track::LockWal:
        return "WAL";
    case Track::LockRead:
        return "READ";
    case Track::LockMvcc:
        return "MVCC";
    default:
        return "";
    }
}

} // namespace txs::timeline
