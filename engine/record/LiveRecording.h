#pragma once
// A recording followed while the program runs (the workbench's live recording; the command
// line's record samples its gauges with it too). Each poll() decodes only the whole records
// written since the last one (ProbeTail) and samples the WAL gauges of the databases seen so
// far; build() turns everything read so far into a Recording, as buildRecording() does at the
// end.
//
// A log is append-only, but a recording is merged from many processes' files on one clock: a
// record read late can belong before events already shown (a statement's begin is written when
// it ends; another process's file is read after). eventDelta() says whether the new build only
// adds events after those already delivered (append them), or changed an earlier one (replace
// the log).

#include "engine/record/Recording.h"
#include "engine/record/WalGauges.h"

#include <cstdint>
#include <string>
#include <vector>

namespace txs::record {

class LiveRecording
{
public:
    LiveRecording(std::string directory, RecordingOptions options);

    // Reads what was written since the last poll and samples the gauges at `nowNs`
    // (CLOCK_MONOTONIC); true when anything new came.
    bool poll(std::int64_t nowNs);
    // The recording of everything read so far.
    Recording build() const;
    // The final read once every process is gone: a part of a record left at a file's end is
    // torn now; then build().
    Recording finish(std::int64_t nowNs, int exitStatus);

    const ProbeFiles& files() const { return files_; }
    const std::vector<WalSample>& walSamples() const { return sampler_.all(); }

private:
    void learnDatabases(std::size_t fromRecord);

    ProbeTail tail_;
    RecordingOptions options_;
    ProbeFiles files_;
    WalSampler sampler_;
};

// CLOCK_MONOTONIC now, the probe's clock.
std::int64_t monotonicNowNs();

struct EventDelta
{
    bool replace = false; // an event already delivered changed: start the log over with `next`
    std::size_t from = 0; // otherwise: append next[from...]
};
// Compares the events delivered so far with a new build (every field but seq).
EventDelta eventDelta(const std::vector<Event>& delivered, const std::vector<Event>& next);

} // namespace txs::record
