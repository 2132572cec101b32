// Crashes and bad input. A helper process (helpers/mvcc_crash_writer.cpp) runs concurrent
// writers under synchronous=FULL, with automatic checkpoints every few KB, and is killed with
// SIGKILL after a seeded random number of acknowledged commits; after each kill the database
// must hold every acknowledged commit, no partial transaction, and each writer's commits as a
// prefix of its sequence. Torn and bit-flipped log tails are recovered up to the last whole
// frame, with a note saying where; bad files fail to open with a message naming them.

#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/Crc32c.h"
#include "engine/mvcc/MvccStore.h"
#include "support/PlainSqlite.h"
#include "support/TestDb.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <functional>
#include <map>
#include <signal.h>
#include <sqlite3.h>

using namespace txs;

namespace {

using test::openFile;

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

} // namespace

class TestMvccCrash : public QObject
{
    Q_OBJECT

    QTemporaryDir dir;
    QString path() const { return dir.filePath("x.db"); }
    QString logPath() const { return dir.filePath("x.db-log"); }

    // Ten committed transactions, one row each, then closed.
    void tenCommits()
    {
        auto db = openFile(path());
        QVERIFY(db);
        auto c = db->connect();
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        for (int i = 1; i <= 10; ++i)
            MUST(*c, "INSERT INTO t VALUES (" + std::to_string(i) + ", 'row " + std::to_string(i) + "')");
    }

    // Reopens after damage to the last frame: nine rows, a note, and the log usable again.
    void expectNineRowsAndNote(const char* problem)
    {
        auto db = openFile(path());
        QVERIFY(db);
        const auto notes = mvccStoreOf(*db)->durability()->recoveryNotes();
        QCOMPARE(notes.size(), std::size_t{1});
        QVERIFY2(QString::fromStdString(notes[0]).contains(problem), notes[0].c_str());
        QVERIFY2(QString::fromStdString(notes[0]).contains("frame 11 at offset"), notes[0].c_str());
        QVERIFY(QFile::exists(logPath() + ".discarded"));
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT count(*), max(id) FROM t", "9|9");
        MUST(*c, "INSERT INTO t VALUES (100, 'after recovery')");
        c.reset();
        db.reset();
        db = openFile(path());
        QVERIFY(mvccStoreOf(*db)->durability()->recoveryNotes().empty());
        c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT count(*), max(id) FROM t", "10|100");
    }

    // Runs the crash writer until `killWhen(acks, batches)` says so, kills it, and checks that the
    // reopened database holds every acknowledged commit whole, as a prefix of each writer's.
    void killAndCheck(int run, int writers, const QStringList& arguments,
                      const std::function<bool(int acks, int batches)>& killWhen, std::map<int, int>& acked)
    {
        QProcess child;
        child.start(TXSCOPE_CRASH_WRITER, QStringList{path(), QString::number(writers)} + arguments);
        QVERIFY2(child.waitForStarted(), qPrintable(child.errorString()));
        int acks = 0, batches = 0;
        QByteArray pending;
        auto takeAcks = [&] {
            pending += child.readAllStandardOutput();
            int newline;
            while ((newline = pending.indexOf('\n')) >= 0) {
                const auto parts = pending.left(newline).split(' ');
                pending.remove(0, newline + 1);
                if (parts.size() == 1 && parts[0] == "batch") {
                    ++batches;
                    continue;
                }
                const int w = parts.at(0).toInt(), i = parts.at(1).toInt();
                acked[w] = std::max(acked[w], i);
                ++acks;
            }
        };
        while (!killWhen(acks, batches) && child.state() == QProcess::Running) {
            child.waitForReadyRead(10000);
            takeAcks();
        }
        QVERIFY2(killWhen(acks, batches), child.readAllStandardError().constData());
        ::kill(static_cast<pid_t>(child.processId()), SIGKILL);
        child.waitForFinished();
        takeAcks(); // acknowledgements written before the kill still count

        // The file as the kill left it is a sound SQLite database for stock SQLite (which rolls
        // back a checkpoint batch the kill interrupted, from its hot journal).
        QCOMPARE(integrityCheck(path()), QString("ok"));
        Error error;
        auto db = openFile(path(), &error);
        QVERIFY2(db, error.message.c_str());
        QVERIFY(mvccStoreOf(*db)->durability()->recoveryNotes().empty() ||
                QString::fromStdString(mvccStoreOf(*db)->durability()->recoveryNotes()[0]).contains("torn"));
        auto c = db->connect();
        for (int w = 0; w < writers; ++w) {
            const auto r = c->execute("SELECT (SELECT n FROM counters WHERE w = ?1), count(*), "
                                      "count(DISTINCT i), min(i), max(i), sum(part = 'a'), sum(part = 'b') "
                                      "FROM seq WHERE w = ?1",
                                      {Value(w)});
            QVERIFY2(r.ok(), r.ok() ? "" : r.error->message.c_str());
            const auto& row = r.rows.at(0);
            const std::int64_t n = row[0].asInt();
            QVERIFY2(n >= acked[w], qPrintable(QString("run %1 writer %2: %3 kept, %4 acknowledged")
                                                   .arg(run)
                                                   .arg(w)
                                                   .arg(n)
                                                   .arg(acked[w])));
            // Every transaction whole (both rows and the counter), and a prefix 1..n.
            QCOMPARE(row[1].asInt(), 2 * n);
            QCOMPARE(row[2].asInt(), n);
            if (n > 0) {
                QCOMPARE(row[3].asInt(), 1);
                QCOMPARE(row[4].asInt(), n);
                QCOMPARE(row[5].asInt(), n);
                QCOMPARE(row[6].asInt(), n);
            }
            acked[w] = static_cast<int>(n); // the next run continues from what was kept
            // The recovered indexes answer as the rows do (`+` hides a column from them).
            QCOMPARE(
                c->execute("SELECT count(*), max(i) FROM seq WHERE w = ?1 AND i > 0", {Value(w)}).rowsText(),
                c->execute("SELECT count(*), max(i) FROM seq WHERE +w = ?1 AND +i > 0", {Value(w)})
                    .rowsText());
        }
        QCOMPARE(c->execute("SELECT count(*) FROM seq WHERE part = 'a'").rowsText(),
                 c->execute("SELECT count(*) FROM seq WHERE +part = 'a'").rowsText());
        const auto rows = c->execute("SELECT count(*) FROM seq").rows.at(0).at(0).asInt();
        for (const char* index : {"seq_wip", "seq_part"})
            QCOMPARE(static_cast<std::int64_t>(mvccStoreOf(*db)->table("seq")->index(index)->size()), rows);
    }

