// A user's database and its log are never harmed, and recovery tells the truth: a file with
// objects the MVCC engine cannot take, a corrupt file, a log damaged in the middle, a log
// of another database or of a deleted one are refused with the files unchanged; a read-only
// workload changes nothing; one file has one engine, whatever path it is opened by (also from
// another process); the checkpoint threshold counts the log on disk.

#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/Crc32c.h"
#include "engine/mvcc/MvccStore.h"
#include "support/TestDb.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <cstring>
#include <sqlite3.h>
#include <thread>
#include <unistd.h>
#include <vector>

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

QByteArray sha256(const QString& path)
{
    return QCryptographicHash::hash(readAll(path), QCryptographicHash::Sha256).toHex();
}

// Runs SQL on a plain SQLite handle (the way another program would write the file).
void plainExec(const QString& path, const char* sql)
{
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    const QString text = message ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    QVERIFY2(rc == SQLITE_OK, qPrintable(text));
}

// Offsets of the frames of a log (after its 24-byte header).
QList<int> frameOffsets(const QByteArray& log)
{
    QList<int> offsets;
    for (int pos = 24; pos + 28 <= log.size();) {
        offsets.append(pos);
        std::uint32_t payload = 0;
        std::memcpy(&payload, log.constData() + pos + 4, 4);
        pos += 20 + static_cast<int>(payload) + 8;
    }
    return offsets;
}

} // namespace

class TestMvccDbSafety : public QObject
{
    Q_OBJECT

    QTemporaryDir dir;
    QString path() const { return dir.filePath("x.db"); }
    QString logPath() const { return dir.filePath("x.db-log"); }

    // A table and ten committed rows, one transaction each, still in the log.
    void tenCommits(const QString& at)
    {
        auto db = openFile(at);
        QVERIFY(db);
        auto c = db->connect();
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        for (int i = 1; i <= 10; ++i)
            MUST(*c, "INSERT INTO t VALUES (" + std::to_string(i) + ", 'row " + std::to_string(i) + "')");
    }

private slots:
    void init()
    {
        for (const auto& name : QDir(dir.path()).entryList(QDir::Files | QDir::System))
            QFile::remove(dir.filePath(name));
    }

    void objectsTheEngineCannotTakeAreRefusedAndKept()
    {
        // Tables, indexes, views and triggers of an existing file are taken (tst_mvcc_open_existing);
        // a WITHOUT ROWID table is not: the file is refused, the table named, and nothing is changed.
        plainExec(path(), "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT);"
                          "INSERT INTO accounts VALUES (1, 'alice');"
                          "CREATE TABLE owners (k TEXT PRIMARY KEY, v) WITHOUT ROWID");
        const QByteArray before = sha256(path());
        Error error;
        QVERIFY(!openFile(path(), &error));
        const QString message = QString::fromStdString(error.message);
        QVERIFY2(message.contains("table owners"), qPrintable(message));
        QCOMPARE(sha256(path()), before);
        QVERIFY(!QFile::exists(logPath()));
    }

    void aReadOnlyWorkloadChangesNothing()
    {
        // A new file: open and read, and neither the meta table nor a log appears.
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto c = db->connect();
            QCOMPARE_ROWS(*c, "SELECT 1", "1");
        }
        QVERIFY(!QFile::exists(logPath()));
        QCOMPARE(QFileInfo(path()).size(), 0);

