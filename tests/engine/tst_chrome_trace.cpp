// The Chrome Trace Event export, read back the way a viewer would: tracks named, transactions and
// statements as nested spans with exact times, errors as instants, lock levels as spans, unfinished
// work closed at the end, and any text escaped so the file parses.

#include "engine/api/Connection.h"
#include "engine/trace/ChromeTrace.h"
#include "engine/trace/ExplainRule.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

using namespace txs;

namespace {

// Times are nanoseconds; odd values make sure sub-microsecond precision survives.
struct TraceBuilder
{
    std::vector<Event> events;

    Event& add(EventKind kind, std::uint32_t connection, std::int64_t timeNs, std::string text = {})
    {
        Event e;
        e.seq = events.size();
        e.kind = kind;
        e.connection = connection;
        e.timeNs = timeNs;
        e.text = std::move(text);
        events.push_back(std::move(e));
        return events.back();
    }
    void statement(std::uint32_t c, std::int64_t begin, std::int64_t end, const std::string& sql)
    {
        add(EventKind::StatementBegin, c, begin, sql);
        add(EventKind::StatementEnd, c, end);
    }
    void lock(EventKind kind, std::uint32_t c, std::int64_t t, LockResource resource, LockLevel level)
    {
        Event& e = add(kind, c, t);
        e.a = static_cast<std::int64_t>(resource);
        e.b = static_cast<std::int64_t>(level);
    }
};

const std::string kNasty = std::string("quote \" backslash \\ newline \n tab \t ctrl \x01\x1f end; ") +
                           "h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9F\x98\x80 bad \xFF\xC3 z";
const QString kNastyParsed = QString::fromUtf8("quote \" backslash \\ newline \n tab \t ctrl \x01\x1f end; "
                                               "h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9F\x98\x80 bad ") +
                             QChar(0xFFFD) + QChar(0xFFFD) + QStringLiteral(" z");
const std::string kLongSql =
    "SELECT id,\n       value\n  FROM test\n WHERE value > 10 AND value < 100 AND id "
    "IN (SELECT val FROM hits)\n ORDER BY id";

// Every kind of event the export shows, on five connections (see the comments for expectations).
std::vector<Event> sampleTrace()
{
    TraceBuilder t;
    t.add(EventKind::RunBegin, 0, 100, "demo.txs");
    t.add(EventKind::ConnectionOpen, 1, 1000, "T1");
    t.add(EventKind::ConnectionOpen, 2, 1500, "T2");
    t.add(EventKind::ConnectionOpen, 3, 1600, "W");
    t.add(EventKind::ConnectionOpen, 4, 1700, "U");
    t.add(EventKind::ConnectionOpen, 5, 1800, "say \"hi\" \\o/");

    // T1: tx 12 from BEGIN CONCURRENT (2001..2503) to COMMIT (5001..5207): span [2001, 5207].
    t.add(EventKind::StatementBegin, 1, 2001, "BEGIN CONCURRENT");
    Event& begin12 = t.add(EventKind::TxBegin, 1, 2345);
    begin12.txId = 12;
    begin12.a = static_cast<std::int64_t>(TxMode::Concurrent);
    begin12.b = 5;
    t.add(EventKind::StatementEnd, 1, 2503);
    t.statement(1, 3001, 3400, "UPDATE test SET value = 11 WHERE id = 1");
    t.events.back().b = 1;

    // T2: tx 13 conflicts, is doomed, rolls back, retries.
    t.add(EventKind::StatementBegin, 2, 2200, "BEGIN CONCURRENT");
    Event& begin13 = t.add(EventKind::TxBegin, 2, 2300);
    begin13.txId = 13;
    begin13.a = static_cast<std::int64_t>(TxMode::Concurrent);
    t.add(EventKind::StatementEnd, 2, 2600);
    t.add(EventKind::StatementBegin, 2, 3500, "UPDATE test SET value = 12 WHERE id = 1");
    Event& conflict = t.add(EventKind::Conflict, 2, 3600, "write-write conflict on test rowid 1");
    conflict.txId = 13;
    conflict.a = 12;
    conflict.table = 1;
    conflict.rowid = 1;
    t.add(EventKind::TxDoomed, 2, 3650, "doomed by tx 12").a = 1;
    Event& failed = t.add(EventKind::StatementEnd, 2, 3700, "conflict with transaction 12");
    failed.a = 1;
    // The explanation of that error: it goes into the error's args (a: the rule's number, whose
    // fix the args carry; the text is the why only).
    t.add(EventKind::Explanation, 2, 3710, "Both transactions wrote row 1.").a = 3;
    t.add(EventKind::StatementBegin, 2, 4000, "ROLLBACK");
    t.add(EventKind::TxRollback, 2, 4100).a = static_cast<std::int64_t>(RollbackReason::Conflict);
    t.add(EventKind::StatementEnd, 2, 4200);
    t.add(EventKind::TxRetry, 2, 4300, "retry after conflict").a = 1;

    t.add(EventKind::StatementBegin, 1, 5001, "COMMIT");
    Event& commit12 = t.add(EventKind::TxCommit, 1, 5100);
    commit12.a = 20;
    commit12.b = 1;
    t.add(EventKind::StatementEnd, 1, 5207);

    // T1: an autocommit statement; its transaction lies inside it with exact bounds.
    t.add(EventKind::StatementBegin, 1, 6000, "INSERT INTO hits VALUES (1)");
    Event& begin14 = t.add(EventKind::TxBegin, 1, 6100);
    begin14.txId = 14;
    begin14.a = static_cast<std::int64_t>(TxMode::None);
    t.add(EventKind::TxCommit, 1, 6200).a = 21;
    t.add(EventKind::StatementEnd, 1, 6300);
    t.statement(1, 6400, 6500, kLongSql);

    // W: a rollback-journal writer climbing lock levels, waiting and getting BUSY.
    t.lock(EventKind::LockAcquire, 3, 7000, LockResource::DbFile, LockLevel::Shared);
    t.lock(EventKind::LockAcquire, 3, 7500, LockResource::DbFile, LockLevel::Reserved);
    t.lock(EventKind::LockWait, 3, 7600, LockResource::DbFile, LockLevel::Exclusive);
    Event& handler = t.add(EventKind::BusyHandlerCall, 3, 7700);
    handler.b = 1000;
    t.add(EventKind::Busy, 3, 7800, "database is locked").a = 5;
    t.lock(EventKind::LockAcquire, 3, 7900, LockResource::DbFile, LockLevel::Exclusive);
    t.lock(EventKind::LockRelease, 3, 8000, LockResource::DbFile, LockLevel::None);
    // WRITE [8100, 8300] and READ0 [8200, 8400] overlap without nesting: two lanes.
    t.lock(EventKind::LockAcquire, 3, 8100, LockResource::ShmWrite, LockLevel::Exclusive);
    t.lock(EventKind::LockAcquire, 3, 8200, LockResource::ShmRead0, LockLevel::Shared);
    t.lock(EventKind::LockRelease, 3, 8300, LockResource::ShmWrite, LockLevel::None);
    t.lock(EventKind::LockRelease, 3, 8400, LockResource::ShmRead0, LockLevel::None);

    // U: a transaction, a statement and a lock still open at the end (10000).
    t.add(EventKind::StatementBegin, 4, 9000, "BEGIN");
    Event& begin15 = t.add(EventKind::TxBegin, 4, 9100);
    begin15.txId = 15;
    begin15.a = static_cast<std::int64_t>(TxMode::Deferred);
    t.add(EventKind::StatementEnd, 4, 9200);
    t.add(EventKind::StatementBegin, 4, 9500, "SELECT * FROM t");
    t.lock(EventKind::LockAcquire, 4, 9600, LockResource::DbFile, LockLevel::Shared);

    t.add(EventKind::Note, 5, 9900, kNasty);
    t.add(EventKind::VersionCreated, 0, 9950, "not on the timeline");
    t.add(EventKind::Note, 0, 10000, "end");
    return t.events;
}

std::int64_t ns(const QJsonValue& micros)
{
    return qRound64(micros.toDouble() * 1000.0);
}

// The parsed export with lookups by track and name.
class ParsedTrace
{
public:
    explicit ParsedTrace(const std::string& json)
    {
        QJsonParseError error;
        doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &error);
        parseError = error.error == QJsonParseError::NoError ? QString() : error.errorString();
        events = doc.object().value("traceEvents").toArray();
    }

