// `txscope-cli record` and `txscope-cli locks` with real clients: Python's sqlite3 module and the
// sqlite3 shell (shared libsqlite3: tier 2), and a program linked with libsqlite3.a (tier 1).
// Every step of every scenario is ordered by pipes or by the shell's own output: no sleeps.

#include "engine/explain/ExplanationEvent.h"
#include "engine/trace/LockState.h"
#include "engine/trace/SessionFile.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <set>

using namespace txs;

namespace {

const QString kCli = QStringLiteral(TXSCOPE_CLI_PATH);
const QString kScripts = QStringLiteral(TXSCOPE_SOURCE_DIR "/tests/engine/record/");

struct Recorded
{
    int exitCode = -1;
    QJsonObject json;
    Session session;
    QString stderrText;
};

// Runs `record --json -o DIR/out.txsession -- COMMAND...` and reads what it produced.
Recorded record(const QTemporaryDir& dir, const QStringList& command, const QStringList& options = {})
{
    Recorded r;
    QProcess p;
    const QString out = dir.filePath("out.txsession");
    p.start(kCli, QStringList{"record", "--json", "-o", out} + options + QStringList{"--"} + command);
    if (!p.waitForFinished(120000)) return r;
    r.exitCode = p.exitCode();
    r.stderrText = QString::fromUtf8(p.readAllStandardError());
    r.json = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    std::string error;
    if (auto s = readSession(out.toStdString(), error)) r.session = std::move(*s);
    return r;
}

QString laneName(const Session& s, std::uint32_t lane)
{
    for (const auto& e : s.events)
        if (e.kind == EventKind::ConnectionOpen && e.connection == lane)
            return QString::fromStdString(e.text);
    return {};
}

std::vector<const Event*> ofKind(const Session& s, EventKind kind)
{
    std::vector<const Event*> out;
    for (const auto& e : s.events)
        if (e.kind == kind) out.push_back(&e);
    return out;
}

QJsonObject runLocks(const QString& db)
{
    QProcess p;
    p.start(kCli, {"locks", db, "--json"});
    if (!p.waitForFinished(30000) || p.exitCode() != 0) return {};
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

// Starts the sqlite3 shell on `db`, feeds it `sql` and waits until it prints "held".
bool shellHolding(QProcess& shell, const QString& db, const QByteArray& sql)
{
    shell.start("sqlite3", {db});
    if (!shell.waitForStarted(10000)) return false;
    shell.write(sql + "\n.print held\n");
    QByteArray out;
    while (!out.contains("held\n")) {
        if (!shell.waitForReadyRead(30000)) return false;
        out += shell.readAllStandardOutput();
    }
    return true;
}

} // namespace

class TestRecord : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable("python3").isEmpty()) QFAIL("python3 is needed");
        if (QStandardPaths::findExecutable("sqlite3").isEmpty()) QFAIL("the sqlite3 shell is needed");
    }

    // Two Python processes: the deferred read-then-write upgrade gets SQLITE_BUSY at once, and
    // the explanation names both processes and says BEGIN IMMEDIATE.
    void deferredUpgradeIsExplained()
    {
        QTemporaryDir dir;
        const auto r = record(dir, {"python3", kScripts + "deferred_upgrade.py", dir.filePath("a.db")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.stderrText.contains("A: database is locked"), qPrintable(r.stderrText));
        QCOMPARE(r.json["errors"].toObject()["busy"].toInt(), 1);
        QCOMPARE(r.json["dropped_events"].toInt(), 0);
        const auto processes = r.json["processes"].toArray();
        QCOMPARE(processes.size(), 2);
        const auto causes = r.json["causes"].toArray();
        QCOMPARE(causes.size(), 1);
        const auto cause = causes[0].toObject();
        QCOMPARE(cause["rule"].toString(), QString("deferred-upgrade-deadlock"));
        QVERIFY(cause["fix"].toString().contains("BEGIN IMMEDIATE"));
        // Both processes are named: the one that got the error and the one holding RESERVED.
        const QString why = cause["why"].toString();
        for (const auto& p : processes)
            QVERIFY2(why.contains("pid " + QString::number(p.toObject()["pid"].toInt())), qPrintable(why));

        // The session is an ordinary one: the Explanation follows the error and names the holder.
        const auto explanations = ofKind(r.session, EventKind::Explanation);
        QCOMPARE(explanations.size(), std::size_t(1));
        const auto facts = explanationFacts(*explanations[0]);
        QVERIFY(facts.holderKnown);
        // B holds RESERVED, or PENDING once its COMMIT waits for A's SHARED: B's COMMIT and A's
        // INSERT race after the last barrier, and both orders are the same deadlock.
        QVERIFY(facts.heldLevel == LockLevel::Reserved || facts.heldLevel == LockLevel::Pending);
        QVERIFY(facts.holder != explanations[0]->connection);
        QVERIFY(laneName(r.session, facts.holder).startsWith("pid "));
        std::set<std::int64_t> levels;
        for (const Event* e : ofKind(r.session, EventKind::LockAcquire))
            levels.insert(e->b);
        QVERIFY(levels.count(static_cast<std::int64_t>(LockLevel::Exclusive)));
    }

    // A writer waiting in its busy handler: the waits are in the session, then BUSY on COMMIT.
    void busyTimeoutWaitIsRecorded()
    {
        QTemporaryDir dir;
        const auto r = record(dir, {"python3", kScripts + "busy_wait.py", dir.filePath("a.db")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json["errors"].toObject()["busy"].toInt(), 1);
        const auto cause = r.json["causes"].toArray()[0].toObject();
        QCOMPARE(cause["rule"].toString(), QString("commit-waits-readers"));
        const auto ends = ofKind(r.session, EventKind::StatementEnd);
        std::uint32_t failed = 0;
        for (const Event* e : ends)
            if (e->a == 5) failed = e->connection;
        QVERIFY(failed != 0);
        int calls = 0;
        std::int64_t slept = 0;
        for (const Event* e : ofKind(r.session, EventKind::BusyHandlerCall))
            if (e->connection == failed) {
                ++calls;
                slept += e->b;
            }
        QVERIFY(calls >= 2);
        QVERIFY2(slept >= 200000, qPrintable(QString::number(slept))); // most of the 300 ms
        // The retried COMMIT committed on the same lane.
        bool committed = false;
        for (const Event* e : ofKind(r.session, EventKind::TxCommit))
            committed = committed || e->connection == failed;
        QVERIFY(committed);
    }

    // The sqlite3 shell holds BEGIN EXCLUSIVE; a reader in another process gets BUSY, explained
    // with the shell's process as the holder.
    void shellExclusiveBlocksReader()
    {
        QTemporaryDir dir;
        const auto r = record(dir, {"python3", kScripts + "shell_exclusive.py", dir.filePath("a.db")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.stderrText.contains("reader: database is locked"), qPrintable(r.stderrText));
        QCOMPARE(r.json["errors"].toObject()["busy"].toInt(), 1);
        const auto cause = r.json["causes"].toArray()[0].toObject();
        QCOMPARE(cause["rule"].toString(), QString("writer-refuses-readers"));
        bool shellSeen = false;
        for (const auto& p : r.json["processes"].toArray())
            shellSeen = shellSeen || p.toObject()["command"].toString().contains("sqlite3");
        QVERIFY(shellSeen);
        const auto facts = explanationFacts(*ofKind(r.session, EventKind::Explanation).at(0));
        QVERIFY(facts.holderKnown);
        QCOMPARE(facts.heldLevel, LockLevel::Exclusive);
        QVERIFY(laneName(r.session, facts.holder).contains("sqlite3"));
    }

    // A program with SQLite linked in: tier 1 only, its lock levels are recorded on its lane.
    void staticallyLinkedLockLevels()
    {
#ifndef TXSCOPE_STATIC_CLIENT
        QSKIP("libsqlite3.a was not found at configure time (cc -print-file-name=libsqlite3.a)");
#else
        QTemporaryDir dir;
        const auto r = record(dir, {TXSCOPE_STATIC_CLIENT, dir.filePath("s.db")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json["processes"].toArray().size(), 1);
        QCOMPARE(r.json["connections"].toInt(), 1);
        QVERIFY(ofKind(r.session, EventKind::StatementBegin).empty()); // no tier 2
        std::vector<std::int64_t> levels;
        for (const auto& e : r.session.events)
            if (e.kind == EventKind::LockAcquire && e.a == static_cast<std::int64_t>(LockResource::DbFile))
                levels.push_back(e.b);
        // BEGIN IMMEDIATE; INSERT; COMMIT: SHARED, RESERVED, PENDING, EXCLUSIVE in that order.
        const std::vector<std::int64_t> climb{1, 2, 3, 4};
        QVERIFY(std::search(levels.begin(), levels.end(), climb.begin(), climb.end()) != levels.end());
        // The recording ends with the command's exit status; its last lock event is the release.
        QCOMPARE(r.session.events.back().kind, EventKind::RunEnd);
        QCOMPARE(r.session.events.back().a, 0);
        const Event& last = r.session.events[r.session.events.size() - 2];
        QCOMPARE(last.kind, EventKind::LockRelease);
        QCOMPARE(last.b, 0);
#endif
    }

    // Node with better-sqlite3 (version 12, SQLite compiled into the addon): tier 1 only.
    // tools/node-deps.sh installs it into build/node (tools/check.sh does, while TxScope
    // builds); TXSCOPE_NODE_MODULES names another node_modules folder.
    static QString nodeModules()
    {
        const QString set = qEnvironmentVariable("TXSCOPE_NODE_MODULES");
        return set.isEmpty() ? QStringLiteral(TXSCOPE_NODE_MODULES_DEFAULT) : set;
    }
    static bool haveBetterSqlite3()
    {
        return QFileInfo::exists(nodeModules() + "/better-sqlite3/build/Release/better_sqlite3.node") &&
               !QStandardPaths::findExecutable("node").isEmpty();
    }

    void nodeBetterSqlite3()
    {
        if (!haveBetterSqlite3())
            QSKIP(qPrintable("better-sqlite3 is not installed in " + nodeModules() +
                             " (run tools/node-deps.sh, or set TXSCOPE_NODE_MODULES to a node_modules "
                             "folder holding it)"));
        QTemporaryDir dir;
        qputenv("NODE_PATH", nodeModules().toUtf8());
        const auto r = record(dir, {"node", kScripts + "better_sqlite3.js", dir.filePath("n.db")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json["processes"].toArray().size(), 1);
        QVERIFY(ofKind(r.session, EventKind::StatementBegin).empty()); // its SQLite is its own
        std::vector<std::int64_t> levels;
        for (const Event* e : ofKind(r.session, EventKind::LockAcquire))
            if (e->a == static_cast<std::int64_t>(LockResource::DbFile)) levels.push_back(e->b);
        const std::vector<std::int64_t> climb{1, 2, 3, 4};
        QVERIFY(std::search(levels.begin(), levels.end(), climb.begin(), climb.end()) != levels.end());
    }

    // Two better-sqlite3 connections in two Node processes: the child's COMMIT is refused
    // EXCLUSIVE while the parent reads (SQLITE_BUSY in the program). From lock calls alone the
    // recording shows the refusal on the child's lane, and the parent holding SHARED then.
    void nodeBetterSqlite3Busy()
    {
        if (!haveBetterSqlite3())
            QSKIP(qPrintable("better-sqlite3 is not installed in " + nodeModules() +
                             " (run tools/node-deps.sh, or set TXSCOPE_NODE_MODULES to a node_modules "
                             "folder holding it)"));
        QTemporaryDir dir;
        qputenv("NODE_PATH", nodeModules().toUtf8());
        const auto r = record(dir, {"node", kScripts + "better_sqlite3_busy.js", dir.filePath("n.db")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.stderrText.contains("B: SQLITE_BUSY"), qPrintable(r.stderrText));
        QCOMPARE(r.json["processes"].toArray().size(), 2);
        QCOMPARE(r.json["errors"].toObject()["busy"].toInt(), 0); // statements are not seen: tier 1
        const auto waits = ofKind(r.session, EventKind::LockWait);
        QCOMPARE(waits.size(), std::size_t(1));
        const Event* wait = waits.front();
        QCOMPARE(wait->a, static_cast<std::int64_t>(LockResource::DbFile));
        QCOMPARE(wait->b, static_cast<std::int64_t>(LockLevel::Exclusive));
        // Who stood in the way: the other lane held SHARED at that instant.
        LockState state;
        for (const auto& e : r.session.events) {
            if (e.seq >= wait->seq) break;
            state.apply(e);
        }
        const auto holders = state.holders(LockResource::DbFile);
        QCOMPARE(holders.size(), std::size_t(2)); // the parent's SHARED, the child's RESERVED
        bool parentShared = false;
        for (const auto& [lane, level] : holders)
            parentShared = parentShared || (lane != wait->connection && level == LockLevel::Shared);
        QVERIFY(parentShared);
    }

    // A pool of forked workers all land in the one session.
    void processPoolLandsInOneSession()
    {
        QTemporaryDir dir;
        const auto r = record(dir, {"python3", kScripts + "process_pool.py", dir.filePath("p.db")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.json["processes"].toArray().size() >= 5); // the parent and four workers
        QCOMPARE(r.json["dropped_events"].toInt(), 0);
        int commits = 0;
        for (const Event* e : ofKind(r.session, EventKind::TxCommit))
            commits += e->connection != 0;
        QVERIFY(commits >= 20);
        QCOMPARE(r.session.journalMode, std::string("wal"));
        bool writeLock = false;
        for (const Event* e : ofKind(r.session, EventKind::LockAcquire))
            writeLock = writeLock || e->a == static_cast<std::int64_t>(LockResource::ShmWrite);
        QVERIFY(writeLock);
    }

    void exitStatusAndUsage()
    {
        QTemporaryDir dir;
        QCOMPARE(record(dir, {"sh", "-c", "exit 7"}).exitCode, 7);
        QCOMPARE(record(dir, {dir.filePath("no-such-program")}).exitCode, 127);
        QProcess p;
        p.start(kCli, {"record", "--json"});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        p.start(kCli, {"locks", dir.filePath("missing.db")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("missing.db"));
        // --only keeps other databases out.
        const auto r = record(dir, {"python3", kScripts + "deferred_upgrade.py", dir.filePath("a.db")},
                              {"--only", "*other.db"});
        QCOMPARE(r.json["connections"].toInt(), 0);
        QCOMPARE(r.json["errors"].toObject()["busy"].toInt(), 0);
    }

    // A process started outside `record` joins through LD_PRELOAD and a shared TXSCOPE_RECORD_DIR,
    // whose records are kept.
    void processStartedElsewhereJoins()
    {
        QTemporaryDir dir;
        const QString shared = dir.filePath("shared");
        QVERIFY(QDir().mkpath(shared));
        const QString db = dir.filePath("j.db");
        QProcess outside;
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert("LD_PRELOAD", QFileInfo(kCli).dir().filePath("libtxscope-probe.so"));
        env.insert("TXSCOPE_RECORD_DIR", shared);
        outside.setProcessEnvironment(env);
        outside.start("sqlite3", {db, "CREATE TABLE t(x); INSERT INTO t VALUES(1);"});
        QVERIFY(outside.waitForFinished(30000));
        QCOMPARE(outside.exitCode(), 0);

        QProcess p;
        auto recordEnv = QProcessEnvironment::systemEnvironment();
        recordEnv.insert("TXSCOPE_RECORD_DIR", shared);
        p.setProcessEnvironment(recordEnv);
        p.start(kCli, {"record", "--json", "-o", dir.filePath("j.txsession"), "--", "sqlite3", db,
                       "SELECT count(*) FROM t;"});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
        const QByteArray out = p.readAllStandardOutput();
        const auto json = QJsonDocument::fromJson(out.mid(out.indexOf('{'))).object();
        const auto processes = json["processes"].toArray();
        QCOMPARE(processes.size(), 2);
        QVERIFY(processes[0].toObject()["command"].toString().contains("CREATE TABLE"));
        QVERIFY(!QDir(shared).entryList({"*.rec"}).isEmpty()); // kept
    }

    // `locks` names the sqlite3 shell's pid and its lock, rollback journal and WAL.
    void locksNamesTheHolder()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("l.db");
        {
            QProcess shell;
            QVERIFY(shellHolding(shell, db, "CREATE TABLE t(x); BEGIN EXCLUSIVE; INSERT INTO t VALUES(1);"));
            const auto locks = runLocks(db);
            bool found = false;
            for (const auto& v : locks["processes"].toArray()) {
                const auto p = v.toObject();
                if (p["pid"].toInteger() != shell.processId()) continue;
                found = true;
                QCOMPARE(p["database_lock"].toString(), QString("EXCLUSIVE"));
                QVERIFY(p["command"].toString().contains("sqlite3"));
            }
            QVERIFY2(found, QJsonDocument(locks).toJson().constData());
            shell.write("COMMIT;\n.quit\n");
            shell.closeWriteChannel();
            QVERIFY(shell.waitForFinished(30000));
        }
        const QString wal = dir.filePath("w.db");
        QProcess shell;
        QVERIFY(shellHolding(
            shell, wal,
            "PRAGMA journal_mode=WAL; CREATE TABLE t(x); BEGIN IMMEDIATE; INSERT INTO t VALUES(1);"));
        const auto locks = runLocks(wal);
        QVERIFY(locks["wal_bytes"].toInteger() > 0);
        QVERIFY(locks["wal_index"].isObject());
        bool writer = false;
        for (const auto& v : locks["processes"].toArray()) {
            const auto p = v.toObject();
            if (p["pid"].toInteger() != shell.processId()) continue;
            QCOMPARE(p["database_lock"].toString(), QString("SHARED"));
            for (const auto& l : p["wal_locks"].toArray())
                writer = writer || (l.toObject()["lock"].toString() == "WRITE" &&
                                    l.toObject()["level"].toString() == "EXCLUSIVE");
        }
        QVERIFY2(writer, QJsonDocument(locks).toJson().constData());
        shell.write("COMMIT;\n.quit\n");
        shell.closeWriteChannel();
        QVERIFY(shell.waitForFinished(30000));
    }
};

QTEST_GUILESS_MAIN(TestRecord)
#include "tst_record.moc"
