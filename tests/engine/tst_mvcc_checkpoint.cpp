// The incremental checkpoint and the streamed log: a checkpoint writes the rows changed since
// the last one (not the table), in batches that are each a SQLite transaction, and leaves a
// file plain SQLite reads whole; the log is read through a fixed window, which must give the
// same frames as reading it whole, also for a frame larger than the window.

#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/LogFormat.h"
#include "engine/mvcc/MvccStore.h"
#include "support/PlainSqlite.h"
#include "support/TestDb.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

using namespace txs;
using txs::test::plainSqlite;

namespace {

using test::openFile;

// PRAGMA wal_checkpoint on an MVCC connection: "0|log bytes|rows written".
std::int64_t rowsWrittenBy(Connection& c)
{
    const auto r = c.execute("PRAGMA wal_checkpoint");
    if (!r.ok() || r.rows.empty() || r.rows[0].size() < 3) return -1;
    return r.rows[0][2].asInt();
}

struct ScannedFrame
{
    std::uint64_t ts;
    std::uint64_t at;
    std::size_t ops, bytes;
    std::int64_t keySum;
};

std::vector<ScannedFrame> framesOf(mvcc::LogWindow& log)
{
    std::vector<ScannedFrame> out;
    const auto scan = mvcc::scanLog(log, [&](mvcc::LogFrame& frame, std::string_view raw, std::uint64_t at) {
        std::int64_t keys = 0;
        for (const auto& op : frame.ops)
            keys += op.key;
        out.push_back({frame.commitTs, at, frame.ops.size(), raw.size(), keys});
    });
    if (!scan.problem.empty() || !scan.readError.empty()) out.clear();
    return out;
}

} // namespace

class TestMvccCheckpoint : public QObject
{
    Q_OBJECT

    QTemporaryDir dir;
    QString path() const { return dir.filePath("x.db"); }

private slots:
    void init()
    {
        for (const auto& name : {QString("x.db"), QString("x.db-log")})
            QFile::remove(dir.filePath(name));
    }

    // After the table is in the file, a checkpoint writes only what changed since: its cost
    // follows the changed rows, not the 5,000-row table.
    void checkpointWritesOnlyTheChangedRows()
    {
        auto db = openFile(path());
        auto c = db->connect();
        MUST(*c, "PRAGMA mvcc_checkpoint_threshold = 100000000");
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        MUST(*c, "BEGIN");
        MUST(*c, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
                 "INSERT INTO t SELECT i, 'row ' || i FROM n");
        MUST(*c, "COMMIT");
        QCOMPARE(rowsWrittenBy(*c), std::int64_t{5000});
        MUST(*c, "UPDATE t SET v = 'changed' WHERE id IN (7, 4000)");
        MUST(*c, "UPDATE t SET v = 'changed again' WHERE id = 7");
        MUST(*c, "DELETE FROM t WHERE id = 12");
        QCOMPARE(rowsWrittenBy(*c), std::int64_t{3}); // keys 7, 4000, 12: once each
        QCOMPARE(rowsWrittenBy(*c), std::int64_t{0});
        QCOMPARE(plainSqlite(path(), "SELECT count(*), sum(id) FROM t"), QString("4999|12502488"));
        QCOMPARE(plainSqlite(path(), "SELECT v FROM t WHERE id IN (7, 4000) ORDER BY id"),
                 QString("changed again, changed"));
    }