    QString metadata(const char* name, qint64 tid, const char* key) const
    {
        for (const auto& v : events) {
            const QJsonObject e = v.toObject();
            if (e["ph"] == "M" && e["name"] == name && e["tid"].toInteger() == tid)
                return e["args"].toObject()[key].toVariant().toString();
        }
        return "<none>";
    }

    QList<QJsonObject> find(const char* ph, qint64 tid, const QString& name) const
    {
        QList<QJsonObject> found;
        for (const auto& v : events) {
            const QJsonObject e = v.toObject();
            if (e["ph"] == ph && e["tid"].toInteger() == tid && e["name"].toString() == name) found.append(e);
        }
        return found;
    }

    // The single event (ph, tid, name), or an empty object.
    QJsonObject one(const char* ph, qint64 tid, const QString& name) const
    {
        const auto found = find(ph, tid, name);
        return found.size() == 1 ? found.front() : QJsonObject();
    }

    QJsonDocument doc;
    QString parseError;
    QJsonArray events;
};

} // namespace

class TestChromeTrace : public QObject
{
    Q_OBJECT

    const std::string json_ = toChromeTrace(sampleTrace());
    const ParsedTrace trace_{json_};

    // A span starts at `begin` and lasts `dur` nanoseconds.
    static void checkSpan(const QJsonObject& span, std::int64_t begin, std::int64_t dur)
    {
        QVERIFY2(!span.isEmpty(), "span missing");
        QCOMPARE(ns(span["ts"]), begin);
        QCOMPARE(ns(span["dur"]), dur);
    }

private slots:
    void parsesAsTraceEventJson()
    {
        QVERIFY2(trace_.parseError.isEmpty(), qPrintable(trace_.parseError));
        QCOMPARE(trace_.doc.object()["displayTimeUnit"].toString(), QString("ns"));
        QVERIFY(!trace_.events.isEmpty());
        for (const auto& v : trace_.events)
            QCOMPARE(v.toObject()["pid"].toInt(), 1);
        QCOMPARE(trace_.metadata("process_name", 0, "name"), QString("TxScope: demo.txs"));
    }

