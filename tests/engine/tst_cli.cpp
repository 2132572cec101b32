// txscope-cli as a user runs it: the built binary, its exit codes, stdout and stderr. Every shipped
// scenario passes; --json has exactly the contract's fields; --trace writes Chrome Trace JSON;
// bad input exits 2 with FILE:LINE: and runs nothing; a failed expectation exits 1 and says where.

#include "support/PlainSqlite.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

// Sanitizers reserve terabytes of address space: an RLIMIT_AS test cannot run under them.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TXSCOPE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TXSCOPE_SANITIZED 1
#endif
#endif

using txs::test::plainSqlite;

namespace {

const QString kCli = QStringLiteral(TXSCOPE_CLI_PATH);
const QString kScenarios = QStringLiteral(TXSCOPE_SOURCE_DIR "/resources/scenarios");
const QString kSeed = kScenarios + "/seed-concurrent-writes.txs";

struct CliResult
{
    int exitCode = -1;
    QString out, err;
    QString both() const { return "stdout:\n" + out + "\nstderr:\n" + err; }
};

// `limit`: a resource limit (RLIMIT_AS, RLIMIT_NOFILE...) set in the child before it runs.
struct ChildLimit
{
    int resource = -1;
    rlim_t value = 0;
};

CliResult runCli(const QStringList& args, ChildLimit limit = {}, const QStringList& environment = {})
{
    QProcess process;
    if (limit.resource >= 0)
        process.setChildProcessModifier([limit] {
            const rlimit r{limit.value, limit.value};
            if (setrlimit(limit.resource, &r) != 0) _exit(99);
        });
    if (!environment.isEmpty()) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString& entry : environment)
            env.insert(entry.section('=', 0, 0), entry.section('=', 1));
        process.setProcessEnvironment(env);
    }
    process.start(kCli, args);
    CliResult r;
    // No timeout of our own: ctest's TIMEOUT catches a hang; a run's duration proves nothing.
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
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return file.readAll();
}

QSet<QString> keys(const QJsonObject& o)
{
    const QStringList list = o.keys();
    return QSet<QString>(list.begin(), list.end());
}

// The seed scenario with its first expectation (count 16) turned into one that must fail.
QByteArray seedExpecting17()
{
    QByteArray text = readFile(kSeed);
    const QByteArray from = "SELECT count(*) FROM hits;                    -- expect: 16";
    if (!text.contains(from)) qFatal("the seed scenario no longer has its count check");
    return text.replace(from, "SELECT count(*) FROM hits;                    -- expect: 17");
}

