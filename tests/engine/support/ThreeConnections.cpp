#include "support/ThreeConnections.h"

// MvccStore.h before anything that includes QTest: Qt's `emit` macro would meet its emit().
#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"
#include "support/TestDb.h"

namespace txs::test {

bool ThreeConnections::open()
{
    trace = std::make_shared<TraceLog>();
    db = openMvcc(trace);
    if (!db) {
        QTest::qFail("cannot open an in-memory MVCC database", __FILE__, __LINE__);
        return false;
    }
    a = db->connect("A");
    b = db->connect("B");
    c = db->connect("C");
    for (const char* sql :
         {"CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)", "INSERT INTO t VALUES (1, 10), (2, 20)"})
        if (!mustRun(*c, sql, __FILE__, __LINE__).ok()) return false;
    return true;
}

void ThreeConnections::close()
{
    a.reset();
    b.reset();
    c.reset();
    db.reset();
    trace.reset();
}

mvcc::MvccStore& ThreeConnections::store()
{
    return *mvccStoreOf(*db);
}

} // namespace txs::test