    static QString integrityCheck(const QString& path)
    {
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
            sqlite3_close(db);
            return "cannot open";
        }
        QString result;
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK)
            while (sqlite3_step(stmt) == SQLITE_ROW)
                result += QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
        else
            result = sqlite3_errmsg(db);
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        return result;
    }

    static qint64 fileRows(const QString& path)
    {
        return txs::test::plainSqlite(path, "SELECT count(*) FROM seq").toLongLong();
    }

private slots:
    void init()
    {
        for (const auto& name : QDir(dir.path()).entryList(QDir::Files))
            QFile::remove(dir.filePath(name));
    }

    void killedWritersKeepEveryAcknowledgedCommit()
    {
        constexpr int iterations = 25, writers = 4;
        QRandomGenerator random(20240611);
        std::map<int, int> acked; // writer -> highest acknowledged commit, over all runs
        for (int run = 0; run < iterations; ++run) {
            const int killAfter = random.bounded(1, 120);
            killAndCheck(
                run, writers, {"6000"}, [&](int acks, int) { return acks >= killAfter; }, acked);
            if (QTest::currentTestFailed()) return;
        }
        // Some runs crossed the 6 KB threshold: the rows reached the SQLite file, and the
        // checkpointed indexes are real ones (killAndCheck ran the stock integrity_check).
        QVERIFY(fileRows(path()) > 0);
        QCOMPARE(txs::test::plainSqlite(
                     path(), "SELECT count(*) FROM sqlite_schema WHERE name IN ('seq_wip', 'seq_part')"),
                 QString("2"));
    }

    // The checkpoint writes in batches, each its own SQLite transaction; killed after a batch
    // committed and before the checkpoint finished (the helper holds it there, writers go on
    // committing), x.db holds rows newer than its checkpointed timestamp. Recovery must still
    // end with every acknowledged commit and nothing else, and stock SQLite must find x.db sound.
    void killedDuringACheckpointBatchKeepsEveryCommit()
    {
        constexpr int iterations = 6, writers = 4;
        QRandomGenerator random(20261204);
        std::map<int, int> acked;
        for (int run = 0; run < iterations; ++run) {
            const int acksAfterBatch = random.bounded(0, 40);
            // A checkpoint here is ~25 transactions, 75 rows: batches of 10, so its first or
            // second batch is one the hook sees (not the last).
            const int stopAt = random.bounded(1, 3);
            int acksAtBatch = -1;
            killAndCheck(
                run, writers, {"3000", "10", QString::number(stopAt)},
                [&](int acks, int batches) {
                    if (batches == 0) return false;
                    if (acksAtBatch < 0) acksAtBatch = acks;
                    return acks >= acksAtBatch + acksAfterBatch;
                },
                acked);
            if (QTest::currentTestFailed()) return;
        }
        // Batches reached the file while no checkpoint ever finished: x.db holds rows newer than
        // the timestamp it records as checkpointed, and every reopen above agreed with the log.
        QVERIFY(fileRows(path()) > 0);
        QCOMPARE(
            txs::test::plainSqlite(path(), "SELECT ts FROM __txscope_mvcc_meta WHERE key = 'checkpoint'"),
            QString("0"));
    }

    void tornLogTailIsCutAtTheLastWholeFrame()
    {
        tenCommits();
        const QByteArray log = readAll(logPath());
        writeAll(logPath(), log.left(log.size() - 7));
        expectNineRowsAndNote("torn");
    }

    void bitFlipInTheLastFrameFailsItsChecksum()
    {
        tenCommits();
        QByteArray log = readAll(logPath());
        log[log.size() - 12] = static_cast<char>(log[log.size() - 12] ^ 0x10); // inside the last row
        writeAll(logPath(), log);
        expectNineRowsAndNote("checksum");
    }

    void corruptLogHeaderRefusesToOpen()
    {
        tenCommits();
        QByteArray log = readAll(logPath());
        log[2] = 'X';
        writeAll(logPath(), log);
        Error error;
        QVERIFY(!openFile(path(), &error));
        QVERIFY2(QString::fromStdString(error.message).contains(logPath()), error.message.c_str());
        QCOMPARE(readAll(logPath()), log); // nothing changed
    }

    void corruptDatabaseFileRefusesToOpen()
    {
        writeAll(path(), QByteArray(8192, 'z'));
        Error error;
        QVERIFY(!openFile(path(), &error));
        QVERIFY2(QString::fromStdString(error.message).contains(path()), error.message.c_str());
        QVERIFY2(QString::fromStdString(error.message).contains("not a valid SQLite database"),
                 error.message.c_str());
        QVERIFY(!QFile::exists(logPath())); // nothing created beside a file that is not ours
    }

    void lockedDatabaseRefusesToOpen()
    {
        tenCommits();
        sqlite3* holder = nullptr;
        QCOMPARE(sqlite3_open(path().toUtf8().constData(), &holder), SQLITE_OK);
        QCOMPARE(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
        Error error;
        QVERIFY(!openFile(path(), &error));
        QVERIFY2(QString::fromStdString(error.message).contains("locked"), error.message.c_str());
        QVERIFY2(QString::fromStdString(error.message).contains(path()), error.message.c_str());
        sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(holder);
        auto db = openFile(path());
        QVERIFY(db);
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM t", "10");
    }

    void secondEngineOnTheSameFileIsRefused()
    {
        auto first = openFile(path());
        QVERIFY(first);
        Error error;
        QVERIFY(!openFile(path(), &error));
        QVERIFY2(QString::fromStdString(error.message).contains("in use"), error.message.c_str());
        QVERIFY2(QString::fromStdString(error.message).contains(logPath()), error.message.c_str());
    }

    // Frames are only as trustworthy as their checksum: the standard check value, and every
    // length and alignment against a bit-at-a-time reference (the fast path works in 8-byte words).
    void crc32cIsTheCastagnoliChecksum()
    {
        QCOMPARE(txs::mvcc::crc32c("123456789", 9), 0xE3069283u);
        auto reference = [](const unsigned char* p, std::size_t n) {
            std::uint32_t crc = 0xFFFFFFFFu;
            for (std::size_t i = 0; i < n; ++i) {
                crc ^= p[i];
                for (int k = 0; k < 8; ++k)
                    crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
            return ~crc;
        };
        QRandomGenerator random(7);
        unsigned char bytes[80];
        for (auto& b : bytes)
            b = static_cast<unsigned char>(random.bounded(256));
        for (std::size_t from = 0; from < 8; ++from)
            for (std::size_t n = 0; n + from <= sizeof bytes; ++n)
                QCOMPARE(txs::mvcc::crc32c(bytes + from, n), reference(bytes + from, n));
        // Chaining: the checksum of a whole equals the checksum continued over its parts.
        QCOMPARE(txs::mvcc::crc32c(bytes + 30, 50, txs::mvcc::crc32c(bytes, 30)),
                 txs::mvcc::crc32c(bytes, 80));
    }

    void unwritableLogRefusesToOpen()
    {
        QVERIFY(QDir(dir.path()).mkdir("x.db-log"));
        Error error;
        QVERIFY(!openFile(path(), &error));
        QVERIFY2(QString::fromStdString(error.message).contains(logPath()), error.message.c_str());
        QVERIFY(QDir(dir.path()).rmdir("x.db-log"));
    }
};

QTEST_GUILESS_MAIN(TestMvccCrash)
#include "tst_mvcc_crash.moc"
