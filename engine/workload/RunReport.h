#pragma once
// What a run produced: each statement's outcome as it happens, and the summary at the end.
// The CLI prints these; the GUI shows them; `--json` serializes RunSummary.

#include "engine/api/Isolation.h"
#include "engine/api/JournalMode.h"
#include "engine/api/Result.h"
#include "engine/explain/CauseProjection.h"
#include "engine/workload/Expectation.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace txs {

enum class RunPhase { NotStarted, Setup, Steps, Workers, Check, Done };
const char* runPhaseName(RunPhase phase);

// One executed statement of setup, steps or check, or a worker statement that failed or
// carries an expectation (worker statements that just succeed are counted, not reported).
struct StatementOutcome
{
    RunPhase phase = RunPhase::Setup;
    int line = 0;
    std::string connection; // "setup", "T1", "writer-3", "check"
    std::string sql;        // after $worker/$iter substitution; "sleep 200ms" for sleeps
    Result result;
    bool blocked = false;                // step mode: waited for a lock, `result` is the final outcome
    int busyHandlerCalls = 0;            // step mode: calls of the (virtual) busy handler, the last included
    std::int64_t virtualWaitMs = 0;      // step mode: what they slept, in virtual time
    std::int64_t startNs = 0, endNs = 0; // on the trace log's clock
    std::optional<Expectation> expect;
    bool passed = true;      // expectation held (true when there is none)
    std::string actual;      // the outcome in expectation syntax
    std::string explanation; // for errors: why it happened (may be empty)
    std::string fix;         // ... and how to fix it (its rule's fix; empty when unexplained)
};

// Step mode: a statement is waiting for a lock and will be tried again after later steps.
struct BlockedNotice
{
    int line = 0;
    std::string connection;
    std::string sql;
    int attempts = 0;               // tries so far
    std::int64_t virtualWaitMs = 0; // busy-handler time it has waited, in virtual time
};

struct ExpectationFailure
{
    int line = 0;
    std::string expected;
    std::string actual;
    std::string connection;
};

// Where the run's database lives: a fresh file in a temporary folder (removed after the run),
// the file given with --db, or memory (--db :memory:).
enum class DatabasePlace { TemporaryFile, File, Memory };

struct RunSummary
{
    std::string file;
    JournalMode journalMode = JournalMode::Mvcc;
    Isolation isolation = Isolation::Snapshot; // of MVCC transactions (the header or --isolation)
    DatabasePlace database = DatabasePlace::TemporaryFile;
    std::string databasePath; // as opened (":memory:" for memory); set by Runner::open
    double wallMs = 0;

    std::uint64_t committed = 0;  // COMMITs that succeeded, plus autocommit writes
    std::uint64_t rolledBack = 0; // ROLLBACKs (the user's and the retry loop's)
    std::uint64_t retries = 0;    // worker bodies restarted after a retryable error

    std::uint64_t conflicts = 0, busy = 0, busySnapshot = 0, otherErrors = 0;

    double throughputTps = 0; // committed per second of the workers phase (whole run without workers)
    double latencyP50Ms = 0, latencyP99Ms = 0; // worker transaction latency, retries included

    int expectationsPassed = 0, expectationsFailed = 0;
    std::vector<ExpectationFailure> failures; // the first 100

    int workersFailed = 0;                 // workers ended by a non-retryable error or retries exhausted
    std::vector<std::string> workerErrors; // "writer-3 (line 12): <error>", the first 100
    // Statements without an expectation whose error means the workload could not do what it
    // says: a syntax error, a read-only, corrupt or unwritable database (outside workers,
    // whose errors fail the worker); and a run in which every statement failed with
    // SQLITE_BUSY or SQLITE_READONLY while the workload expects nothing (a locked file).
    int statementsFailed = 0;
    std::vector<std::string> statementErrors; // "T1 (line 4): <error>", the first 100
    std::uint64_t events = 0;                 // trace events recorded (exact, dropped ones included)
    std::uint64_t eventsDropped = 0;          // the oldest events the trace log let go to stay in its limits
    // Every error counted above (conflicts + busy + busySnapshot + otherErrors), grouped into
    // causes, most frequent first; and the names of the connections they involve.
    std::vector<Cause> causes;
    std::map<std::uint32_t, std::string> causeConnectionNames;

    bool ok() const { return expectationsFailed == 0 && workersFailed == 0 && statementsFailed == 0; }
};

} // namespace txs
