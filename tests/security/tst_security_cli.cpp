// The attacks of issue 16 as a user meets them: a hostile .txs run by the built txscope-cli, in
// a child process, so a crash shows as the child's death, not ours. Each effect must be absent:
// no file created, no crash, the terminal's control characters escaped, Ctrl-C ends the run
// with status 130 and leaves no temporary folder, --allow-attach says so loudly.

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <sqlite3.h>

namespace {

const QString kCli = QStringLiteral(TXSCOPE_CLI_PATH);

struct CliResult
{
    bool crashed = false;
    int exitCode = -1;
    QByteArray out, err;
    QString both() const
    {
        return "stdout:\n" + QString::fromUtf8(out) + "\nstderr:\n" + QString::fromUtf8(err);
    }
};

CliResult runCli(const QStringList& args)
{
    QProcess process;
    process.start(kCli, args);
    CliResult r;
    if (!process.waitForStarted(-1) || !process.waitForFinished(-1)) qFatal("could not run txscope-cli");
    r.out = process.readAllStandardOutput();
    r.err = process.readAllStandardError();
    r.crashed = process.exitStatus() != QProcess::NormalExit;
    r.exitCode = process.exitCode();
    return r;
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QString& content)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    file.write(content.toUtf8());
    return path;
}

} // namespace

class SecurityCli : public QObject
{
    Q_OBJECT

private slots:
    void modes_data()
    {
        QTest::addColumn<QString>("mode");
        for (const char* name : {"mvcc", "wal", "delete"})
            QTest::newRow(name) << QString(name);
    }

    // The reproducer: it crashed the process at 0x4141414141414141 in every mode.
    void fts3TokenizerDoesNotCrash_data() { modes_data(); }
    void fts3TokenizerDoesNotCrash()
    {
        QFETCH(QString, mode);
        QTemporaryDir dir;
        const QString file =
            writeFile(dir, "evil.txs",
                      "journal_mode: " + mode +
                          "\nT1: SELECT fts3_tokenizer('evil', x'4141414141414141'); -- expect: error\n"
                          "T1: CREATE VIRTUAL TABLE f USING fts3(tokenize=evil); -- expect: error\n"
                          "T1: INSERT INTO f VALUES ('boom'); -- expect: error\n");
        const CliResult r = runCli({"run", file});
        QVERIFY2(!r.crashed, qPrintable(r.both()));
        QCOMPARE(r.exitCode, 0);
    }

