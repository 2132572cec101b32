#pragma once
// Which lock row shows which resource, and how a row's state packs into Span::detail.
// A row groups resources a connection may hold together (WAL WRITE with CKPT; READ slots; the
// MVCC exclusive slot with the commit lock) so the number of rows stays small.

#include "engine/trace/Event.h"
#include "widgets/timeline/TimelineTypes.h"

#include <cstdint>
#include <span>
#include <string>

namespace txs::timeline {

// The lock track of a resource, or Track::Transaction for a resource the timeline does not know.
Track lockTrackOf(LockResource resource);
// The resources of a lock track, in packing order.
std::span<const LockResource> resourcesOf(Track lockTrack);

// Levels of a track's resources packed 3 bits each, in resourcesOf() order; 0 = nothing held.
std::int64_t packLevel(std::int64_t packed, Track lockTrack, LockResource resource, LockLevel level);
LockLevel unpackLevel(std::int64_t packed, Track lockTrack, LockResource resource);
// The colour of a packed row state: its strongest level.
SpanState lockStateOf(std::int64_t packed, Track lockTrack);
// "RESERVED" for the db row; "WRITE EXCLUSIVE, CKPT EXCLUSIVE"; "READ1 SHARED"; "mvcc-commit SHARED".
std::string describeLocks(std::int64_t packed, Track lockTrack);
// Short row name for labels: "db", "WAL", "READ", "MVCC".
const char* lockTrackName(Track lockTrack);

// A wait's resource and wanted level in one integer (Span::detail of Track::Wait).
inline std::int64_t packWait(std::int64_t resource, std::int64_t level)
{
    return resource * 8 + level;
}
inline LockResource waitResource(std::int64_t packed)
{
    return static_cast<LockResource>(packed / 8);
}
inline LockLevel waitLevel(std::int64_t packed)
{
    return static_cast<LockLevel>(packed % 8);
}

} // namespace txs::timeline
