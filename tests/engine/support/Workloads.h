#pragma once
// Workloads tests share: parsing that stops the test on bad input, the built-in scenarios, and
// the example of DESIGN.md (the runner, projection and model tests all run it).

#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

#include <QtGlobal>
#include <string>
#include <vector>

namespace txs::testing {

inline Workload parseOrFail(const char* text)
{
    auto parsed = parseWorkload(text, "test.txs");
    if (!parsed.ok()) qFatal("%s", parsed.error().text().c_str());
    return parsed.workload();
}

// resources/scenarios/NAME
inline Workload builtInScenario(const char* name)
{
    auto parsed = parseWorkloadFile(std::string(TXSCOPE_SOURCE_DIR) + "/resources/scenarios/" + name);
    if (!parsed.ok()) qFatal("%s", parsed.error().text().c_str());
    return parsed.workload();
}

// DESIGN.md's example, with one more check (the 16 writers wrote 16 distinct values): five
// expectations, one conflict, 18 commits (T1, the writers, the setup's INSERT).
inline constexpr const char* kDesignExample = R"(# The example of DESIGN.md
journal_mode: mvcc
busy_timeout: 0

setup:
  CREATE TABLE test (id INTEGER PRIMARY KEY, value INT);
  INSERT INTO test VALUES (1, 10), (2, 20);
  CREATE TABLE hits (val INTEGER);

T1: BEGIN CONCURRENT;
T2: BEGIN CONCURRENT;
T1: UPDATE test SET value = 11 WHERE id = 1;
T2: UPDATE test SET value = 12 WHERE id = 1;    -- expect: error conflict
T2: ROLLBACK;
T1: COMMIT;                                     -- expect: ok
T1: SELECT id, value FROM test ORDER BY id;     -- expect: 1|11, 2|20

workers writer x16 repeat 1 retry(conflict, busy; max 1000):
  BEGIN CONCURRENT;
  INSERT INTO hits VALUES ($worker);
  COMMIT;

check:
  SELECT count(*) FROM hits;                    -- expect: 16
  SELECT count(DISTINCT val) FROM hits;         -- expect: 16
)";

// Six writers that read then write one row under a 1 ms busy timeout, and two readers: busy
// errors, busy-handler waits and retries on either SQLite journal mode (`journal`: wal or
// delete). The explainer's tests run it at two sizes.
inline std::string contendedWritersScript(const std::string& journal, int writerRepeats, int readerRepeats)
{
    return "journal_mode: " + journal + R"(
busy_timeout: 1
setup:
  CREATE TABLE t (id INTEGER PRIMARY KEY, v INT);
  INSERT INTO t VALUES (1, 0);
workers w x6 repeat )" +
           std::to_string(writerRepeats) +
           R"( retry(busy; max 100000, backoff exponential 1ms..4ms):
  BEGIN;
  SELECT v FROM t WHERE id = 1;
  UPDATE t SET v = v + 1 WHERE id = 1;
  COMMIT;
workers r x2 repeat )" +
           std::to_string(readerRepeats) +
           R"( retry(busy; max 100000):
  SELECT count(*) FROM t;
)";
}

// Runs `workload` with a log large enough to keep every event and returns them all (a warning
// when the run failed or events were dropped anyway).
inline std::vector<Event> recordWholeRun(Workload workload)
{
    RunOptions options;
    options.traceLimits.maxEvents = 50'000'000;
    Runner runner(std::move(workload), options);
    if (!runner.run().ok()) qWarning("the run failed");
    std::vector<Event> log = runner.trace()->snapshot();
    if (!log.empty() && log.front().seq != 0) qWarning("events were dropped");
    return log;
}

} // namespace txs::testing
