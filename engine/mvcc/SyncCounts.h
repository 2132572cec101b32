#pragma once
// What the group commit of an MVCC log did (LogFile::syncTo), counted once per sync, never per
// commit: how many frames each sync covered, how long the fdatasyncs took, how long leaders waited
// for committers in flight (and how often that wait ran to its bound), and the time between one
// sync's return and the next one's start (no sync in flight: the disk idle while commits gather).
// For benchmarks and profiles; nothing decides anything from these.

#include <cstdint>

namespace txs::mvcc {

struct SyncCounts
{
    std::uint64_t syncs = 0;
    std::uint64_t frames = 0;   // frames appended to be synced that the syncs covered
    std::uint64_t syncNs = 0;   // inside fdatasync
    std::uint64_t waitNs = 0;   // leaders' bounded waits for committers in flight
    std::uint64_t waits = 0;    // syncs whose leader waited
    std::uint64_t timeouts = 0; // waits that ran to their bound
    std::uint64_t gapNs = 0;    // from a sync's return to the next one's start
    std::uint64_t queued = 0;   // not a count: committers queued for a sync right now (tests)
};

} // namespace txs::mvcc
