#pragma once
// A run's counts (CountingRule), exact however many events the log's window drops: every event
// of the log is applied once, in seq order, as it is read. The log hands over the events it is
// about to drop (TraceLog::setCatchUp), and totals() reads the rest, so nothing is read twice
// and nothing is re-read at the end. Memory: the rule's open transactions, not the run's.
//
// Thread-safe: writers of the log (through the catch-up) and readers of the totals may call at
// once. One feed per log (the log has one catch-up slot).

#include "engine/trace/CountingRule.h"
#include "engine/trace/TraceLog.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace txs {

class MetricsFeed
{
public:
    explicit MetricsFeed(std::shared_ptr<TraceLog> log);
    ~MetricsFeed();
    MetricsFeed(const MetricsFeed&) = delete;
    MetricsFeed& operator=(const MetricsFeed&) = delete;

    // Counts over every event published so far (the latest error included, see
    // CountingRule::pending).
    MetricsAt totals();
    // Events it missed because they were dropped before it read them: 0 unless the log was
    // written before the feed existed.
    std::uint64_t missed() const;

private:
    // Shared with the log's catch-up, so a writer that took the catch-up just before the feed
    // went away still finds it alive. It points at the log without owning it: the log owns it.
    struct State
    {
        const TraceLog* log = nullptr;
        std::mutex mutex; // guards everything below
        std::uint64_t next = 0;
        std::uint64_t missed = 0;
        CountingRule rule;
        MetricsAt settled;
        std::vector<Tally> tallies;
        std::uint64_t pull(); // under mutex; returns the next seq to read
    };

    std::shared_ptr<TraceLog> log_;
    std::shared_ptr<State> state_;
};

} // namespace txs
