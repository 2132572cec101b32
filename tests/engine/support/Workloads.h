#pragma once
// Workloads tests share: parsing that stops the test on bad input, the built-in scenarios, and
// the example of DESIGN.md (the runner, projection and model tests all run it).

#include "engine/workload/WorkloadParser.h"

#include <QtGlobal>
#include <string>

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

} // namespace txs::testing