    void namesOneTrackPerConnectionAndLockTracksUnderThem()
    {
        QCOMPARE(trace_.metadata("thread_name", 0, "name"), QString("engine"));
        QCOMPARE(trace_.metadata("thread_name", 1, "name"), QString("T1"));
        QCOMPARE(trace_.metadata("thread_name", 2, "name"), QString("T2"));
        QCOMPARE(trace_.metadata("thread_name", 5, "name"), QString("say \"hi\" \\o/"));
        QCOMPARE(trace_.metadata("thread_name", kLockTrackTidBase + 3, "name"), QString("W locks"));
        QCOMPARE(trace_.metadata("thread_name", 2 * kLockTrackTidBase + 3, "name"), QString("W locks (2)"));
        QCOMPARE(trace_.metadata("thread_name", kLockTrackTidBase + 4, "name"), QString("U locks"));
        // Only connections that hold locks get a lock track.
        QCOMPARE(trace_.metadata("thread_name", kLockTrackTidBase + 1, "name"), QString("<none>"));

        const auto sortIndex = [&](qint64 tid) {
            return trace_.metadata("thread_sort_index", tid, "sort_index").toLongLong();
        };
        QVERIFY(sortIndex(0) < sortIndex(1));
        QVERIFY(sortIndex(3) < sortIndex(kLockTrackTidBase + 3));
        QVERIFY(sortIndex(kLockTrackTidBase + 3) < sortIndex(2 * kLockTrackTidBase + 3));
        QVERIFY(sortIndex(2 * kLockTrackTidBase + 3) < sortIndex(4));
    }

