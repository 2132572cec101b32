#pragma once
// Small helpers shared by the engine tests.

#include "engine/api/Database.h"
#include "engine/trace/TraceLog.h"

#include <QTest>
#include <memory>
#include <string>

namespace txs::test {

// A fresh in-memory MVCC database with tracing on.
std::shared_ptr<Database> openMvcc(std::shared_ptr<TraceLog> trace = std::make_shared<TraceLog>());

// An MVCC database on the file `path` (x.db beside x.db-log), untraced; null when it cannot be
// opened, with the reason in *error when given.
std::shared_ptr<Database> openMvccFile(const std::string& path, Error* error = nullptr);

// The same, for the engine tests that open files by QString: with `damaged` (how a damaged log is
// met), `mode` (an MVCC file opened in another mode) and `trace` when a test varies them.
std::shared_ptr<Database> openFile(const QString& path, Error* error = nullptr,
                                   DamagedLog damaged = DamagedLog::Refuse,
                                   JournalMode mode = JournalMode::Mvcc,
                                   std::shared_ptr<TraceLog> trace = nullptr);

// The message of a failed result, empty for a success.
QString errorOf(const Result& r);

// EXPLAIN QUERY PLAN of `sql`: each step's detail followed by ';' ("SCAN t VIRTUAL TABLE INDEX 0:;").
QString queryPlan(Connection& c, const std::string& sql);

// Executes and fails the test (QFAIL-style, via QTest::qFail) when the statement errors.
Result mustRun(Connection& c, const std::string& sql, const char* file, int line);

} // namespace txs::test

#define MUST(conn, sql)                                                                                      \
    do {                                                                                                     \
        auto r_ = txs::test::mustRun((conn), (sql), __FILE__, __LINE__);                                     \
        if (!r_.ok()) return;                                                                                \
    } while (0)

// Asserts that `sql` returns exactly `rows` (in .txs expectation syntax: "1|a, 2|b").
#define QCOMPARE_ROWS(conn, sql, rows)                                                                       \
    do {                                                                                                     \
        auto r_ = (conn).execute(sql);                                                                       \
        QVERIFY2(r_.ok(), r_.ok() ? "" : r_.error->describe().c_str());                                      \
        QCOMPARE(QString::fromStdString(r_.rowsText()), QString::fromStdString(rows));                       \
    } while (0)
