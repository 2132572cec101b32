#pragma once
// Time helpers shared by the projections of the trace log.
//
// Every projection answers "at instant t" questions: a fact counts at t when the event that
// established it has timeNs <= t. Facts that have not happened yet carry kNever.
//
// The stores below get an entry per record or per event (millions over a long run) and are
// filled on the window's thread: they are ChunkedVectors, so an append never moves the entries
// already held (a std::vector's doubling copied them all inside one drain slice).

#include "engine/trace/ChunkedVector.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace txs {

inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

// Times of one kind of event, kept sorted so "how many by t" is a binary search. Events arrive
// in seq order, whose times are nearly sorted (threads stamp their own events), so an insert
// lands at or near the back.
class SortedTimes
{
public:
    void add(std::int64_t timeNs)
    {
        // Inserted after every time <= timeNs, moving the later ones up by one (a few at most).
        times_.push_back(timeNs);
        std::size_t i = times_.size() - 1;
        for (; i > 0 && times_[i - 1] > timeNs; --i)
            times_[i] = times_[i - 1];
        times_[i] = timeNs;
    }
    // Number of times <= t.
    std::size_t countAt(std::int64_t t) const
    {
        return static_cast<std::size_t>(std::upper_bound(times_.begin(), times_.end(), t) - times_.begin());
    }
    // Number of times in (from, to].
    std::size_t countBetween(std::int64_t from, std::int64_t to) const
    {
        return to <= from ? 0 : countAt(to) - countAt(from);
    }
    std::size_t size() const { return times_.size(); }
    const ChunkedVector<std::int64_t>& times() const { return times_; }

private:
    ChunkedVector<std::int64_t> times_;
};

// Records appended in seq order, each with the time it starts to exist. "Which records exist
// at t" is answered as a prefix: the records before the first whose running maximum start
// time exceeds t. That is exact while times follow seq order (the log stamps them in order)
// and, should threads stamp slightly out of order, only hides a record until its neighbours
// have started too, never shows one early.
class PrefixByTime
{
public:
    void add(std::int64_t startNs) { runningMax_.push_back(std::max(startNs, max())); }
    std::size_t countAt(std::int64_t t) const
    {
        return static_cast<std::size_t>(std::upper_bound(runningMax_.begin(), runningMax_.end(), t) -
                                        runningMax_.begin());
    }
    std::size_t size() const { return runningMax_.size(); }

private:
    std::int64_t max() const
    {
        return runningMax_.empty() ? std::numeric_limits<std::int64_t>::min() : runningMax_.back();
    }
    ChunkedVector<std::int64_t> runningMax_;
};

// Indices of records changed by events, in order, so a consumer that keeps a cursor learns
// which records to refresh after a batch without rescanning them all.
class TouchLog
{
public:
    // Not deduplicated: a consumer whose cursor sits between two touches of one record must
    // still see the second.
    void touch(std::size_t index) { touched_.push_back(static_cast<std::uint32_t>(index)); }
    std::size_t end() const { return touched_.size(); }
    // Indices touched since `cursor` (a previous end()).
    template <class F> void forEachSince(std::size_t cursor, F&& f) const
    {
        for (std::size_t i = cursor; i < touched_.size(); ++i)
            f(static_cast<std::size_t>(touched_[i]));
    }

private:
    ChunkedVector<std::uint32_t> touched_;
};

} // namespace txs