    void transactionSpanCoversItsBeginAndCommitStatements()
    {
        const QJsonObject tx = trace_.one("X", 1, "tx 12 concurrent");
        checkSpan(tx, 2001, 5207 - 2001);
        QCOMPARE(tx["cat"].toString(), QString("transaction"));
        const QJsonObject args = tx["args"].toObject();
        QCOMPARE(args["mode"].toString(), QString("concurrent"));
        QCOMPARE(args["outcome"].toString(), QString("committed"));
        QCOMPARE(args["commit_ts"].toInteger(), 20);
        QCOMPARE(args["begin_ts"].toInteger(), 5);
        QCOMPARE(args["begin_ns"].toInteger(), 2345);
        QCOMPARE(args["end_ns"].toInteger(), 5100);
        // Microseconds with the nanoseconds kept, in the text itself.
        QVERIFY(json_.find("\"ts\":2.001,\"dur\":3.206") != std::string::npos);
    }

    void doomedTransactionAndItsErrors()
    {
        const QJsonObject tx = trace_.one("X", 2, "tx 13 concurrent");
        checkSpan(tx, 2200, 4200 - 2200);
        QCOMPARE(tx["args"].toObject()["outcome"].toString(), QString("doomed"));
        QCOMPARE(tx["args"].toObject()["rollback_reason"].toString(), QString("after a conflict"));

        const QJsonObject conflict = trace_.one("i", 2, "conflict");
        QCOMPARE(ns(conflict["ts"]), 3600);
        QCOMPARE(conflict["s"].toString(), QString("t"));
        QCOMPARE(conflict["args"].toObject()["message"].toString(),
                 QString("write-write conflict on test rowid 1"));
        QCOMPARE(conflict["args"].toObject()["other_tx"].toInteger(), 12);

        QCOMPARE(ns(trace_.one("i", 2, "doomed")["ts"]), 3650);
        const QJsonObject error = trace_.one("i", 2, "error SQLITE_ERROR");
        QCOMPARE(ns(error["ts"]), 3700);
        QCOMPARE(error["args"].toObject()["message"].toString(), QString("conflict with transaction 12"));
        QCOMPARE(error["args"].toObject()["why"].toString(), QString("Both transactions wrote row 1."));
        QCOMPARE(error["args"].toObject()["fix"].toString(),
                 QString(explainRuleFix(ExplainRule::MvccWriteWrite)));
        QCOMPARE(error["args"].toObject()["rule"].toInteger(), 3);
        QVERIFY(trace_.find("i", 2, "explanation").isEmpty()); // not twice
        const QJsonObject retry = trace_.one("i", 2, "retry 1");
        QCOMPARE(ns(retry["ts"]), 4300);
        QCOMPARE(retry["args"].toObject()["text"].toString(), QString("retry after conflict"));

        const QJsonObject update = trace_.one("X", 2, "UPDATE test SET value = 12 WHERE id = 1");
        checkSpan(update, 3500, 200);
        QCOMPARE(update["args"].toObject()["code"].toInteger(), 1);
        QCOMPARE(update["args"].toObject()["error"].toString(), QString("conflict with transaction 12"));
    }

    void statementsNestInsideTransactions()
    {
        const QJsonObject update = trace_.one("X", 1, "UPDATE test SET value = 11 WHERE id = 1");
        checkSpan(update, 3001, 399);
        QCOMPARE(update["cat"].toString(), QString("statement"));
        QCOMPARE(update["args"].toObject()["result"].toString(), QString("ok"));
        QCOMPARE(update["args"].toObject()["rows_changed"].toInteger(), 1);
        checkSpan(trace_.one("X", 1, "BEGIN CONCURRENT"), 2001, 502);
        checkSpan(trace_.one("X", 1, "COMMIT"), 5001, 206);

        // Autocommit: the transaction keeps its exact bounds inside its statement.
        checkSpan(trace_.one("X", 1, "INSERT INTO hits VALUES (1)"), 6000, 300);
        checkSpan(trace_.one("X", 1, "tx 14 autocommit"), 6100, 100);

        // Long SQL: one line, shortened in the name, whole in args.
        QJsonObject longStatement;
        for (const auto& v : trace_.events)
            if (v.toObject()["name"].toString().startsWith("SELECT id, value FROM test WHERE"))
                longStatement = v.toObject();
        checkSpan(longStatement, 6400, 100);
        const QString name = longStatement["name"].toString();
        QVERIFY2(name.endsWith(QChar(0x2026)) && name.size() <= 49, qPrintable(name));
        QCOMPARE(longStatement["args"].toObject()["sql"].toString(), QString::fromStdString(kLongSql));
    }

