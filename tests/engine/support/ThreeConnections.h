#pragma once
// Three connections A, B, C on one fresh in-memory MVCC database, traced, with a table
// t(id INTEGER PRIMARY KEY, v INTEGER) holding (1, 10) and (2, 20): the ground of the tests that
// interleave transactions statement by statement from one thread (tst_mvcc_isolation,
// tst_mvcc_transaction_control). A test class derives from it after QObject and calls open() in
// init() and close() in cleanup().

#include "engine/api/Database.h"
#include "engine/trace/TraceLog.h"

#include <memory>

namespace txs::mvcc {
class MvccStore; // not included: Qt's `emit` macro would meet MvccStore's emit()
}

namespace txs::test {

struct ThreeConnections
{
    std::shared_ptr<TraceLog> trace;
    std::shared_ptr<Database> db;
    std::unique_ptr<Connection> a, b, c;

    // False (with a test failure recorded) when the database or the table could not be made.
    bool open();
    void close();
    mvcc::MvccStore& store();
};

} // namespace txs::test