int lineOf(const QByteArray& text, const QByteArray& needle)
{
    const qsizetype at = text.indexOf(needle);
    return at < 0 ? -1 : static_cast<int>(text.left(at).count('\n')) + 1;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void everyShippedScenarioPasses_data()
    {
        QTest::addColumn<QString>("path");
        const QStringList files = QDir(kScenarios).entryList({"*.txs"}, QDir::Files, QDir::Name);
        QVERIFY2(files.contains("seed-concurrent-writes.txs"), qPrintable(kScenarios));
        for (const QString& f : files)
            QTest::newRow(qPrintable(f)) << kScenarios + "/" + f;
    }
    void everyShippedScenarioPasses()
    {
        QFETCH(QString, path);
        // Each scenario tells its story in a comment block first.
        QVERIFY2(readFile(path).startsWith("# "), "a scenario starts with its story in '#' comments");

        const CliResult log = runCli({"run", path});
        QVERIFY2(log.exitCode == 0, qPrintable(log.both()));
        QVERIFY2(log.out.contains("\nresult: PASS\n"), qPrintable(log.out));

        const CliResult json = runCli({"run", path, "--json"});
        QVERIFY2(json.exitCode == 0, qPrintable(json.both()));
        const QJsonObject expectations =
            QJsonDocument::fromJson(json.out.toUtf8()).object()["expectations"].toObject();
        // A scenario teaches by its expectations: it must have some, and they all hold.
        QVERIFY2(expectations["passed"].toInt() > 0, qPrintable(json.out));
        QCOMPARE(expectations["failed"].toInt(), 0);
    }

    // The seed on WAL: its workers' SQLITE_BUSY errors come back as causes, each with Why and
    // Fix, whose counts add up to the errors; the readable log ends with them.
    void jsonCausesAddUpToTheErrors()
    {
        const CliResult r = runCli({"run", kSeed, "--journal-mode", "wal", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonObject errors = o["errors"].toObject();
        const qint64 total = errors["conflict"].toInteger() + errors["busy"].toInteger() +
                             errors["busy_snapshot"].toInteger() + errors["other"].toInteger();
        QVERIFY2(total > 0, qPrintable(r.out));
        qint64 counted = 0;
        qint64 previous = INT64_MAX;
        for (const auto& v : o["causes"].toArray()) {
            const QJsonObject c = v.toObject();
            QCOMPARE(keys(c), (QSet<QString>{"code", "rule", "count", "first_ms", "last_ms", "connections",
                                             "why", "fix"}));
            QVERIFY(c["count"].toInteger() <= previous); // most frequent first
            previous = c["count"].toInteger();
            counted += c["count"].toInteger();
            // SQLITE_BUSY mostly; SQLITE_BUSY_RECOVERY (WAL-index rebuilt by a connection
            // opening while others start) or _SNAPSHOT now and then: SQLite's timing, not ours.
            QVERIFY2(c["code"].toString().startsWith("SQLITE_BUSY"), qPrintable(c["code"].toString()));
            QVERIFY(!c["why"].toString().isEmpty());
            QVERIFY(!c["fix"].toString().isEmpty());
            QVERIFY(c["first_ms"].toDouble() <= c["last_ms"].toDouble());
            QVERIFY(!c["connections"].toArray().isEmpty());
        }
        QCOMPARE(counted, total);

        const CliResult log = runCli({"run", kSeed, "--journal-mode", "wal"});
        QVERIFY2(log.exitCode == 0, qPrintable(log.both()));
        const qsizetype causes = log.out.lastIndexOf("== causes of the ");
        QVERIFY2(causes > log.out.lastIndexOf("result: PASS"), qPrintable(log.out));
        QVERIFY(log.out.indexOf("  why: ", causes) > causes);
        QVERIFY(log.out.indexOf("  fix: ", causes) > causes);
    }

    // --isolation serializable reaches every connection: the write-skew demo's second COMMIT is
    // refused (one conflict more than under snapshot), and --json says which level ran.
    void isolationOptionMakesWriteSkewFail()
    {
        const QString demo = kScenarios + "/write-skew.txs";
        const CliResult si = runCli({"run", demo, "--json"});
        QVERIFY2(si.exitCode == 0, qPrintable(si.both()));
        const CliResult ssi = runCli({"run", demo, "--isolation", "serializable", "--json"});
        QCOMPARE(ssi.exitCode, 1); // the demo expects the anomaly to commit
        const QJsonObject a = QJsonDocument::fromJson(si.out.toUtf8()).object();
        const QJsonObject b = QJsonDocument::fromJson(ssi.out.toUtf8()).object();
        QCOMPARE(a["isolation"].toString(), QString("snapshot"));
        QCOMPARE(b["isolation"].toString(), QString("serializable"));
        QVERIFY2(b["errors"].toObject()["conflict"].toInt() > a["errors"].toObject()["conflict"].toInt(),
                 qPrintable(ssi.out));
        QVERIFY2(ssi.out.contains("mvcc-dangerous-structure"), qPrintable(ssi.out));
        const CliResult bad = runCli({"run", demo, "--isolation", "repeatable-read"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("--isolation"), qPrintable(bad.both()));
    }

    void jsonHasExactlyTheDocumentedFields()
    {
        const CliResult r = runCli({"run", kSeed, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString() + "\n" + r.out));
        QVERIFY(doc.isObject());
        const QJsonObject o = doc.object();

        QCOMPARE(keys(o), (QSet<QString>{"file", "journal_mode", "isolation", "wall_ms", "transactions",
                                         "errors", "throughput_tps", "latency_ms", "expectations", "causes",
                                         "events", "events_dropped"}));
        QCOMPARE(keys(o["transactions"].toObject()), (QSet<QString>{"committed", "rolled_back", "retries"}));
        QCOMPARE(keys(o["errors"].toObject()), (QSet<QString>{"conflict", "busy", "busy_snapshot", "other"}));
        QCOMPARE(keys(o["latency_ms"].toObject()), (QSet<QString>{"p50", "p99"}));
        QCOMPARE(keys(o["expectations"].toObject()), (QSet<QString>{"passed", "failed", "failures"}));

        QCOMPARE(o["file"].toString(), kSeed);
        QCOMPARE(o["journal_mode"].toString(), QString("mvcc"));
        QVERIFY(o["wall_ms"].toDouble() > 0);
        const QJsonObject tx = o["transactions"].toObject();
        QVERIFY2(tx["committed"].toInteger() >= 16, qPrintable(r.out));
        // Every retry rolled back first.
        QVERIFY(tx["rolled_back"].toInteger() >= tx["retries"].toInteger());
        const QJsonObject errors = o["errors"].toObject();
        QCOMPARE(errors["other"].toInteger(), 0);
        QVERIFY(o["throughput_tps"].toDouble() > 0);
        const QJsonObject latency = o["latency_ms"].toObject();
        QVERIFY(latency["p50"].toDouble() > 0);
        QVERIFY(latency["p50"].toDouble() <= latency["p99"].toDouble());
        // The check's three expectations held: 16 rows, 16 distinct writers, values 0..15.
        const QJsonObject expectations = o["expectations"].toObject();
        QCOMPARE(expectations["passed"].toInt(), 3);
        QCOMPARE(expectations["failed"].toInt(), 0);
        QVERIFY(expectations["failures"].isArray());
        QVERIFY(expectations["failures"].toArray().isEmpty());
        QVERIFY(o["events"].toInteger() > 0);
        QCOMPARE(o["events_dropped"].toInteger(), 0); // a short run fits in the default window
    }

    // A long run in a small address space: the trace log keeps its window and the export
    // streams, so the run ends with its summary and a whole trace instead of bad_alloc. (Before
    // the window, this run aborted with std::bad_alloc under the same limit.)
    void longRunUnderAnAddressSpaceLimitEndsWithItsSummary()
    {
#ifdef TXSCOPE_SANITIZED
        QSKIP("sanitizers reserve more address space than the limit");
#endif
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString workload = writeFile(dir, "long.txs",
                                           "journal_mode: mvcc\n"
                                           "setup:\n"
                                           "  CREATE TABLE counters (id INTEGER PRIMARY KEY, n INT);\n"
                                           "  INSERT INTO counters VALUES (0, 0), (1, 0), (2, 0), (3, 0),\n"
                                           "                              (4, 0), (5, 0), (6, 0), (7, 0);\n"
                                           "workers writer x8 repeat 15000 retry(conflict, busy; max 1000):\n"
                                           "  BEGIN CONCURRENT;\n"
                                           "  UPDATE counters SET n = n + 1 WHERE id = $worker;\n"
                                           "  COMMIT;\n"
                                           "check:\n"
                                           "  SELECT sum(n) FROM counters;   -- expect: 120000\n");
        const QString trace = dir.filePath("long.json");
        // 300 MB of address space; glibc's per-thread arenas would reserve 64 MB each.
        const CliResult r = runCli({"run", workload, "--json", "--keep-events", "100000", "--trace", trace},
                                   {RLIMIT_AS, rlim_t{300} << 20}, {"MALLOC_ARENA_MAX=2"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        // The workers' 120,000 and the setup's INSERT (an autocommit write).
        QCOMPARE(o["transactions"].toObject()["committed"].toInteger(), 120001);
        const qint64 events = o["events"].toInteger();
        const qint64 dropped = o["events_dropped"].toInteger();
        QVERIFY2(events > 1'000'000 && dropped > 0 && events - dropped >= 100000 &&
                     events - dropped <= 100000 + 9 * 12500,
                 qPrintable(r.out));
        // The export still has every transaction: it streamed while the run went.
        QFile file(trace);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        qint64 transactions = 0;
        for (const auto& v : doc.object()["traceEvents"].toArray()) {
            const QJsonObject e = v.toObject();
            const QJsonObject args = e["args"].toObject();
            transactions +=
                e["cat"] == "transaction" && args["mode"] == "concurrent" && args["outcome"] == "committed";
        }
        QCOMPARE(transactions, 120000);
    }

    // More connections than file descriptors: each worker that cannot open its database says
    // so, with the limit and its line, and the run ends with exit 1 and its summary.
    void outOfFileDescriptorsSaysSo()
    {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
        // The sanitizers' runtimes need descriptors of their own: UBSan's dynamic-type check
        // tests that memory is readable through a pipe, and with every descriptor taken it
        // reported "invalid vptr" on a live std::thread state and ended the run (seen under the
        // asan preset when the machine was loaded; ThreadSanitizer ended it with another exit
        // code the same way). The default build checks this run.
        QSKIP("sanitizer runtimes misreport when the process has no free file descriptor");
#endif
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString workload = writeFile(dir, "many.txs",
                                           "journal_mode: wal\n"
                                           "busy_timeout: 5000\n"
                                           "setup:\n"
                                           "  CREATE TABLE hits (w INT);\n"
                                           "workers writer x100 repeat 2 retry(busy; max 100):\n"
                                           "  BEGIN IMMEDIATE;\n"
                                           "  INSERT INTO hits VALUES ($worker);\n"
                                           "  COMMIT;\n");
        const CliResult r = runCli({"run", workload}, {RLIMIT_NOFILE, 64});
        QVERIFY2(r.exitCode == 1, qPrintable(r.both()));
        QVERIFY2(r.out.contains("(line 6): out of file descriptors: this process may have 64 open files "
                                "(RLIMIT_NOFILE, `ulimit -n`)"),
                 qPrintable(r.both()));
        QVERIFY2(r.out.contains("== summary"), qPrintable(r.both()));
        QVERIFY2(r.out.contains("result: FAIL"), qPrintable(r.both()));
    }

    void journalModeOptionOverridesTheHeader()
    {
        QTemporaryDir dir;
        const QString file = writeFile(dir, "mode.txs",
                                       "journal_mode: mvcc\n"
                                       "setup:\n  CREATE TABLE t (x);\n  INSERT INTO t VALUES (1);\n"
                                       "check:\n  PRAGMA journal_mode;  -- expect: wal\n");
        const CliResult r = runCli({"run", file, "--journal-mode", "wal", "--json", "--seed", "7"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object()["journal_mode"].toString(), QString("wal"));
    }

    // Without --db every engine runs on a fresh file in a temporary folder (so journal modes are
    // compared on equal terms), removed after the run; memory only with --db :memory:. The log
    // says which.
    void withoutDbEveryEngineRunsOnATemporaryFile_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::newRow("mvcc") << "mvcc";
        QTest::newRow("wal") << "wal";
        QTest::newRow("delete") << "delete";
    }
    void withoutDbEveryEngineRunsOnATemporaryFile()
    {
        QFETCH(QString, mode);
        QTemporaryDir dir, tmp;
        const QString file = writeFile(dir, "place.txs",
                                       "journal_mode: " + mode.toUtf8() +
                                           "\nsetup:\n  CREATE TABLE t (x);\n  INSERT INTO t VALUES (1);\n");
        CliResult r = runCli({"run", file}, {}, {"TMPDIR=" + tmp.path()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        const QRegularExpression line("\ndatabase: (\\S+)/txscope\\.db \\(temporary file\\)\n");
        const auto match = line.match(r.out);
        QVERIFY2(match.hasMatch(), qPrintable(r.out));
        QVERIFY2(match.captured(1).startsWith(tmp.path() + "/txscope-"), qPrintable(r.out));
        QVERIFY(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty());

        if (mode == "wal") return; // SQLite keeps journal mode "memory" on :memory:: refused (exit 2)
        r = runCli({"run", file, "--db", ":memory:"}, {}, {"TMPDIR=" + tmp.path()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        QVERIFY2(r.out.contains("\ndatabase: in memory\n"), qPrintable(r.out));
        QVERIFY(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty());
    }

    void dbOptionRunsOnThatFileInPlace()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("kept.db");
        const QString write = writeFile(dir, "write.txs",
                                        "journal_mode: wal\nsetup:\n  CREATE TABLE t (x);\n"
                                        "  INSERT INTO t VALUES (1), (2);\n");
        const QString read =
            writeFile(dir, "read.txs", "journal_mode: wal\ncheck:\n  SELECT sum(x) FROM t;  -- expect: 3\n");
        CliResult r = runCli({"run", write, "--db", db});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        r = runCli({"run", read, "--db=" + db});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    }

    // An MVCC database on a file: the first run's commits (concurrent workers) are in the log,
    // a second run on the same --db reads them back (the log was replayed) and checkpoints them
    // into the SQLite file, which plain SQLite then reads; a third run reads them from the file.
    void dbOptionRunsMvccOnThatFileInPlace()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("kept.db");
        const QString write =
            writeFile(dir, "write.txs",
                      "journal_mode: mvcc\nbusy_timeout: 0\n"
                      "setup:\n  CREATE TABLE hits (val INTEGER);\n"
                      "workers writer x4 repeat 5 retry(conflict, busy; max 1000):\n"
                      "  BEGIN CONCURRENT;\n  INSERT INTO hits VALUES ($worker * 100 + $iter);\n"
                      "  COMMIT;\n");
        // Written for WAL; --journal-mode mvcc runs it on the MVCC engine all the same.
        const QByteArray readText = "journal_mode: wal\ncheck:\n"
                                    "  SELECT count(*), sum(val) FROM hits;  -- expect: 20|3040\n";
        const QString read = writeFile(dir, "read.txs", readText);
        const QString readAndCheckpoint =
            writeFile(dir, "checkpoint.txs", readText + "  PRAGMA wal_checkpoint;  -- expect: ok\n");

        CliResult r = runCli({"run", write, "--db", db, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o["journal_mode"].toString(), QString("mvcc"));
        QCOMPARE(o["transactions"].toObject()["committed"].toInteger(), 20);
        QCOMPARE(o["expectations"].toObject()["failed"].toInt(), 0);
        // The run ends with a checkpoint of the user's file: stock SQLite reads every commit, and
        // the log keeps its header alone (nothing left to replay over what others write next).
        QCOMPARE(plainSqlite(db, "SELECT count(*), sum(val) FROM hits"), QString("20|3040"));
        QCOMPARE(QFileInfo(db + "-log").size(), 24);

        r = runCli({"run", readAndCheckpoint, "--db=" + db, "--journal-mode", "mvcc"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        QVERIFY2(r.out.contains("(journal mode mvcc)"), qPrintable(r.out));
        QVERIFY2(r.out.contains("expectations  2 passed, 0 failed"), qPrintable(r.out));
        QCOMPARE(plainSqlite(db, "SELECT count(*), sum(val) FROM hits"), QString("20|3040"));
        QCOMPARE(QFileInfo(db + "-log").size(), 24); // the header alone: everything is in the file

        r = runCli({"run", read, "--db", db, "--journal-mode", "mvcc", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o["expectations"].toObject()["passed"].toInt(), 1);

        // A file that is not a database is bad input: exit 2, the reason, and nothing runs.
        const QString junk = writeFile(dir, "junk.db", QByteArray(8192, 'z'));
        r = runCli({"run", write, "--db", junk});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("cannot open the database '" + junk + "'"), qPrintable(r.err));
        QVERIFY2(r.err.contains("not a valid SQLite database"), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        QVERIFY(!QFile::exists(junk + "-log"));
    }

    void expectationFailureExits1WithLineExpectedAndActual()
    {
        QTemporaryDir dir;
        const QByteArray text = seedExpecting17();
        const QString file = writeFile(dir, "seed17.txs", text);
        const int line = lineOf(text, "-- expect: 17");

        const CliResult log = runCli({"run", file});
        QCOMPARE(log.exitCode, 1);
        QVERIFY2(log.out.contains(QString("EXPECTATION FAILED (line %1): expected 17").arg(line)),
                 qPrintable(log.out));
        QVERIFY2(log.out.contains(QRegularExpression("\\n +actual   16\\n")), qPrintable(log.out));
        QVERIFY2(log.out.contains("result: FAIL (1 expectation failed)"), qPrintable(log.out));

        const CliResult json = runCli({"run", file, "--json"});
        QCOMPARE(json.exitCode, 1);
        const QJsonObject e = QJsonDocument::fromJson(json.out.toUtf8()).object()["expectations"].toObject();
        QCOMPARE(e["failed"].toInt(), 1);
        QCOMPARE(e["passed"].toInt(), 2);
        const QJsonArray failures = e["failures"].toArray();
        QCOMPARE(failures.size(), 1);
        const QJsonObject f = failures.first().toObject();
        QCOMPARE(keys(f), (QSet<QString>{"line", "expected", "actual"}));
        QCOMPARE(f["line"].toInt(), line);
        QCOMPARE(f["expected"].toString(), QString("17"));
        QCOMPARE(f["actual"].toString(), QString("16"));
    }

    void workerFailureExits1()
    {
        QTemporaryDir dir;
        const QString file = writeFile(dir, "worker.txs",
                                       "busy_timeout: 60000\n"
                                       "setup:\n  CREATE TABLE t (id INTEGER PRIMARY KEY);\n"
                                       "workers w x2:\n  INSERT INTO t VALUES (1);\n");
        const CliResult r = runCli({"run", file});
        // Without a retry clause the second insert of key 1 ends its worker. The busy timeout makes
        // that the only outcome: when both autocommit inserts overlap (common under TSan), the later
        // one waits for the exclusive slot instead of failing with SQLITE_BUSY.
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("worker failures: 1"), qPrintable(r.out));
        QVERIFY2(r.out.contains("UNIQUE constraint failed"), qPrintable(r.out));
    }

    void errorsAndBlockedStatementsAreShown()
    {
        QTemporaryDir dir;
        const QString file = writeFile(dir, "blocked.txs",
                                       "journal_mode: delete\nbusy_timeout: 1000\n"
                                       "setup:\n  CREATE TABLE t (x);\n"
                                       "A: BEGIN IMMEDIATE;\n"
                                       "B: BEGIN IMMEDIATE;   -- expect: blocked\n"
                                       "A: SELECT nosuch FROM t;   -- expect: error no such column\n"
                                       "A: COMMIT;\n");
        const CliResult r = runCli({"run", file});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        QVERIFY2(r.out.contains("B (line 6): BEGIN IMMEDIATE\n    -> blocked"), qPrintable(r.out));
        QVERIFY2(r.out.contains(
                     QRegularExpression("B \\(line 6\\): BEGIN IMMEDIATE\\n    -> was blocked \\d+ times? "
                                        "\\(\\d+ ms of busy wait, virtual time\\), then: ok\\n")),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains(
                     "A (line 7): SELECT nosuch FROM t\n    -> error SQLITE_ERROR: no such column: nosuch"),
                 qPrintable(r.out));
        // The blocked BEGIN finished only after A's COMMIT released the lock.
        QVERIFY(r.out.indexOf("A (line 8): COMMIT") < r.out.indexOf("was blocked"));
    }

    // A step blocked until its busy timeout runs out (in virtual time) is explained as having
    // waited out busy_timeout, not as a connection whose busy_timeout is 0.
    void blockedStepThatTimesOutIsExplainedAsWaiting()
    {
        QTemporaryDir dir;
        const QString file = writeFile(dir, "timeout.txs",
                                       "journal_mode: delete\nbusy_timeout: 30\n"
                                       "setup:\n  CREATE TABLE t (x);\n"
                                       "A: BEGIN IMMEDIATE;\n"
                                       "B: BEGIN IMMEDIATE;\n");
        const CliResult r = runCli({"run", file});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        QVERIFY2(r.out.contains(QRegularExpression("then: error SQLITE_BUSY: database is locked\n    why: B "
                                                   "wanted RESERVED to write while A held RESERVED")),
                 qPrintable(r.out));
        const QString flat = QString(r.out).replace(QRegularExpression("\\s+"), " ");
        // SQLite's handler with busy_timeout 30 sleeps 1+2+5+10+12 ms and gives up on its sixth
        // call: the log's figures and the explanation's agree.
        QVERIFY2(flat.contains("was blocked 6 times (30 ms of busy wait, virtual time)"), qPrintable(r.out));
        QVERIFY2(
            flat.contains("the busy handler was called 6 times and waited until B's busy_timeout of 30 ms "
                          "ran out"),
            qPrintable(r.out));
        QVERIFY2(!flat.contains("busy_timeout is 0"), qPrintable(r.out));
    }

    void jsonEscapesWhatTheRunProduces()
    {
        QTemporaryDir dir;
        // Quotes, a backslash, a newline, a control character and a byte that is not UTF-8, in
        // the actual value of a failing expectation; and a quote in the file name.
        const QString file =
            writeFile(dir, "we\"ird.txs",
                      "check:\n"
                      "  SELECT 'a\"b\\c' || char(10) || char(1) || CAST(x'ff' AS TEXT) || 'é';  "
                      "-- expect: x\n");
        const CliResult r = runCli({"run", file, "--json"});
        QCOMPARE(r.exitCode, 1);
        QJsonParseError error;
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString() + "\n" + r.out));
        QCOMPARE(o["file"].toString(), file);
        const QJsonObject failure = o["expectations"].toObject()["failures"].toArray().first().toObject();
        QCOMPARE(failure["actual"].toString(), QString::fromUtf8("a\"b\\c\n\x01\xEF\xBF\xBD\xC3\xA9"));
    }

    void traceWritesChromeTraceJsonWithOneThreadPerConnection()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("trace.json");
        const CliResult r = runCli({"run", kSeed, "--trace", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(readFile(out), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QJsonValue events = doc.isObject() ? doc.object()["traceEvents"] : QJsonValue();
        QVERIFY(events.isArray());

        QStringList threadNames;
        for (const QJsonValue& v : events.toArray()) {
            const QJsonObject e = v.toObject();
            if (e["ph"].toString() == "M" && e["name"].toString() == "thread_name")
                threadNames << e["args"].toObject()["name"].toString();
        }
        QStringList expected = {"setup", "check"};
        for (int w = 0; w < 16; ++w)
            expected << QString("writer-%1").arg(w);
        for (const QString& name : expected)
            QVERIFY2(threadNames.count(name) == 1, qPrintable(name + " in: " + threadNames.join(", ")));
    }

    void traceThatCannotBeWrittenIsBadInput()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("no-such-folder/trace.json");
        const CliResult r = runCli({"run", kSeed, "--trace", out});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(out) && r.err.contains("No such file or directory"), qPrintable(r.err));
        QVERIFY2(r.out.isEmpty(), "nothing runs");
    }

    void badFilesExit2WithFileAndLine_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown block")
            << QByteArray("seed: 1\n\nteardown:\n  SELECT 1;\n") << 3 << "unknown block 'teardown:'";
        QTest::newRow("missing ';'")
            << QByteArray("setup:\n  CREATE TABLE t (x);\nT1: BEGIN;\nT1: SELECT 1\nT2: BEGIN;\n") << 4
            << "does not end with ';'";
        QTest::newRow("bad expectation")
            << QByteArray("setup:\n  SELECT 1;\n  SELECT 1;  -- expect: 1|2, 3\n") << 3 << "bad expectation";
    }
    void badFilesExit2WithFileAndLine()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, line);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString file = writeFile(dir, "bad.txs", content);
        const QString trace = dir.filePath("trace.json");
        const QString db = dir.filePath("bad.db");
        const CliResult r = runCli({"run", file, "--trace", trace, "--journal-mode", "wal", "--db", db});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith(QString("%1:%2: ").arg(file).arg(line)), qPrintable(r.err));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        // Nothing ran: no log, no trace, no database.
        QVERIFY(r.out.isEmpty());
        QVERIFY(!QFile::exists(trace));
        QVERIFY(!QFile::exists(db));
    }

    void missingFileExits2()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("missing.txs");
        const CliResult r = runCli({"run", file});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith(file + ": ") && r.err.contains("No such file or directory"),
                 qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void databaseThatCannotBeOpenedExits2()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("no-such-folder/x.db");
        const CliResult r = runCli({"run", kSeed, "--journal-mode", "wal", "--db", db});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("cannot open the database '" + db + "'"), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void badOptionsExit2WithUsage_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no arguments") << QStringList{} << "missing command";
        QTest::newRow("unknown command") << QStringList{"walk", kSeed} << "unknown command 'walk'";
        QTest::newRow("no file") << QStringList{"run"} << "needs a workload file";
        QTest::newRow("two files") << QStringList{"run", kSeed, kSeed} << "unexpected argument";
        QTest::newRow("unknown option") << QStringList{"run", kSeed, "--fast"} << "unknown option '--fast'";
        QTest::newRow("missing value") << QStringList{"run", kSeed, "--trace"} << "'--trace' needs a value";
        QTest::newRow("bad journal mode")
            << QStringList{"run", kSeed, "--journal-mode", "mvc"} << "bad value 'mvc'";
        QTest::newRow("bad seed") << QStringList{"run", kSeed, "--seed", "-1"} << "bad value '-1' for --seed";
        QTest::newRow("flag with value") << QStringList{"run", kSeed, "--json=yes"} << "takes no value";
        QTest::newRow("option twice")
            << QStringList{"run", kSeed, "--seed", "1", "--seed=2"} << "given twice";
    }
    void badOptionsExit2WithUsage()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const CliResult r = runCli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith("txscope-cli: ") && r.err.contains(message), qPrintable(r.err));
        QVERIFY2(r.err.contains("usage: txscope-cli run FILE.txs"), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void helpAndVersionGoToStdout()
    {
        for (const QStringList& args :
             {QStringList{"--help"}, QStringList{"-h"}, QStringList{"run", kSeed, "--help"}}) {
            const CliResult r = runCli(args);
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.contains("usage: txscope-cli run FILE.txs") && r.out.contains("exit status"),
                     qPrintable(r.out));
            QVERIFY(r.err.isEmpty());
        }
        const CliResult v = runCli({"--version"});
        QCOMPARE(v.exitCode, 0);
        QVERIFY2(QRegularExpression("^txscope-cli \\d+\\.\\d+\\.\\d+\\n$").match(v.out).hasMatch(),
                 qPrintable(v.out));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