    // What viewers require: on each track, in file order, spans nest or are disjoint.
    void everyTrackNests()
    {
        std::map<qint64, std::vector<std::pair<std::int64_t, std::int64_t>>>
            open; // tid -> stack of (begin, end)
        std::map<qint64, std::int64_t> lastStart;
        for (const auto& v : trace_.events) {
            const QJsonObject e = v.toObject();
            if (e["ph"] != "X" && e["ph"] != "i") continue;
            const qint64 tid = e["tid"].toInteger();
            const std::int64_t begin = ns(e["ts"]);
            const std::int64_t end = begin + (e["ph"] == "X" ? ns(e["dur"]) : 0);
            QVERIFY2(begin >= lastStart[tid], qPrintable(e["name"].toString()));
            lastStart[tid] = begin;
            auto& stack = open[tid];
            while (!stack.empty() && stack.back().second <= begin)
                stack.pop_back();
            QVERIFY2(stack.empty() || stack.back().second >= end,
                     qPrintable(e["name"].toString() + " overlaps its parent partially"));
            if (e["ph"] == "X") stack.emplace_back(begin, end);
        }
    }

    void lockLevelsBecomeSpans()
    {
        const qint64 locks = kLockTrackTidBase + 3;
        const QJsonObject shared = trace_.one("X", locks, "db SHARED");
        checkSpan(shared, 7000, 500);
        QCOMPARE(shared["cat"].toString(), QString("lock"));
        QCOMPARE(shared["args"].toObject()["resource"].toString(), QString("db"));
        QCOMPARE(shared["args"].toObject()["level"].toString(), QString("SHARED"));
        checkSpan(trace_.one("X", locks, "db RESERVED"), 7500, 400);
        checkSpan(trace_.one("X", locks, "db EXCLUSIVE"), 7900, 100);
        checkSpan(trace_.one("X", locks, "WRITE EXCLUSIVE"), 8100, 200);
        checkSpan(trace_.one("X", 2 * kLockTrackTidBase + 3, "READ0 SHARED"), 8200, 200);
        QCOMPARE(ns(trace_.one("i", locks, "wait db EXCLUSIVE")["ts"]), 7600);

        // Waiting and BUSY show on the connection's own track.
        const QJsonObject handler = trace_.one("i", 3, "busy handler 0");
        QCOMPARE(ns(handler["ts"]), 7700);
        QCOMPARE(handler["args"].toObject()["slept_us"].toInteger(), 1000);
        const QJsonObject busy = trace_.one("i", 3, "busy SQLITE_BUSY");
        QCOMPARE(ns(busy["ts"]), 7800);
        QCOMPARE(busy["args"].toObject()["message"].toString(), QString("database is locked"));
    }

