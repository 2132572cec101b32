// Bad input an MVCC database on a file must survive with a clear error and nothing committed lost:
// a full disk (injected: RLIMIT_FSIZE makes growing a file fail with EFBIG, deterministically, with
// no tmpfs to mount) on a commit and on a checkpoint, and read-only files (the immutable flag, so
// that it holds for root; chmod when not root). Corrupt and locked files: tst_mvcc_crash.cpp.

#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"
#include "support/PlainSqlite.h"
#include "support/TestDb.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/fs.h>
#include <sqlite3.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace txs;

using txs::test::plainSqlite;

namespace {

using test::openFile;

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A full disk for this process: no file may grow past `bytes` (EFBIG instead of SIGXFSZ) until
// lift() or the end of the scope, so a failing check cannot leave the limit on other tests.
class FileSizeLimit
{
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        previousHandler_ = std::signal(SIGXFSZ, SIG_IGN);
        ok_ = ::getrlimit(RLIMIT_FSIZE, &saved_) == 0;
        rlimit limited = saved_;
        limited.rlim_cur = bytes;
        ok_ = ok_ && ::setrlimit(RLIMIT_FSIZE, &limited) == 0;
        active_ = true;
    }
    ~FileSizeLimit() { lift(); }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

    bool ok() const { return ok_; }
    void lift()
    {
        if (!active_) return;
        if (ok_) ::setrlimit(RLIMIT_FSIZE, &saved_);
        std::signal(SIGXFSZ, previousHandler_);
        active_ = false;
    }

private:
    rlimit saved_{};
    void (*previousHandler_)(int) = SIG_DFL;
    bool ok_ = false;
    bool active_ = false;
};

// Makes a file read-only for this process, root included: the immutable flag (chattr +i) where
// the filesystem and our capabilities allow it, else mode 0444 when we are not root (root ignores
// modes). Undone at the end of the scope: an immutable file cannot even be deleted.
class ReadOnlyFile
{
public:
    explicit ReadOnlyFile(const QString& path) : path_(path.toStdString())
    {
        errno = 0;
        if (setImmutable(true)) {
            how_ = Immutable;
            return;
        }
        why_ = "chattr +i " + path_ + ": " + std::strerror(errno);
        struct stat st
        {};
        if (::geteuid() == 0) {
            why_ += "; and root ignores file modes";
        } else if (::stat(path_.c_str(), &st) == 0 && ::chmod(path_.c_str(), 0444) == 0) {
            mode_ = st.st_mode & 07777;
            how_ = Mode;
        } else {
            why_ += "; chmod: " + std::string(std::strerror(errno));
        }
    }
    ~ReadOnlyFile() { undo(); }
    ReadOnlyFile(const ReadOnlyFile&) = delete;
    ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

    bool ok() const { return how_ != None; }
    const std::string& whyNot() const { return why_; }
    // What open(2) says to a writer: the cause a clear message should name.
    const char* cause() const { return std::strerror(how_ == Immutable ? EPERM : EACCES); }
    void undo()
    {
        if (how_ == Immutable) setImmutable(false);
        if (how_ == Mode) ::chmod(path_.c_str(), mode_);
        how_ = None;
    }

private:
    bool setImmutable(bool on)
    {
        const int fd = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) return false;
        int flags = 0; // FS_IOC_[GS]ETFLAGS take an int, whatever the macros say
        bool done = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
        if (done) {
            flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
            done = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
        }
        const int saved = errno;
        ::close(fd);
        errno = saved;
        return done;
    }

    enum How { None, Immutable, Mode };
    const std::string path_;
    How how_ = None;
    mode_t mode_ = 0;
    std::string why_;
};

std::string text(int i)
{
    return "'" + std::to_string(i) + std::string(90, 'x') + "'";
}

} // namespace

class TestMvccBadInput : public QObject
{
    Q_OBJECT

    QTemporaryDir dir;
    QString path() const { return dir.filePath("x.db"); }
    QString logPath() const { return dir.filePath("x.db-log"); }

