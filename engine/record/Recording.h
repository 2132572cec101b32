#pragma once
// A recording of unmodified programs turned into an ordinary session (engine/trace/SessionFile):
// the probe's records of every process, merged on their one clock (CLOCK_MONOTONIC), become the
// typed events every projection, the explainer and the workbench already read.
//
// Lanes (the session's connections):
// - tier 2 (the program uses the shared libsqlite3): one lane per connection (pid, sqlite3*);
// - tier 1 only (static SQLite, or lock calls outside any sqlite3_* call): one lane per process
//   and database file.
// POSIX locks belong to the process, so a process's lock state is one per database file; a
// change is drawn on the lane whose call made it (the connection inside whose sqlite3_* call the
// thread was). When another lane of the same process changes it, the previous lane's hold is
// released first, so two lanes of one process never show conflicting holds (a process with
// several connections to one file shows which of them last moved the process's lock).
//
// Statements, transactions and errors come from tier 2 only: a SQLITE_BUSY is known from the
// result of sqlite3_step/exec, never guessed from a refused lock. Each one is explained by the
// same explainer as a run (explainError over an ExplainContext fed the merged events), and the
// Explanation event follows its StatementEnd as in a run.
//
// Typed facts for the workbench: a ProcessStart event per process (pid, parent, command), each
// lane's ConnectionOpen names its process (a) and whether it is a connection (b = 2) or the
// process's descriptors (b = 1); the WAL gauges sampled while it ran become WalGauge events.

#include "engine/record/ProbeFile.h"
#include "engine/record/WalGauges.h"
#include "engine/trace/SessionFile.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace txs::record {

struct RecordedProcess
{
    int pid = 0;
    int parentPid = 0;
    std::string command;       // its command line as /proc/PID/cmdline gave it
    std::uint64_t dropped = 0; // records it could not write (counted by the probe) or lost (seq gaps)
};

struct RecordingOptions
{
    std::string command;  // what was recorded, for the session's header
    std::string onlyGlob; // keep only databases whose path or file name matches (fnmatch); "" = all
    std::vector<WalSample> walSamples; // the WAL gauges sampled while it ran (WalSampler)
    std::optional<int> exitStatus;     // the command's, once it ended: a RunEnd event (detail 1) says it
};

struct Recording
{
    Session session;
    std::vector<RecordedProcess> processes; // those that touched a SQLite file, by first record
    std::uint64_t connections = 0;          // lanes
    std::uint64_t lockEvents = 0;           // LockAcquire, LockRelease and LockWait events
    std::uint64_t droppedEvents = 0;        // every process's dropped records + invalid + torn
    std::uint64_t busy = 0, busySnapshot = 0, otherErrors = 0;
    bool tier2 = false;                    // some process's sqlite3_* calls were seen
    std::vector<std::string> walDatabases; // databases seen with a -wal or -shm file (to sample)
};

Recording buildRecording(const ProbeFiles& files, const RecordingOptions& options);

} // namespace txs::record