    // A wait draws an arrow from the connection holding the lock to the one waiting for it:
    // once per wait, however often the waiter tries again.
    void flowArrowsGoFromBlockerToBlocked()
    {
        TraceBuilder t;
        t.add(EventKind::ConnectionOpen, 1, 100, "A");
        t.add(EventKind::ConnectionOpen, 2, 110, "B");
        t.statement(1, 200, 300, "SELECT 1");
        t.lock(EventKind::LockAcquire, 1, 250, LockResource::DbFile, LockLevel::Shared);
        t.add(EventKind::StatementBegin, 2, 400, "COMMIT");
        t.lock(EventKind::LockAcquire, 2, 410, LockResource::DbFile, LockLevel::Reserved);
        t.lock(EventKind::LockAcquire, 2, 420, LockResource::DbFile, LockLevel::Pending);
        t.lock(EventKind::LockWait, 2, 430, LockResource::DbFile, LockLevel::Exclusive);
        t.lock(EventKind::LockWait, 2, 530, LockResource::DbFile, LockLevel::Exclusive); // tried again
        t.add(EventKind::StatementEnd, 2, 600);
        const ParsedTrace trace(toChromeTrace(t.events));
        QVERIFY2(trace.parseError.isEmpty(), qPrintable(trace.parseError));
        const auto starts = trace.find("s", 1, "blocks");
        const auto ends = trace.find("f", 2, "blocks");
        QCOMPARE(starts.size(), 1);
        QCOMPARE(ends.size(), 1);
        QCOMPARE(starts.front()["id"], ends.front()["id"]);
        QCOMPARE(ns(starts.front()["ts"]), 430);
        QCOMPARE(ends.front()["bp"].toString(), QString("e"));
        // Nothing blocks A.
        QVERIFY(trace.find("f", 1, "blocks").isEmpty());
    }

    void openWorkIsClosedAtTheLastEvent()
    {
        const QJsonObject tx = trace_.one("X", 4, "tx 15 deferred");
        checkSpan(tx, 9000, 1000);
        QCOMPARE(tx["args"].toObject()["outcome"].toString(), QString("unfinished"));
        const QJsonObject select = trace_.one("X", 4, "SELECT * FROM t");
        checkSpan(select, 9500, 500);
        QCOMPARE(select["args"].toObject()["result"].toString(), QString("unfinished"));
        checkSpan(trace_.one("X", kLockTrackTidBase + 4, "db SHARED"), 9600, 400);
    }

    void escapesAnyText()
    {
        const QJsonObject note = trace_.one("i", 5, "note");
        QCOMPARE(note["args"].toObject()["text"].toString(), kNastyParsed);
        QVERIFY(json_.find("ctrl \\u0001\\u001f end") != std::string::npos);
        QVERIFY(json_.find("h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9F\x98\x80") !=
                std::string::npos); // UTF-8 kept as is
        QCOMPARE(trace_.one("i", 0, "note")["args"].toObject()["text"].toString(), QString("end"));
    }

    void emptyLogIsAnEmptyTrace()
    {
        const ParsedTrace empty(toChromeTrace({}));
        QVERIFY2(empty.parseError.isEmpty(), qPrintable(empty.parseError));
        QCOMPARE(empty.events.size(), 1); // the process name
    }

    void writesToAFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("run.json").toStdString();
        QCOMPARE(writeChromeTrace(sampleTrace(), path), std::string());
        std::ifstream in(path, std::ios::binary);
        std::stringstream content;
        content << in.rdbuf();
        QCOMPARE(content.str(), json_);