        // A database with rows, checkpointed and not: reading it leaves both files as they were.
        tenCommits(path());
        {
            auto db = openFile(path());
            auto c = db->connect();
            MUST(*c, "PRAGMA wal_checkpoint(TRUNCATE)");
            MUST(*c, "INSERT INTO t VALUES (11, 'in the log')");
        }
        const QByteArray dbBefore = sha256(path()), logBefore = sha256(logPath());
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto c = db->connect();
            QCOMPARE_ROWS(*c, "SELECT count(*) FROM t", "11");
            MUST(*c, "BEGIN CONCURRENT");
            QCOMPARE_ROWS(*c, "SELECT v FROM t WHERE id = 11", "in the log");
            MUST(*c, "COMMIT");
        }
        QCOMPARE(sha256(path()), dbBefore);
        QCOMPARE(sha256(logPath()), logBefore);
    }

    void corruptFileIsRefusedUnchangedInEveryMode()
    {
        plainExec(path(), "CREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT);"
                          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                          "INSERT INTO big SELECT i, printf('%0200d', i) FROM n");
        QByteArray bytes = readAll(path());
        QVERIFY(bytes.size() > 8 * 4096);
        for (int i = 0; i < 512; ++i) // the middle of a leaf page: the header stays valid
            bytes[5 * 4096 + 8 + i] = static_cast<char>(0xA5);
        writeAll(path(), bytes);
        const QByteArray before = sha256(path());
        for (JournalMode mode : {JournalMode::Mvcc, JournalMode::Wal, JournalMode::Delete}) {
            Error error;
            QVERIFY(!openFile(path(), &error, DamagedLog::Refuse, mode));
            QVERIFY2(QString::fromStdString(error.message).contains("corrupt") ||
                         QString::fromStdString(error.message).contains("not a valid"),
                     error.message.c_str());
            QCOMPARE(error.code, rc::Corrupt);
            QCOMPARE(sha256(path()), before);
            QVERIFY(!QFile::exists(logPath()));
        }
    }

    void midLogDamageIsRefusedUnlessTheLossIsAccepted()
    {
        tenCommits(path());
        QByteArray log = readAll(logPath());
        const QList<int> frames = frameOffsets(log);
        QCOMPARE(frames.size(), 11);                                         // CREATE TABLE and ten inserts
        log[frames[5] + 22] = static_cast<char>(log[frames[5] + 22] ^ 0x01); // in frame 6's payload
        writeAll(logPath(), log);
        const QByteArray dbBefore = sha256(path()), logBefore = sha256(logPath());

        Error error;
        QVERIFY(!openFile(path(), &error));
        const QString message = QString::fromStdString(error.message);
        QVERIFY2(message.contains("damaged in the middle"), qPrintable(message));
        QVERIFY2(message.contains("frame 6 at offset " + QString::number(frames[5])), qPrintable(message));
        QVERIFY2(message.contains("5 valid frame(s) follow"), qPrintable(message));
        QCOMPARE(sha256(path()), dbBefore);
        QCOMPARE(sha256(logPath()), logBefore);
        QVERIFY(!QFile::exists(logPath() + ".discarded"));

        // Accepted: the frames before the damage, a note that says what was lost, the rest kept.
        auto trace = std::make_shared<TraceLog>();
        {
            OpenOptions options;
            options.damagedLog = DamagedLog::Truncate;
            options.trace = trace;
            auto db = Database::open(path().toStdString(), options, &error);
            QVERIFY2(db, error.message.c_str());
            const auto notes = db->openNotes();
            QVERIFY(notes.size() >= 2);
            QVERIFY2(QString::fromStdString(notes[0]).contains("loss was accepted"), notes[0].c_str());
            auto c = db->connect();
            QCOMPARE_ROWS(*c, "SELECT count(*), max(id) FROM t", "4|4");
        }
        QCOMPARE(readAll(logPath() + ".discarded"), log.mid(frames[5]));

        // The same damage again: an earlier .discarded is never overwritten.
        tenCommits(dir.filePath("y.db"));
        QByteArray other = readAll(dir.filePath("y.db-log"));
        QCOMPARE(frameOffsets(other).size(), 11);
        QFile::remove(path());
        QFile::remove(logPath());
        QVERIFY(QFile::copy(dir.filePath("y.db"), path()));
        other[frames[5] + 22] = static_cast<char>(other[frames[5] + 22] ^ 0x01);
        writeAll(logPath(), other);
        QVERIFY(openFile(path(), &error, DamagedLog::Truncate));
        QCOMPARE(readAll(logPath() + ".discarded"), log.mid(frames[5]));
        QCOMPARE(readAll(logPath() + ".discarded.2"), other.mid(frames[5]));
    }

    void aLogFromAnotherDatabaseIsRefused()
    {
        tenCommits(path());
        tenCommits(dir.filePath("other.db"));
        QVERIFY(QFile::remove(logPath()));
        QVERIFY(QFile::copy(dir.filePath("other.db-log"), logPath()));
        const QByteArray dbBefore = sha256(path()), logBefore = sha256(logPath());
        Error error;
        QVERIFY(!openFile(path(), &error));
        QVERIFY2(QString::fromStdString(error.message).contains("does not belong"), error.message.c_str());
        QCOMPARE(sha256(path()), dbBefore);
        QCOMPARE(sha256(logPath()), logBefore);
    }

    void aLogWhoseDatabaseWasDeletedIsRefused()
    {
        tenCommits(path());
        const QByteArray logBefore = sha256(logPath());
        QVERIFY(QFile::remove(path()));
        Error error;
        QVERIFY(!openFile(path(), &error));
        QVERIFY2(QString::fromStdString(error.message).contains("does not exist"), error.message.c_str());
        QVERIFY(!QFile::exists(path())); // nothing created
        QCOMPARE(sha256(logPath()), logBefore);

        // Deleted and created again as a new, empty database: the log is not its own either.
        plainExec(path(), "PRAGMA user_version = 1");
        QVERIFY(!openFile(path(), &error));
        QVERIFY2(QString::fromStdString(error.message).contains("does not belong"), error.message.c_str());
        QCOMPARE(sha256(logPath()), logBefore);
    }

    void aLegacyLogIsReplayedAndUpgraded()
    {
        tenCommits(path());
        // What an older TxScope wrote: a 16-byte header without a salt, and no salt in x.db.
        QByteArray log = readAll(logPath());
        QByteArray legacy("TXSMVLOG", 8);
        const std::uint32_t version = 1;
        legacy.append(reinterpret_cast<const char*>(&version), 4);
        const std::uint32_t crc = txs::mvcc::crc32c(legacy.constData(), 12);
        legacy.append(reinterpret_cast<const char*>(&crc), 4);
        writeAll(logPath(), legacy + log.mid(24));
        plainExec(path(), "DELETE FROM __txscope_mvcc_meta WHERE key = 'log-salt'");
        {
            Error error;
            auto db = openFile(path(), &error);
            QVERIFY2(db, error.message.c_str());
            auto c = db->connect();
            QCOMPARE_ROWS(*c, "SELECT count(*) FROM t", "10");
        }
        QCOMPARE(readAll(logPath()).left(8), QByteArray("TXSMVLOG"));
        QCOMPARE(readAll(logPath()).size(), log.size()); // the same frames behind a version-2 header
        auto db = openFile(path());
        QVERIFY(db);
        QVERIFY(db->openNotes().empty());
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM t", "10");
    }

    // The first writes race to create the meta table, the salt and the log: one wins, all commit.
    // (Before the tests that start a process: TSan cannot start threads after a fork.)
    void firstWritesFromManyThreadsCreateTheLogOnce()
    {
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto setup = db->connect();
            QCOMPARE_ROWS(*setup, "SELECT 1", "1");
            QVERIFY(!QFile::exists(logPath()));
            std::vector<std::thread> writers;
            std::atomic<int> failures{0};
            for (int w = 0; w < 8; ++w)
                writers.emplace_back([&, w] {
                    auto c = db->connect();
                    // DDL is a one-statement exclusive writer (as in Turso): the others wait
                    // for it instead of failing with SQLITE_BUSY.
                    c->setBusyTimeout(60000);
                    auto r = c->execute("CREATE TABLE IF NOT EXISTS t" + std::to_string(w) + " (x)");
                    if (!r.ok()) ++failures;
                });
            for (auto& t : writers)
                t.join();
            QCOMPARE(failures.load(), 0);
        }
        auto db = openFile(path());
        QVERIFY(db);
        QVERIFY(db->openNotes().empty());
        auto c = db->connect();
        for (int w = 0; w < 8; ++w)
            QCOMPARE_ROWS(*c, "SELECT count(*) FROM t" + std::to_string(w), "0");
    }

    void oneFileOneEngineWhateverThePath()
    {
        tenCommits(path());
        auto first = openFile(path());
        QVERIFY(first);
        const QString symlink = dir.filePath("link.db"), hardlink = dir.filePath("hard.db");
        QVERIFY(QFile::link(path(), symlink));
        QCOMPARE(::link(path().toUtf8().constData(), hardlink.toUtf8().constData()), 0);
        for (const QString& other : {symlink, hardlink, dir.path() + "/./x.db"}) {
            Error error;
            QVERIFY2(!openFile(other, &error), qPrintable(other));
            QVERIFY2(QString::fromStdString(error.message).contains("in use"), error.message.c_str());
            QCOMPARE(error.code, rc::Busy);
        }
        first.reset();
        // Once closed, the symlink opens the same database and its log (the target's).
        {
            auto db = openFile(symlink);
            QVERIFY(db);
            auto c = db->connect();
            QCOMPARE_ROWS(*c, "SELECT count(*) FROM t", "10");
        }
        QVERIFY(!QFile::exists(symlink + "-log"));
        QFile::remove(symlink);
        QFile::remove(hardlink);
    }

    void anotherProcessThroughAnotherPathIsRefused()
    {
        const QString symlink = dir.filePath("link.db");
        QVERIFY(QFile::link(path(), symlink));
        QProcess writer;
        writer.start(TXSCOPE_CRASH_WRITER, {symlink, "1", "1000000"});
        QVERIFY2(writer.waitForStarted(), qPrintable(writer.errorString()));
        // Its first acknowledged commit: it has the database open.
        while (!writer.canReadLine() && writer.state() == QProcess::Running)
            writer.waitForReadyRead(10000);
        QVERIFY2(writer.canReadLine(), writer.readAllStandardError().constData());
        for (const QString& other : {path(), dir.filePath("hard.db")}) {
            if (other.endsWith("hard.db"))
                QCOMPARE(::link(path().toUtf8().constData(), other.toUtf8().constData()), 0);
            Error error;
            QVERIFY2(!openFile(other, &error), qPrintable(other));
            QVERIFY2(QString::fromStdString(error.message).contains("another process"),
                     error.message.c_str());
        }
        writer.kill();
        writer.waitForFinished();
        QFile::remove(symlink);
        QFile::remove(dir.filePath("hard.db"));
        auto db = openFile(path());
        QVERIFY(db); // the lock went with the process
    }

    void checkpointThresholdCountsTheLogOnDisk()
    {
        constexpr std::uint64_t threshold = 4096;
        // Each run appends less than the threshold; together they pass it.
        for (int run = 0; run < 3; ++run) {
            auto db = openFile(path());
            QVERIFY(db);
            mvccStoreOf(*db)->durability()->setCheckpointThreshold(threshold);
            auto c = db->connect();
            MUST(*c, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)");
            for (int i = 0; i < 10; ++i)
                MUST(*c, "INSERT INTO t (v) VALUES ('" + std::string(100, 'a' + run) + "')");
            // About 1.3 KB per run: the third run found more than 4 KB on disk and asked for a
            // checkpoint. It runs on the checkpointer thread, and a database that closes first
            // leaves it to the next open (the log keeps every commit), so wait for it here.
            if (run == 2)
                QTRY_VERIFY2(QFileInfo(logPath()).size() < static_cast<qint64>(threshold),
                             qPrintable(QString::number(QFileInfo(logPath()).size())));
        }
        QVERIFY2(QFileInfo(logPath()).size() < static_cast<qint64>(threshold),
                 qPrintable(QString::number(QFileInfo(logPath()).size())));
        auto db = openFile(path());
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM t", "30");
    }
};

QTEST_GUILESS_MAIN(TestMvccDbSafety)
#include "tst_mvcc_db_safety.moc"
