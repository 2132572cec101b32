#pragma once
// Helpers for tests that drive real SQLite through the engine and read back its trace.

#include "engine/api/Database.h"
#include "engine/trace/TraceLog.h"

#include <QStringList>
#include <QTemporaryDir>
#include <memory>
#include <string>
#include <vector>

namespace txs::test {

// A SQLite-backed database in `dir` (file "test.db") with tracing into `trace`; fails the test
// (QTest::qFail) and returns null when it cannot be opened.
std::shared_ptr<Database> openSqlite(const QTemporaryDir& dir, JournalMode mode,
                                     std::shared_ptr<TraceLog> trace, const char* file = "test.db");

// Reads a log step by step: take() returns the events appended since the previous take().
class TraceReader
{
public:
    explicit TraceReader(std::shared_ptr<TraceLog> log) : log_(std::move(log)) {}
    std::vector<Event> take();
    const std::vector<Event>& all() const { return all_; } // everything taken so far

private:
    std::shared_ptr<TraceLog> log_;
    std::uint64_t next_ = 0;
    std::vector<Event> all_;
};

// One connection's lock story in `events`, compact and in order:
//   "+db SHARED"   LockAcquire, with the level now held     "-READ1 NONE"   LockRelease
//   "?db EXCLUSIVE" LockWait for that level (repeats of the same wait in a row are shown once)
//   "handler 0 give up" BusyHandlerCall (count, outcome)    "BUSY 517"      Busy (extended code)
QStringList lockTrail(const std::vector<Event>& events, std::uint32_t connection);

// The same connection's transaction story: "begin deferred", "commit", "rollback busy", ...
QStringList txTrail(const std::vector<Event>& events, std::uint32_t connection);

// Number of events of `kind` (of one connection, or all when connection is 0).
int countEvents(const std::vector<Event>& events, EventKind kind, std::uint32_t connection = 0);

} // namespace txs::test