    // Small batches: many SQLite transactions, the same file as one, and a reopen that agrees.
    void batchesWriteWhatOneTransactionWould()
    {
        {
            auto db = openFile(path());
            mvccStoreOf(*db)->durability()->setCheckpointBatchRows(7);
            std::uint64_t batches = 0;
            mvccStoreOf(*db)->durability()->setBatchCommittedHook([&](std::uint64_t) { ++batches; });
            auto c = db->connect();
            MUST(*c, "PRAGMA mvcc_checkpoint_threshold = 100000000");
            MUST(*c, "CREATE TABLE a (id INTEGER PRIMARY KEY, v INT)");
            MUST(*c, "CREATE TABLE b (id INTEGER PRIMARY KEY, s TEXT)");
            for (int i = 1; i <= 40; ++i) {
                MUST(*c, "INSERT INTO a VALUES (" + std::to_string(i) + ", " + std::to_string(i * i) + ")");
                if (i % 3 == 0)
                    MUST(*c,
                         "INSERT INTO b VALUES (" + std::to_string(i) + ", 'b" + std::to_string(i) + "')");
            }
            // A table dropped and created again between its rows: rows go to the right one.
            MUST(*c, "DROP TABLE b");
            MUST(*c, "CREATE TABLE b (id INTEGER PRIMARY KEY, s TEXT, extra INT)");
            MUST(*c, "INSERT INTO b VALUES (1, 'new', 5)");
            MUST(*c, "UPDATE a SET v = -1 WHERE id > 35");
            // a: 40 rows, then 5 updated again (one of them in the batch of its insert, so
            // written once there); the old b's rows go nowhere; the new b's one row.
            QCOMPARE(rowsWrittenBy(*c), std::int64_t{40 + 4 + 1});
            QVERIFY(batches >= 5);
        }
        QCOMPARE(plainSqlite(path(), "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(plainSqlite(path(), "SELECT count(*), sum(v) FROM a"), QString("40|14905"));
        QCOMPARE(plainSqlite(path(), "SELECT * FROM b"), QString("1|new|5"));
        auto db = openFile(path());
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT count(*), sum(v) FROM a", "40|14905");
        QCOMPARE_ROWS(*c, "SELECT * FROM b", "1|new|5");
    }

    // A unique index dropped after a batch boundary: rows are written as of the checkpoint's
    // snapshot in every batch, so key 2's final a = 1 would, with ux still in the file, REPLACE
    // (delete) the unchanged row 1 that nothing writes back. The drop reaches the file first.
    void aDroppedUniqueIndexCostsNoUnchangedRow()
    {
        {
            auto db = openFile(path());
            mvccStoreOf(*db)->durability()->setCheckpointBatchRows(2);
            auto c = db->connect();
            MUST(*c, "PRAGMA mvcc_checkpoint_threshold = 100000000");
            MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT)");
            MUST(*c, "CREATE UNIQUE INDEX ux ON t (a)");
            MUST(*c, "CREATE TABLE f (id INTEGER PRIMARY KEY)");
            MUST(*c, "INSERT INTO t VALUES (1, 1), (2, 2)");
            QCOMPARE(rowsWrittenBy(*c), std::int64_t{2});
            QCOMPARE(plainSqlite(path(), "SELECT count(*) FROM sqlite_schema WHERE name = 'ux'"),
                     QString("1"));
            MUST(*c, "UPDATE t SET a = 3 WHERE id = 2");
            MUST(*c, "INSERT INTO f VALUES (1), (2), (3)"); // fills a batch before the drop
            MUST(*c, "DROP INDEX ux");
            MUST(*c, "UPDATE t SET a = 1 WHERE id = 2");
            QVERIFY(rowsWrittenBy(*c) > 0);
        }
        QCOMPARE(plainSqlite(path(), "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(plainSqlite(path(), "SELECT id, a FROM t ORDER BY id"), QString("1|1, 2|1"));
        QCOMPARE(plainSqlite(path(), "SELECT count(*) FROM sqlite_schema WHERE name = 'ux'"), QString("0"));
        auto db = openFile(path());
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT id, a FROM t ORDER BY id", "1|1, 2|1");
    }

    // Tables and indexes share a namespace: a table named like an index is refused, as SQLite
    // refuses it (the checkpointed file could hold only one of them).
    void aTableCannotTakeAnIndexName()
    {
        auto db = openFile(path());
        auto c = db->connect();
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT)");
        MUST(*c, "CREATE INDEX ix ON t (a)");
        const auto r = c->execute("CREATE TABLE ix (b INT)");
        QVERIFY(!r.ok());
        QCOMPARE(QString::fromStdString(r.error->message), QString("there is already an index named ix"));
        QVERIFY(rowsWrittenBy(*c) >= 0);
        QCOMPARE(plainSqlite(path(), "PRAGMA integrity_check"), QString("ok"));
    }

    // Automatic checkpoints run on their own thread while writers commit (under TSan: the
    // checkpointer against the commit path); nothing is lost or doubled, in the file or on reopen.
    void automaticCheckpointsRunBesideWriters()
    {
        constexpr int threads = 4, perThread = 150;
        {
            auto db = openFile(path());
            auto setup = db->connect();
            MUST(*setup, "PRAGMA mvcc_checkpoint_threshold = 3000");
            MUST(*setup, "CREATE TABLE t (id INTEGER PRIMARY KEY, w INT, i INT)");
            mvccStoreOf(*db)->durability()->setCheckpointBatchRows(16);
            std::vector<std::thread> writers;
            std::atomic<int> failures{0};
            for (int w = 0; w < threads; ++w)
                writers.emplace_back([&, w] {
                    auto c = db->connect();
                    c->execute("PRAGMA synchronous = OFF");
                    for (int i = 0; i < perThread; ++i) {
                        const auto r = c->execute("BEGIN CONCURRENT; INSERT INTO t (w, i) VALUES (" +
                                                  std::to_string(w) + ", " + std::to_string(i) + "); COMMIT");
                        if (!r.ok()) ++failures;
                    }
                });
            for (auto& t : writers)
                t.join();
            QCOMPARE(failures.load(), 0);
            QVERIFY(rowsWrittenBy(*setup) >= 0);
            QCOMPARE(plainSqlite(path(), "SELECT count(*), count(DISTINCT w * 1000 + i) FROM t"),
                     QString("600|600"));
        }
        QCOMPARE(plainSqlite(path(), "PRAGMA integrity_check"), QString("ok"));
        auto db = openFile(path());
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT count(*), count(DISTINCT w * 1000 + i) FROM t", "600|600");
    }

    // The windowed reader gives the frames reading the log whole gives, with windows smaller
    // than one frame and than the header, and a frame larger than the window.
    void aWindowedScanSeesWhatAWholeReadSees()
    {
        {
            auto db = openFile(path());
            auto c = db->connect();
            MUST(*c, "PRAGMA mvcc_checkpoint_threshold = 100000000");
            MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
            for (int i = 1; i <= 30; ++i)
                MUST(*c, "INSERT INTO t VALUES (" + std::to_string(i) + ", printf('%.*c', " +
                             std::to_string(i * 7) + ", 'x'))");
            MUST(*c, "BEGIN");
            MUST(*c, "WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 400) "
                     "INSERT INTO t SELECT i, 'bulk' FROM n");
            MUST(*c, "COMMIT");
        }
        QFile file(path() + "-log");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray whole = file.readAll();
        mvcc::LogWindow inMemory(std::string_view(whole.constData(), static_cast<std::size_t>(whole.size())));
        const auto expected = framesOf(inMemory);
        QCOMPARE(expected.size(), std::size_t{32});
        QVERIFY(expected.back().bytes > 4000); // the bulk frame
        const int fd = ::open((path() + "-log").toUtf8().constData(), O_RDONLY | O_CLOEXEC);
        QVERIFY(fd >= 0);
        for (const std::size_t window :
             {std::size_t{5}, std::size_t{64}, std::size_t{1000}, std::size_t{1} << 20}) {
            mvcc::LogWindow windowed(fd, static_cast<std::uint64_t>(whole.size()), window);
            const auto got = framesOf(windowed);
            QCOMPARE(got.size(), expected.size());
            for (std::size_t i = 0; i < got.size(); ++i) {
                QCOMPARE(got[i].ts, expected[i].ts);
                QCOMPARE(got[i].at, expected[i].at);
                QCOMPARE(got[i].ops, expected[i].ops);
                QCOMPARE(got[i].bytes, expected[i].bytes);
                QCOMPARE(got[i].keySum, expected[i].keySum);
            }
        }
        // A window over a file shorter than it claims is a read error, never a torn tail.
        mvcc::LogWindow tooLong(fd, static_cast<std::uint64_t>(whole.size()) + 100, 64);
        const auto scan = mvcc::scanLog(tooLong, {});
        QVERIFY(!scan.readError.empty());
        ::close(fd);
    }
};

QTEST_GUILESS_MAIN(TestMvccCheckpoint)
#include "tst_mvcc_checkpoint.moc"