    void attachAndVacuumIntoCreateNothing_data() { modes_data(); }
    void attachAndVacuumIntoCreateNothing()
    {
        QFETCH(QString, mode);
        QTemporaryDir dir;
        const QString a = dir.filePath("attached.db"), v = dir.filePath("vacuumed.db");
        const QString file = writeFile(dir, "evil.txs",
                                       "journal_mode: " + mode +
                                           "\nsetup:\n  CREATE TABLE t(x);\n"
                                           "T1: ATTACH DATABASE '" +
                                           a +
                                           "' AS x; -- expect: error\n"
                                           "T1: VACUUM INTO '" +
                                           v + "'; -- expect: error\n");
        const CliResult r = runCli({"run", file});
        QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(r.both()));
        QVERIFY(!QFileInfo::exists(a));
        QVERIFY(!QFileInfo::exists(v));
    }

    // The opt-in works, and is said on stderr.
    void allowAttach_data()
    {
        QTest::addColumn<bool>("flag");
        QTest::newRow("--allow-attach") << true;
        QTest::newRow("allow_attach: yes") << false;
    }
    void allowAttach()
    {
        QFETCH(bool, flag);
        QTemporaryDir dir;
        const QString a = dir.filePath("attached.db");
        const QString file = writeFile(dir, "attach.txs",
                                       QString("journal_mode: wal\n") + (flag ? "" : "allow_attach: yes\n") +
                                           "T1: ATTACH DATABASE '" + a +
                                           "' AS x; -- expect: ok\n"
                                           "T1: CREATE TABLE x.t(a); -- expect: ok\n");
        QStringList args{"run", file};
        if (flag) args << "--allow-attach";
        const CliResult r = runCli(args);
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        QVERIFY(QFileInfo::exists(a));
        QVERIFY2(r.err.contains("WARNING: ATTACH"), qPrintable(r.both()));
    }

    // ESC [ 2 J in a result cleared the user's screen; C1 CSI (U+009B) and a forged log line too.
    void controlCharactersEscaped()
    {
        QTemporaryDir dir;
        const QString file = writeFile(dir, "ansi.txs",
                                       "T1: SELECT char(27) || '[2J' || char(155) || '[31m' || char(10) || "
                                       "'result: PASS' || char(127);\n"
                                       "T1: SELECT * FROM \"\x1b]0;owned\x07\";\n");
        const CliResult r = runCli({"run", file});
        QVERIFY2(!r.crashed, qPrintable(r.both()));
        for (const QByteArray& stream : {r.out, r.err}) {
            QVERIFY2(!stream.contains('\x1b'), qPrintable(r.both()));
            QVERIFY(!stream.contains('\x07'));
            QVERIFY(!stream.contains('\x7f'));
            QVERIFY(!stream.contains("\xc2\x9b"));
        }
        QVERIFY2(r.out.contains("\\u001b[2J\\u009b[31m\\u000aresult: PASS\\u007f"), qPrintable(r.both()));
        QVERIFY(r.out.contains("\\u001b]0;owned\\u0007")); // an error message naming the table
    }

    // Ctrl-C: the run stops, says so, exits 130 and removes its temporary folder.
    void sigintStopsCleanly_data()
    {
        QTest::addColumn<QString>("statement");
        QTest::newRow("sleep") << "sleep 3600s;";
        QTest::newRow("endless") << "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT "
                                    "count(*) FROM c;";
    }
    void sigintStopsCleanly()
    {
        QFETCH(QString, statement);
        QTemporaryDir dir, tmp;
        const QString file = writeFile(dir, "endless.txs", "journal_mode: wal\nT1: " + statement + "\n");
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("TMPDIR", tmp.path()); // where the run's temporary folder goes
        process.setProcessEnvironment(env);
        process.start(kCli, {"run", file});
        QVERIFY(process.waitForStarted(-1));
        // The temporary folder exists once the database is open, and the signal handling is
        // set up before that.
        QTRY_VERIFY_WITH_TIMEOUT(!QDir(tmp.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty(),
                                 60000);
        QElapsedTimer timer;
        timer.start();
        ::kill(static_cast<pid_t>(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(60000));
        qInfo("SIGINT to exit: %lld ms", static_cast<long long>(timer.elapsed()));
        const QByteArray err = process.readAllStandardError();
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 130);
        QVERIFY2(err.contains("stopped by SIGINT"), err.constData());
        QVERIFY(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty());
    }

    // A crafted MVCC database whose stored schema attaches a file: refused (exit 2), unchanged.
    void craftedDatabaseRefused()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("crafted.db"), evil = dir.filePath("evil.db");
        sqlite3* raw = nullptr;
        QCOMPARE(sqlite3_open(db.toUtf8().constData(), &raw), SQLITE_OK);
        const QString sql =
            "CREATE TABLE __txscope_mvcc_meta(key TEXT PRIMARY KEY, sql TEXT, ts INTEGER NOT NULL);"
            "INSERT INTO __txscope_mvcc_meta VALUES ('checkpoint', NULL, 0);"
            "INSERT INTO __txscope_mvcc_meta VALUES ('table:t', 'CREATE TABLE t(a); ATTACH ''" +
            evil + "'' AS e', 1);";
        QCOMPARE(sqlite3_exec(raw, sql.toUtf8().constData(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(raw);
        auto hash = [&] {
            QFile f(db);
            f.open(QIODevice::ReadOnly);
            return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
        };
        const QByteArray before = hash();
        const QString file = writeFile(dir, "w.txs", "T1: SELECT 1;\n");
        const CliResult r = runCli({"run", file, "--db", db});
        QVERIFY2(!r.crashed && r.exitCode == 2, qPrintable(r.both()));
        QVERIFY2(r.err.contains("__txscope_mvcc_meta"), qPrintable(r.both()));
        QVERIFY(!QFileInfo::exists(evil));
        QCOMPARE(hash(), before);
    }
};

QTEST_GUILESS_MAIN(SecurityCli)
#include "tst_security_cli.moc"