    // The files in the directory with their bytes: what "nothing changed on disk" compares.
    QMap<QString, QByteArray> onDisk() const
    {
        QMap<QString, QByteArray> files;
        for (const auto& name : QDir(dir.path()).entryList(QDir::Files))
            files[name] = readAll(dir.filePath(name));
        return files;
    }

private slots:
    void init()
    {
        for (const auto& name : QDir(dir.path()).entryList(QDir::Files))
            QFile::remove(dir.filePath(name));
    }

    // The log cannot grow: the COMMIT (or autocommit statement) that needed the room fails with an
    // I/O error naming the log and the cause, its rows never appear, and every commit acknowledged
    // before (and after the disk has room again) is there, now and after reopening.
    void fullDiskFailsTheCommitAndLosesNothing()
    {
        constexpr rlim_t limit = 16384;
        std::int64_t failedIds[2] = {0, 0};
        std::int64_t ackedCount = 0, ackedSum = 0;
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto c = db->connect();
            // The log grows 5,000 bytes at a time (a quarter of the threshold), and no automatic
            // checkpoint runs before the 16 KB limit stops it.
            MUST(*c, "PRAGMA mvcc_checkpoint_threshold = 20000");
            MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
            QVERIFY(QFileInfo(logPath()).size() < 6000);
            QVERIFY(QFileInfo(path()).size() < static_cast<qint64>(limit));

            FileSizeLimit full(limit);
            QVERIFY2(full.ok(), std::strerror(errno));
            // Two-row transactions until a COMMIT fails.
            std::optional<Error> failure;
            for (int i = 1; i <= 200 && !failure; ++i) {
                const std::int64_t a = 2 * i - 1, b = 2 * i;
                MUST(*c, "BEGIN");
                MUST(*c, "INSERT INTO t VALUES (" + std::to_string(a) + ", " + text(i) + ")");
                MUST(*c, "INSERT INTO t VALUES (" + std::to_string(b) + ", " + text(i) + ")");
                auto r = c->execute("COMMIT");
                if (r.ok()) {
                    ackedCount += 2;
                    ackedSum += a + b;
                } else {
                    failure = r.error;
                    failedIds[0] = a;
                    failedIds[1] = b;
                }
            }
            QVERIFY2(failure, "the log never hit the file size limit");
            QVERIFY2(ackedCount >= 20, "the limit should stop the log after a few growth steps");
            const QString message = QString::fromStdString(failure->message);
            QCOMPARE(failure->kind, ErrorKind::Io);
            QCOMPARE(failure->code, rc::IoErr);
            QVERIFY2(message.contains(logPath()), qPrintable(message));
            QVERIFY2(message.contains(std::strerror(EFBIG)), qPrintable(message));
            QVERIFY2(message.contains("nothing was committed"), qPrintable(message));
            // Its writes are undone; as after SQLite's SQLITE_IOERR, the application ends it with
            // ROLLBACK, and until then hears why (an I/O error, not a retryable conflict).
            auto refused = c->execute("SELECT count(*) FROM t");
            QVERIFY(!refused.ok());
            QCOMPARE(refused.error->kind, ErrorKind::Io);
            QVERIFY2(QString::fromStdString(refused.error->message).contains("only accepts ROLLBACK"),
                     refused.error->message.c_str());
            QVERIFY2(QString::fromStdString(refused.error->message).contains(logPath()),
                     refused.error->message.c_str());
            MUST(*c, "ROLLBACK");
            auto other = db->connect();
            const std::string acked = std::to_string(ackedCount) + "|" + std::to_string(ackedSum);
            for (auto* conn : {c.get(), other.get()}) {
                QCOMPARE_ROWS(*conn, "SELECT count(*), sum(id) FROM t", acked);
                QCOMPARE_ROWS(*conn,
                              "SELECT count(*) FROM t WHERE id IN (" + std::to_string(failedIds[0]) + ", " +
                                  std::to_string(failedIds[1]) + ")",
                              "0");
            }
            // A failed growth leaves no partial extension behind.
            QVERIFY(QFileInfo(logPath()).size() <= static_cast<qint64>(limit));

            // An autocommit statement meets the same wall (a smaller frame may still fit once).
            std::optional<Error> autocommitFailure;
            std::int64_t id = 10000;
            for (; id < 10100 && !autocommitFailure; ++id) {
                auto r = c->execute("INSERT INTO t VALUES (" + std::to_string(id) + ", 'auto')");
                if (r.ok()) {
                    ++ackedCount;
                    ackedSum += id;
                } else {
                    autocommitFailure = r.error;
                }
            }
            QVERIFY2(autocommitFailure, "an autocommit INSERT never hit the limit");
            QCOMPARE(autocommitFailure->kind, ErrorKind::Io);
            QVERIFY2(QString::fromStdString(autocommitFailure->message).contains(logPath()),
                     autocommitFailure->message.c_str());
            const std::int64_t failedAuto = id - 1;
            QCOMPARE_ROWS(*other, "SELECT count(*) FROM t WHERE id = " + std::to_string(failedAuto), "0");

            // So does DDL (a frame too big for what is left): no table, now or after reopening.
            const std::string longName(200, 'c');
            auto ddl = c->execute("CREATE TABLE u (" + longName + ")");
            QVERIFY(!ddl.ok());
            QCOMPARE(ddl.error->kind, ErrorKind::Io);
            QVERIFY2(QString::fromStdString(ddl.error->message).contains(logPath()),
                     ddl.error->message.c_str());
            QVERIFY(!other->execute("SELECT * FROM u").ok());

            // Room again: the same database takes commits without being reopened.
            full.lift();
            MUST(*c, "INSERT INTO t VALUES (" + std::to_string(failedAuto) + ", 'after the disk had room')");
            ++ackedCount;
            ackedSum += failedAuto;
        }
        Error error;
        auto db = openFile(path(), &error);
        QVERIFY2(db, error.message.c_str());
        QVERIFY(mvccStoreOf(*db)->durability()->recoveryNotes().empty()); // no torn or partial frame
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT count(*), sum(id) FROM t",
                      std::to_string(ackedCount) + "|" + std::to_string(ackedSum));
        QCOMPARE_ROWS(*c,
                      "SELECT count(*) FROM t WHERE id IN (" + std::to_string(failedIds[0]) + ", " +
                          std::to_string(failedIds[1]) + ")",
                      "0");
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM t WHERE v = 'after the disk had room'", "1");
        QVERIFY(!c->execute("SELECT * FROM u").ok());
    }

    // The SQLite file cannot grow: PRAGMA wal_checkpoint fails naming the file and the cause,
    // commits go on (into the log, which has room), an automatic checkpoint failing does not fail
    // its commit, the file is left as it was; with room again the checkpoint moves everything.
    void fullDiskFailsTheCheckpointAndLosesNothing()
    {
        constexpr rlim_t limit = 65536;
        auto trace = std::make_shared<TraceLog>();
        {
            auto db = openFile(path(), nullptr, DamagedLog::Refuse, JournalMode::Mvcc, trace);
            QVERIFY(db);
            auto c = db->connect();
            // Growth steps of 250 KB: the log has room for what follows before the limit is set.
            MUST(*c, "PRAGMA mvcc_checkpoint_threshold = 1000000");
            // The limit stands in for a full disk, but it also refuses a write() into space the
            // log already has, which a full disk does not; at NORMAL a commit's frame is copied
            // into the log's mapping instead, so it goes where a full disk would let it go.
            MUST(*c, "PRAGMA synchronous = NORMAL");
            MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
            // One 3,000-byte row per SQLite page: 100 rows need a 400 KB file, and 300 KB of log.
            for (int i = 1; i <= 100; ++i)
                MUST(*c, "INSERT INTO t VALUES (" + std::to_string(i) + ", printf('%.3000c', 'r'))");
            QVERIFY(QFileInfo(logPath()).size() > 400000);
            const QByteArray fileBefore = readAll(path());
            QVERIFY(fileBefore.size() < static_cast<qint64>(limit));

            FileSizeLimit full(limit);
            QVERIFY2(full.ok(), std::strerror(errno));
            MUST(*c, "INSERT INTO t VALUES (101, 'fits in the log')");
            auto r = c->execute("PRAGMA wal_checkpoint");
            QVERIFY2(!r.ok(), "the checkpoint should not fit under the limit");
            const QString message = QString::fromStdString(r.error->message);
            QCOMPARE(r.error->kind, ErrorKind::Io);
            QVERIFY2(message.contains("checkpoint of " + path() + " failed"), qPrintable(message));
            QVERIFY2(message.contains(std::strerror(EFBIG)), qPrintable(message));
            QVERIFY2(message.contains("nothing was lost"), qPrintable(message));
            QCOMPARE(readAll(path()), fileBefore);
            QCOMPARE(plainSqlite(path(), "PRAGMA integrity_check"), QString("ok"));
            QVERIFY(!QFile::exists(path() + "-journal"));

            // Automatic checkpoints are now wanted after every commit, and fail on the checkpointer
            // thread: the commits do not. (Commits that pass the threshold while one is wanted
            // share it, so two commits make one or two tries.)
            MUST(*c, "PRAGMA mvcc_checkpoint_threshold = 1");
            MUST(*c, "INSERT INTO t VALUES (102, 'auto checkpoint failed after me')");
            MUST(*c, "UPDATE t SET v = 'updated' WHERE id = 1");
            auto autoFailures = [&] {
                int failures = 0;
                for (const auto& e : trace->snapshot())
                    if (e.kind == EventKind::Note && QString::fromStdString(e.text).startsWith(
                                                         "automatic checkpoint failed: checkpoint of"))
                        ++failures;
                return failures;
            };
            QTRY_VERIFY(autoFailures() >= 1);
            QVERIFY(autoFailures() <= 2);
            QCOMPARE(readAll(path()), fileBefore);
            QCOMPARE_ROWS(*c, "SELECT count(*), sum(id), sum(length(v)) FROM t",
                          "102|5253|" + std::to_string(99 * 3000 + 7 + 15 + 31));

            full.lift();
            r = c->execute("PRAGMA wal_checkpoint");
            QVERIFY2(r.ok(), r.ok() ? "" : r.error->message.c_str());
            QCOMPARE(plainSqlite(path(), "SELECT count(*), sum(id) FROM t"), QString("102|5253"));
            QCOMPARE(plainSqlite(path(), "SELECT v FROM t WHERE id IN (1, 102) ORDER BY id"),
                     QString("updated, auto checkpoint failed after me"));
        }
        auto db = openFile(path());
        QVERIFY(db);
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT count(*), sum(id), sum(length(v)) FROM t",
                      "102|5253|" + std::to_string(99 * 3000 + 7 + 15 + 31));
    }

    void readOnlyFileRefusesToOpen_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("database") << "x.db";
        QTest::newRow("log") << "x.db-log";
    }

    // A read-only database or log: open fails with a message naming that file, changes nothing
    // on disk, and once the file is writable again everything committed is there.
    void readOnlyFileRefusesToOpen()
    {
        QFETCH(QString, file);
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto c = db->connect();
            MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
            MUST(*c, "INSERT INTO t VALUES (1, 'in the file')");
            MUST(*c, "PRAGMA wal_checkpoint");
            MUST(*c, "INSERT INTO t VALUES (2, 'in the log')");
        }
        const auto before = onDisk();
        QCOMPARE(before.keys(), (QStringList{"x.db", "x.db-log"}));
        {
            ReadOnlyFile readOnly(dir.filePath(file));
            if (!readOnly.ok())
                QSKIP(qPrintable("cannot make a file read-only here: " +
                                 QString::fromStdString(readOnly.whyNot())));
            Error error;
            auto db = openFile(path(), &error);
            QVERIFY2(!db, "a read-only file should refuse to open: commits could not be kept");
            const QString message = QString::fromStdString(error.message);
            // Names that file (x.db, not only as the prefix of x.db-log) and why.
            QVERIFY2(message.contains(
                         QRegularExpression(QRegularExpression::escape(dir.filePath(file)) + "(?!-log)")),
                     qPrintable(message));
            QVERIFY2(message.contains(file == "x.db" ? QString("read-only") : QString(readOnly.cause())),
                     qPrintable(message));
            QCOMPARE(error.kind, ErrorKind::Io);
            QCOMPARE(onDisk(), before);
        }
        Error error;
        auto db = openFile(path(), &error);
        QVERIFY2(db, error.message.c_str());
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT id, v FROM t ORDER BY id", "1|in the file, 2|in the log");
    }
};

QTEST_GUILESS_MAIN(TestMvccBadInput)
#include "tst_mvcc_bad_input.moc"