        const std::string missing = dir.filePath("no/such/dir/run.json").toStdString();
        const std::string error = writeChromeTrace(sampleTrace(), missing);
        QVERIFY2(error.find(missing) != std::string::npos, error.c_str());
    }

    // A long run is written while it goes: each transaction reaches the sink once it ends, a
    // lock held throughout (a WAL reader's SHARED) is cut into consecutive marked spans rather
    // than kept open in memory, and events the log dropped are noted where they were missing.
    void streamsAsTheRunGoes()
    {
        std::string out;
        ChromeTraceWriter writer([&out](std::string_view text) { out += text; });
        std::uint64_t seq = 0;
        const auto add = [&](EventKind kind, std::int64_t t, std::int64_t a = 0, std::int64_t b = 0,
                             std::uint64_t tx = 0) {
            Event e;
            e.seq = seq++;
            e.kind = kind;
            e.connection = 1;
            e.timeNs = t;
            e.a = a;
            e.b = b;
            e.txId = tx;
            e.text = kind == EventKind::StatementBegin ? (a ? "COMMIT" : "BEGIN") : "";
            writer.add(e);
        };
        const auto db = static_cast<std::int64_t>(LockResource::DbFile);
        const auto write = static_cast<std::int64_t>(LockResource::ShmWrite);
        const auto shared = static_cast<std::int64_t>(LockLevel::Shared);
        const auto exclusive = static_cast<std::int64_t>(LockLevel::Exclusive);
        add(EventKind::LockAcquire, 10, db, shared);
        constexpr int kTransactions = 6000;
        for (int i = 0; i < kTransactions; ++i) {
            const std::int64_t t = 1000 + i * 1000;
            add(EventKind::StatementBegin, t);
            add(EventKind::TxBegin, t + 100, static_cast<std::int64_t>(TxMode::Deferred), 0, i + 1);
            add(EventKind::StatementEnd, t + 200);
            add(EventKind::StatementBegin, t + 300, 1);
            add(EventKind::LockAcquire, t + 400, write, exclusive);
            add(EventKind::TxCommit, t + 500, i + 1, 1, i + 1);
            add(EventKind::LockRelease, t + 600, write, 0);
            add(EventKind::StatementEnd, t + 700);
            if (i == kTransactions / 2) {
                // Halfway, all but the transaction in progress has been written.
                const auto written = QString::fromStdString(out).count("\"cat\":\"transaction\"");
                QCOMPARE(written, i + 1);
                QVERIFY(QString::fromStdString(out).count("WRITE EXCLUSIVE") >= i - 4096);
            }
        }
        writer.gap(123);
        add(EventKind::Note, 1000 + kTransactions * 1000);
        writer.finish();

        const ParsedTrace trace(out);
        QVERIFY2(trace.parseError.isEmpty(), qPrintable(trace.parseError));
        QCOMPARE(trace.find("X", 1, "tx " + QString::number(kTransactions) + " deferred").size(), 1);
        const QJsonObject dropped = trace.one("i", 0, "events dropped");
        QCOMPARE(dropped["args"].toObject()["dropped"].toInteger(), 123);

        // The SHARED hold: consecutive spans from 10 to the gap, all but the last marked as continued;
        // the last is cut where events were dropped (its release may be among them).
        QList<QJsonObject> pieces = trace.find("X", kLockTrackTidBase + 1, "db SHARED");
        QVERIFY(pieces.size() >= 2);
        std::sort(pieces.begin(), pieces.end(),
                  [](const QJsonObject& x, const QJsonObject& y) { return ns(x["ts"]) < ns(y["ts"]); });
        std::int64_t at = 10;
        for (int i = 0; i < pieces.size(); ++i) {
            QCOMPARE(ns(pieces[i]["ts"]), at);
            at += ns(pieces[i]["dur"]);
            const QString held = pieces[i]["args"].toObject()["held"].toString();
            QVERIFY2(held.contains(i + 1 < pieces.size() ? "continues" : "dropped"), qPrintable(held));
        }
        QCOMPARE(at, std::int64_t{kTransactions * 1000 + 700});

        // Every track is in file order and nests, as viewers need.
        std::map<qint64, std::int64_t> lastStart;
        std::map<qint64, std::vector<std::int64_t>> openEnds;
        for (const auto& v : trace.events) {
            const QJsonObject e = v.toObject();
            if (e["ph"] != "X" && e["ph"] != "i") continue;
            const qint64 tid = e["tid"].toInteger();
            const std::int64_t begin = ns(e["ts"]);
            const std::int64_t end = begin + (e["ph"] == "X" ? ns(e["dur"]) : 0);
            QVERIFY2(begin >= lastStart[tid], qPrintable(e["name"].toString()));
            lastStart[tid] = begin;
            auto& stack = openEnds[tid];
            while (!stack.empty() && stack.back() <= begin)
                stack.pop_back();
            QVERIFY2(stack.empty() || stack.back() >= end, qPrintable(e["name"].toString()));
            if (e["ph"] == "X") stack.push_back(end);
        }
    }
};

QTEST_GUILESS_MAIN(TestChromeTrace)
#include "tst_chrome_trace.moc"
