#pragma once
// Real runs recorded for the timeline tests: parse a .txs, run it with a Runner into a TraceLog
// and take the snapshot. Header-only: tests/widgets/ builds one executable per tst_*.cpp.

#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

#include <QtGlobal>
#include <chrono>
#include <memory>
#include <vector>

namespace txs::testing {

struct RecordedRun
{
    std::vector<Event> events;
    RunSummary summary;
};

inline RecordedRun recordRun(const char* text, std::chrono::microseconds statementDelay = {})
{
    auto parsed = parseWorkload(text, "timeline-test.txs");
    if (!parsed.ok()) qFatal("%s", parsed.error().text().c_str());
    RunOptions options;
    options.trace = std::make_shared<TraceLog>();
    Runner runner(parsed.workload(), options);
    runner.setStatementDelay(statementDelay);
    RecordedRun run;
    run.summary = runner.run();
    run.events = options.trace->snapshot();
    return run;
}

// Three connections step by step with one deterministic conflict (T2 loses to T1), an
// autocommit read, then four workers incrementing the same row with a retry loop. The
// statement delay makes the workers overlap, so they usually conflict and retry too.
inline const char* mvccConflictScenario = R"(journal_mode: mvcc
setup:
  CREATE TABLE acct (id INTEGER PRIMARY KEY, balance INT);
  INSERT INTO acct VALUES (1, 100), (2, 100);
T1: BEGIN CONCURRENT;
T2: BEGIN CONCURRENT;
T3: BEGIN CONCURRENT;
T1: UPDATE acct SET balance = balance - 10 WHERE id = 1;
T2: UPDATE acct SET balance = balance + 10 WHERE id = 1;   -- expect: error conflict
T3: UPDATE acct SET balance = balance + 5 WHERE id = 2;
T4: SELECT balance FROM acct WHERE id = 1;
T2: ROLLBACK;
T1: COMMIT;
T3: COMMIT;                                                -- expect: ok
workers w x4 repeat 4 retry(conflict, busy; max 200):
  BEGIN CONCURRENT;
  UPDATE acct SET balance = balance + 1 WHERE id = 1;
  COMMIT;
check:
  SELECT balance FROM acct WHERE id = 1;                   -- expect: 106
)";

// Rollback-journal SQLite: B's BEGIN IMMEDIATE finds A's RESERVED lock and gets SQLITE_BUSY at
// once (busy_timeout 0), then succeeds after A commits.
inline const char* sqliteBusyScenario = R"(journal_mode: delete
busy_timeout: 0
setup:
  CREATE TABLE t (id INTEGER PRIMARY KEY, v);
A: BEGIN IMMEDIATE;
A: INSERT INTO t VALUES (1, 'a');
B: BEGIN IMMEDIATE;        -- expect: error SQLITE_BUSY
A: COMMIT;
B: BEGIN IMMEDIATE;
B: INSERT INTO t VALUES (2, 'b');
B: COMMIT;
)";

} // namespace txs::testing
