// `txscope-cli run --db` never harms the user's database: each bad case ends with the exit code
// it promises, says why, and leaves the file's sha256 as it was.

#include "support/TestDb.h"

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cstring>
#include <sqlite3.h>

namespace {

const QString kCli = QStringLiteral(TXSCOPE_CLI_PATH);

struct CliResult
{
    int exitCode = -1;
    QString out, err;
    QString both() const { return "stdout:\n" + out + "\nstderr:\n" + err; }
};

CliResult runCli(const QStringList& args)
{
    QProcess process;
    process.start(kCli, args);
    CliResult r;
    if (!process.waitForStarted(-1) || !process.waitForFinished(-1)) {
        r.err = "could not run " + kCli + ": " + process.errorString();
        return r;
    }
    r.out = QString::fromUtf8(process.readAllStandardOutput());
    r.err = QString::fromUtf8(process.readAllStandardError());
    r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    return r;
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

QByteArray sha256(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly)
               ? QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex()
               : QByteArray("missing");
}

// A user's own database, written by plain SQLite.
QString userDatabase(const QTemporaryDir& dir, const char* journalMode = "delete")
{
    const QString path = dir.filePath("user.db");
    sqlite3* db = nullptr;
    sqlite3_open(path.toUtf8().constData(), &db);
    const QByteArray sql = QByteArray("PRAGMA journal_mode=") + journalMode +
                           "; CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT);"
                           "INSERT INTO accounts VALUES (1, 'alice'), (2, 'bob');";
    sqlite3_exec(db, sql.constData(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return path;
}

} // namespace

class TestCliDbSafety : public QObject
{
    Q_OBJECT

private slots:
    void mvccTakesTheUsersTablesAndRefusesAView()
    {
        QTemporaryDir dir;
        const QString db = userDatabase(dir);
        const QString txs = writeFile(dir, "w.txs",
                                      "setup:\n  INSERT INTO accounts VALUES (3, 'carol');\n"
                                      "check:\n  SELECT count(*) FROM accounts;   -- expect: 3\n"
                                      "  PRAGMA wal_checkpoint(TRUNCATE);\n");
        const CliResult taken = runCli({"run", txs, "--db", db, "--journal-mode", "mvcc"});
        QVERIFY2(taken.exitCode == 0, qPrintable(taken.both()));
        sqlite3* plain = nullptr;
        QCOMPARE(sqlite3_open(db.toUtf8().constData(), &plain), SQLITE_OK);
        sqlite3_stmt* count = nullptr;
        sqlite3_prepare_v2(plain, "SELECT count(*) FROM accounts", -1, &count, nullptr);
        QCOMPARE(sqlite3_step(count), SQLITE_ROW);
        QCOMPARE(sqlite3_column_int(count, 0), 3);
        sqlite3_finalize(count);
        sqlite3_exec(plain, "CREATE TABLE owners (k TEXT PRIMARY KEY, v) WITHOUT ROWID", nullptr, nullptr,
                     nullptr);
        sqlite3_close(plain);

        const QByteArray before = sha256(db);
        const QByteArray logBefore = sha256(db + "-log");
        const CliResult r = runCli({"run", txs, "--db", db, "--journal-mode", "mvcc"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("table owners"), qPrintable(r.both()));
        QCOMPARE(sha256(db), before);
        QCOMPARE(sha256(db + "-log"), logBefore);
    }

    // A run on a user's file in MVCC mode leaves its commits in the file, not only in the log:
    // the user's own program (stock SQLite) reads them at once, and what it writes afterwards is
    // not undone by TxScope's next open replaying an old log over it (it was: the program's
    // committed UPDATE came back as TxScope's older value).
    void mvccCommitsReachTheFileAndTheUsersLaterWritesSurvive()
    {
        QTemporaryDir dir;
        const QString db = userDatabase(dir);
        const QString rename =
            writeFile(dir, "rename.txs", "A: UPDATE accounts SET owner = 'txscope' WHERE id = 1;\n");
        const CliResult first = runCli({"run", rename, "--db", db, "--journal-mode", "mvcc"});
        QVERIFY2(first.exitCode == 0, qPrintable(first.both()));
        sqlite3* plain = nullptr;
        QCOMPARE(sqlite3_open(db.toUtf8().constData(), &plain), SQLITE_OK);
        auto owners = [&] {
            QStringList out;
            sqlite3_stmt* stmt = nullptr;
            sqlite3_prepare_v2(plain, "SELECT owner FROM accounts ORDER BY id", -1, &stmt, nullptr);
            while (sqlite3_step(stmt) == SQLITE_ROW)
                out << reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
            sqlite3_finalize(stmt);
            return out.join(",");
        };
        QCOMPARE(owners(), QString("txscope,bob"));
        QCOMPARE(
            sqlite3_exec(plain, "UPDATE accounts SET owner = 'app' WHERE id = 1", nullptr, nullptr, nullptr),
            SQLITE_OK);
        sqlite3_close(plain);

        const QString read = writeFile(
            dir, "read.txs", "check:\n  SELECT owner FROM accounts WHERE id = 1;   -- expect: app\n");
        const QByteArray before = sha256(db);
        const CliResult second = runCli({"run", read, "--db", db, "--journal-mode", "mvcc"});
        QVERIFY2(second.exitCode == 0, qPrintable(second.both()));
        QCOMPARE(sha256(db), before); // a run that only reads keeps every byte
        QCOMPARE(sqlite3_open(db.toUtf8().constData(), &plain), SQLITE_OK);
        QCOMPARE(owners(), QString("app,bob"));
        sqlite3_close(plain);
    }

    void readOnlyWorkloadLeavesTheFileUnchangedInEveryMode()
    {
        QTemporaryDir dir;
        const QString txs = writeFile(dir, "select.txs", "check:\n  SELECT 1;   -- expect: 1\n");
        for (const char* mode : {"delete", "wal"}) {
            const QString db = userDatabase(dir, mode);
            const QByteArray before = sha256(db);
            const CliResult r = runCli({"run", txs, "--db", db, "--journal-mode", mode});
            QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
            QVERIFY2(!r.err.contains("switched"), qPrintable(r.both()));
            QCOMPARE(sha256(db), before);
            QFile::remove(db);
        }
        // An MVCC database of TxScope's own: neither the file nor its log changes.
        const QString db = dir.filePath("mvcc.db");
        const QString writes =
            writeFile(dir, "writes.txs", "setup:\n  CREATE TABLE t (x);\n  INSERT INTO t VALUES (1);\n");
        QCOMPARE(runCli({"run", writes, "--db", db}).exitCode, 0);
        const QByteArray dbBefore = sha256(db), logBefore = sha256(db + "-log");
        const CliResult r = runCli({"run", txs, "--db", db});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        QCOMPARE(sha256(db), dbBefore);
        QCOMPARE(sha256(db + "-log"), logBefore);
        // A new file: no log, no meta table.
        const QString fresh = dir.filePath("fresh.db");
        QCOMPARE(runCli({"run", txs, "--db", fresh}).exitCode, 0);
        QVERIFY(!QFile::exists(fresh + "-log"));
        QCOMPARE(QFileInfo(fresh).size(), 0);
    }

    void aJournalModeSwitchIsAskedForAndSaid()
    {
        QTemporaryDir dir;
        const QString db = userDatabase(dir, "delete");
        const QString txs =
            writeFile(dir, "select.txs", "check:\n  SELECT count(*) FROM accounts;   -- expect: 2\n");
        const CliResult r = runCli({"run", txs, "--db", db, "--journal-mode", "wal"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        QVERIFY2(r.err.contains("switched from delete to wal"), qPrintable(r.both()));
        QVERIFY2(r.err.contains("stays in wal mode"), qPrintable(r.both()));
    }

    void corruptDatabaseIsRefusedUnchangedInEveryMode()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("user.db");
        sqlite3* handle = nullptr;
        sqlite3_open(db.toUtf8().constData(), &handle);
        sqlite3_exec(handle,
                     "CREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT);"
                     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                     "INSERT INTO big SELECT i, printf('%0200d', i) FROM n",
                     nullptr, nullptr, nullptr);
        sqlite3_close(handle);
        QFile f(db);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.seek(5 * 4096 + 8));
        f.write(QByteArray(512, static_cast<char>(0xA5)));
        f.close();
        const QByteArray before = sha256(db);
        const QString txs = writeFile(dir, "select.txs", "check:\n  SELECT 1;\n");
        for (const char* mode : {"mvcc", "wal", "delete"}) {
            const CliResult r = runCli({"run", txs, "--db", db, "--journal-mode", mode});
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains("corrupt"), qPrintable(r.both()));
            QCOMPARE(sha256(db), before);
        }
    }

    void lockedDatabaseIsAFailureNotAPass()
    {
        QTemporaryDir dir;
        const QString db = userDatabase(dir);
        sqlite3* holder = nullptr;
        QCOMPARE(sqlite3_open(db.toUtf8().constData(), &holder), SQLITE_OK);
        // RESERVED: readers get in, every write fails with SQLITE_BUSY.
        QCOMPARE(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
        const QString writes = writeFile(dir, "w.txs",
                                         "journal_mode: delete\n"
                                         "A: INSERT INTO accounts VALUES (3, 'carol');\n"
                                         "A: UPDATE accounts SET owner = 'x';\n");
        CliResult r = runCli({"run", writes, "--db", db});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("SQLITE_BUSY") && r.out.contains("result: FAIL"), qPrintable(r.both()));
        // EXCLUSIVE: not even the check can read it; said at open, in every mode.
        // (Hashed only while no lock is held: closing the file after reading it would drop the
        // holder's POSIX locks, which belong to this process.)
        QCOMPARE(sqlite3_exec(holder, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
        const QByteArray before = sha256(db);
        QCOMPARE(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
        for (const char* mode : {"delete", "wal", "mvcc"}) {
            r = runCli({"run", writes, "--db", db, "--journal-mode", mode});
            QVERIFY2(r.exitCode == 1, qPrintable(QString(mode) + "\n" + r.both()));
            QVERIFY2(r.err.contains("locked"), qPrintable(r.both()));
        }
        sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(holder);
        QCOMPARE(sha256(db), before);
        QVERIFY(!QFile::exists(db + "-log"));
    }

    void readOnlyAndSyntaxErrorsWithoutExpectationFail()
    {
        QTemporaryDir dir;
        const QString readOnly = writeFile(dir, "ro.txs",
                                           "journal_mode: delete\n"
                                           "setup:\n  CREATE TABLE t (x);\n"
                                           "A: PRAGMA query_only = 1;\n"
                                           "A: INSERT INTO t VALUES (1);\n");
        CliResult r = runCli({"run", readOnly});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("statement failures: 1") && r.out.contains("SQLITE_READONLY"),
                 qPrintable(r.both()));
        QVERIFY2(r.out.contains("result: FAIL (1 statement failed)"), qPrintable(r.both()));

        const QString syntax = writeFile(dir, "syntax.txs", "setup:\n  CREATE TABLE t (x);\n  SELEC 1;\n");
        for (const char* mode : {"mvcc", "delete"}) {
            r = runCli({"run", syntax, "--journal-mode", mode});
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.out.contains("setup (line 3)"), qPrintable(r.both()));
        }
        r = runCli({"run", syntax, "--json"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("statement failed: setup (line 3)"), qPrintable(r.both()));

        // With the error expected, the same statement passes.
        const QString expected = writeFile(
            dir, "expected.txs", "setup:\n  CREATE TABLE t (x);\n  SELEC 1;   -- expect: error syntax\n");
        r = runCli({"run", expected});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    }

    void damagedMvccLogNeedsRecoverTruncate()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("x.db");
        // A run checkpoints at its end, so its log holds no frame; a log with frames is what a
        // program killed mid-run leaves, written here through the engine as that run would.
        {
            auto opened = txs::test::openFile(db);
            QVERIFY(opened);
            auto c = opened->connect();
            MUST(*c, "CREATE TABLE t (x)");
            for (const char* insert : {"INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)",
                                       "INSERT INTO t VALUES (3)"})
                MUST(*c, insert);
        }
        QFile log(db + "-log");
        QVERIFY(log.open(QIODevice::ReadWrite));
        QByteArray bytes = log.readAll();
        // The second frame (the first INSERT): 24-byte header, then the CREATE TABLE frame.
        std::uint32_t payload = 0;
        std::memcpy(&payload, bytes.constData() + 24 + 4, 4);
        const int second = 24 + 20 + static_cast<int>(payload) + 8;
        bytes[second + 21] = static_cast<char>(bytes[second + 21] ^ 0x40);
        QVERIFY(log.seek(0));
        log.write(bytes);
        log.close();
        const QByteArray dbBefore = sha256(db), logBefore = sha256(db + "-log");
        const QString count = writeFile(dir, "count.txs", "check:\n  SELECT count(*) FROM t;\n");
        CliResult r = runCli({"run", count, "--db", db});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("damaged in the middle") && r.err.contains("--recover=truncate"),
                 qPrintable(r.both()));
        QCOMPARE(sha256(db), dbBefore);
        QCOMPARE(sha256(db + "-log"), logBefore);

        r = runCli({"run", count, "--db", db, "--recover=truncate"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        QVERIFY2(r.err.contains("note: ") && r.err.contains("loss was accepted"), qPrintable(r.both()));
        QVERIFY2(r.out.contains("-> 0"), qPrintable(r.both()));
        QVERIFY(QFile::exists(db + "-log.discarded"));
    }
};

QTEST_GUILESS_MAIN(TestCliDbSafety)
#include "tst_cli_db_safety.moc"
