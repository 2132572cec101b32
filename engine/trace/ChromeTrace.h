#pragma once
// The trace log as Chrome Trace Event JSON, which Perfetto (ui.perfetto.dev) and chrome://tracing
// open: `txscope-cli run --trace OUT.json`.
//
// Projection (process 1, "TxScope"):
// - a track per connection (tid = connection id, named by its ConnectionOpen; 0 is "engine")
//   with its transactions as spans ("tx 12 concurrent"; args mode, outcome committed /
//   rolled back / doomed / unfinished, timestamps, rollback reason) and its statements nested
//   inside (name: the SQL shortened; args: full SQL, result code, rows changed, error message);
// - instants on that track for errors (Busy, Conflict, a failed statement), TxDoomed, TxRetry,
//   busy-handler calls, explanations, notes and checkpoints, each with its text in args; a failed
//   statement's error carries its explanation in args (why, fix, rule), and an explanation that
//   follows no error (a statement still blocked) is an instant of its own;
// - under it, a "<name> locks" track (tid = kLockTrackTidBase + connection id) with one span per
//   lock level held on a resource ("db SHARED", then "db RESERVED"...) and instants for waits.
//   Holds on different resources that overlap without nesting go to further lanes
//   "<name> locks (2)"... (tid = lane * kLockTrackTidBase + connection id).
//
// Streamed: ChromeTraceWriter writes each item as soon as nothing before it on its track can
// still come (see the Projection in ChromeTrace.cpp), so exporting a run of any length takes
// memory for one transaction per connection, not for the whole run. Tracks are in file order on
// each track (what viewers need); items of different tracks interleave.
//
// Transactions, statements, waits (lock waits, busy-handler sleeps, blocked statements: category
// "wait", on the connection's track) and lock holds are the spans of SpanProjection, the same
// the timeline and the explainer use: a transaction span covers the statements that begin and
// end it (BEGIN ... COMMIT), so that the track nests; the engine's exact begin and end times are
// in args begin_ns and end_ns. Spans still open at the end, or across dropped events (gap()),
// are closed at the last event's time, with outcome or result "unfinished".

#include "engine/trace/Event.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace txs {

constexpr std::int64_t kLockTrackTidBase = 1000000;

// Turns events, given in seq order, into Chrome Trace JSON text handed to `sink` piece by piece.
class ChromeTraceWriter
{
public:
    explicit ChromeTraceWriter(std::function<void(std::string_view)> sink);
    ~ChromeTraceWriter();
    ChromeTraceWriter(const ChromeTraceWriter&) = delete;
    ChromeTraceWriter& operator=(const ChromeTraceWriter&) = delete;

    void add(const Event& event);
    // `dropped` events are missing before the next one (the trace log let them go): a note says so.
    void gap(std::uint64_t dropped);
    // Closes what is still open at the last event's time, names the tracks, ends the JSON.
    void finish();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

std::string toChromeTrace(const std::vector<Event>& events);

// Writes toChromeTrace(events) to `path` (through a temporary file renamed into place, so a failed
// write leaves no half file). Returns an empty string, or what went wrong.
std::string writeChromeTrace(const std::vector<Event>& events, const std::string& path);

} // namespace txs
