// The recorder's merge: hand-made probe records of two processes become one session whose
// lock events, statements and explanations are those of a run; and record files that are
// damaged or planted are counted, never trusted.

#include "engine/explain/ExplanationEvent.h"
#include "engine/record/LiveRecording.h"
#include "engine/record/LockBytes.h"
#include "engine/record/ProbeFile.h"
#include "engine/record/Recording.h"
#include "engine/record/WalGauges.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <cerrno>
#include <cstring>
#include <fstream>

using namespace txs;
using namespace txs::record;

namespace {

struct Records
{
    ProbeFiles files;
    std::int64_t clock = 1000000;
    std::map<int, std::uint64_t> seq;

    ProbeRecord& add(int pid, std::uint16_t op, std::uint64_t conn = 0)
    {
        ProbeRecord r{};
        r.magic = TXSCOPE_PROBE_MAGIC;
        r.version = TXSCOPE_PROBE_VERSION;
        r.op = op;
        r.pid = pid;
        r.tid = pid;
        r.seq = seq[pid]++;
        r.time_ns = clock += 1000;
        r.conn = conn;
        files.records.push_back(r);
        return files.records.back();
    }
    void text(ProbeRecord& r, const std::string& s)
    {
        std::memcpy(r.text, s.data(), s.size());
        r.text_len = static_cast<std::int32_t>(s.size());
    }
    void hello(int pid, const std::string& command) { text(add(pid, TXP_HELLO), command); }
    void file(int pid, int fd, const std::string& path)
    {
        auto& r = add(pid, TXP_FILE);
        r.fd = fd;
        r.file_kind = TXP_KIND_DB;
        text(r, path);
    }
    void lock(int pid, std::uint64_t conn, std::uint8_t type, std::int64_t start, std::int64_t len,
              bool refused = false)
    {
        auto& r = add(pid, TXP_LOCK, conn);
        r.fd = 3;
        r.file_kind = TXP_KIND_DB;
        r.cmd = TXP_SETLK;
        r.lock_type = type;
        r.start = start;
        r.len = len;
        r.result = refused ? -1 : 0;
        r.err = refused ? EAGAIN : 0;
    }
    void open(int pid, std::uint64_t conn) { text(add(pid, TXP_OPEN_DB, conn), "app.db"); }
    void prepare(int pid, std::uint64_t conn, std::uint64_t stmt, const std::string& sql)
    {
        auto& r = add(pid, TXP_PREPARE, conn);
        r.stmt = stmt;
        text(r, sql);
    }
    // A step that ran from the previous record's time to now.
    void step(int pid, std::uint64_t conn, std::uint64_t stmt, int result, bool autocommitAfter,
              std::int64_t began)
    {
        auto& r = add(pid, TXP_STEP, conn);
        r.stmt = stmt;
        r.result = result;
        r.a = began;
        r.b = autocommitAfter;
    }
};

} // namespace

class TestRecording : public QObject
{
    Q_OBJECT

private slots:
    // The deferred upgrade: pid 10 reads (SHARED), pid 20 holds RESERVED, pid 10's write is
    // refused and its INSERT returns SQLITE_BUSY: explained with pid 20 as the holder.
    void deferredUpgradeFromRecords()
    {
        Records x;
        x.hello(10, "python3 a.py");
        x.hello(20, "python3 b.py");
        x.open(10, 0xa);
        x.open(20, 0xb);
        x.file(10, 3, "/tmp/app.db");
        x.file(20, 3, "/tmp/app.db");
        x.prepare(10, 0xa, 1, "BEGIN");
        auto t = x.clock;
        x.step(10, 0xa, 1, 101, false, t);
        x.prepare(10, 0xa, 2, "SELECT * FROM t");
        t = x.clock;
        x.lock(10, 0xa, 1, kPendingByte, 1);
        x.lock(10, 0xa, 1, kSharedFirst, kSharedSize);
        x.lock(10, 0xa, 0, kPendingByte, 1);
        x.step(10, 0xa, 2, 101, false, t);
        x.prepare(20, 0xb, 3, "BEGIN IMMEDIATE");
        t = x.clock;
        x.lock(20, 0xb, 1, kPendingByte, 1);
        x.lock(20, 0xb, 1, kSharedFirst, kSharedSize);
        x.lock(20, 0xb, 0, kPendingByte, 1);
        x.lock(20, 0xb, 2, kReservedByte, 1);
        x.step(20, 0xb, 3, 101, false, t);
        x.prepare(10, 0xa, 4, "INSERT INTO t VALUES(1)");
        t = x.clock;
        x.lock(10, 0xa, 2, kReservedByte, 1, true);
        x.step(10, 0xa, 4, 5, false, t);

        const Recording r = buildRecording(x.files, {});
        QCOMPARE(r.processes.size(), std::size_t(2));
        QCOMPARE(r.connections, std::uint64_t(2));
        QCOMPARE(r.busy, std::uint64_t(1));
        QVERIFY(r.tier2);
        const Event* explanation = nullptr;
        std::uint32_t lane10 = 0, lane20 = 0;
        for (const auto& e : r.session.events) {
            if (e.kind == EventKind::Explanation) explanation = &e;
            if (e.kind == EventKind::ConnectionOpen && e.text.find("pid 10 ") == 0) lane10 = e.connection;
            if (e.kind == EventKind::ConnectionOpen && e.text.find("pid 20 ") == 0) lane20 = e.connection;
        }
        QVERIFY(explanation);
        const auto facts = explanationFacts(*explanation);
        QCOMPARE(facts.rule, ExplainRule::DeferredUpgradeDeadlock);
        QCOMPARE(explanation->connection, lane10);
        QCOMPARE(facts.holder, lane20);
        QCOMPARE(facts.heldLevel, LockLevel::Reserved);
        QVERIFY(explanation->text.find("pid 20 (python3 b.py)") != std::string::npos);
        // The session's seq is its order.
        for (std::size_t i = 0; i < r.session.events.size(); ++i) {
            QCOMPARE(r.session.events[i].seq, std::uint64_t(i));
            QVERIFY(r.session.events[i].timeNs > 0); // a replay would restamp time 0
        }
    }

    // A process that closes a descriptor on the database loses every lock it held there.
    void closeDropsTheProcessLocks()
    {
        Records x;
        x.hello(10, "tool");
        x.file(10, 3, "/tmp/app.db");
        x.lock(10, 0, 1, kPendingByte, 1);
        x.lock(10, 0, 1, kSharedFirst, kSharedSize);
        x.lock(10, 0, 0, kPendingByte, 1);
        x.lock(10, 0, 2, kReservedByte, 1);
        auto& c = x.add(10, TXP_CLOSE);
        c.fd = 3;
        const Recording r = buildRecording(x.files, {});
        QVERIFY(!r.tier2);
        QCOMPARE(r.session.events.back().kind, EventKind::LockRelease);
        QCOMPARE(r.session.events.back().b, std::int64_t(0));
        // Records missing from a process's sequence count as dropped.
        x.files.records.erase(x.files.records.begin() + 2);
        QCOMPARE(buildRecording(x.files, {}).droppedEvents, std::uint64_t(1));
        // --only: another database keeps nothing.
        RecordingOptions only;
        only.onlyGlob = "*other.db";
        QCOMPARE(buildRecording(x.files, only).lockEvents, std::uint64_t(0));
    }

    // Damaged files: wrong magic, a text length past the record, a torn tail; a link is refused.
    void hostileRecordFiles()
    {
        QTemporaryDir dir;
        Records x;
        x.hello(10, "ok");
        ProbeRecord bad = x.files.records[0];
        bad.magic = 0;
        ProbeRecord longText = x.files.records[0];
        longText.text_len = 100000;
        {
            std::ofstream out(dir.filePath("p1.rec").toStdString(), std::ios::binary);
            out.write(reinterpret_cast<const char*>(&x.files.records[0]), sizeof(ProbeRecord));
            out.write(reinterpret_cast<const char*>(&bad), sizeof bad);
            out.write(reinterpret_cast<const char*>(&longText), sizeof longText);
            out.write("torn", 4);
        }
        QVERIFY(QFile::link(dir.filePath("p1.rec"), dir.filePath("p2.rec")));
        const ProbeFiles files = readProbeDirectory(dir.path().toStdString());
        QCOMPARE(files.records.size(), std::size_t(1));
        QCOMPARE(files.invalid, std::uint64_t(2));
        QCOMPARE(files.torn, std::uint64_t(1));
        QCOMPARE(files.errors.size(), std::size_t(1)); // the link
        QCOMPARE(recordText(files.records[0]), std::string("ok"));
        QCOMPARE(buildRecording(files, {}).droppedEvents, std::uint64_t(3));
    }

    // Following a folder while processes write: each read decodes only the whole records
    // written since the last one; half a record waits for its rest; a new file is picked up.
    void tailReadsOnlyNewWholeRecords()
    {
        QTemporaryDir dir;
        Records x;
        x.hello(10, "a");
        x.file(10, 3, "/tmp/app.db");
        x.hello(20, "b");
        const auto bytes = [&](std::size_t i) { return reinterpret_cast<const char*>(&x.files.records[i]); };
        std::ofstream one(dir.filePath("p10.rec").toStdString(), std::ios::binary);
        ProbeTail tail(dir.path().toStdString());
        ProbeFiles got;
        QCOMPARE(tail.readNew(got), std::size_t(0));
        one.write(bytes(0), sizeof(ProbeRecord));
        one.write(bytes(1), 100); // a writer mid-record (never with O_APPEND; here by hand)
        one.flush();
        QCOMPARE(tail.readNew(got), std::size_t(1));
        QCOMPARE(got.torn, std::uint64_t(0)); // not torn while the writer may go on
        QCOMPARE(tail.tornTails(), std::uint64_t(1));
        one.write(bytes(1) + 100, sizeof(ProbeRecord) - 100);
        one.flush();
        {
            std::ofstream two(dir.filePath("p20.rec").toStdString(), std::ios::binary);
            two.write(bytes(2), sizeof(ProbeRecord));
        }
        QCOMPARE(tail.readNew(got), std::size_t(2));
        QCOMPARE(tail.readNew(got), std::size_t(0)); // nothing is decoded twice
        QCOMPARE(got.records.size(), std::size_t(3));
        QCOMPARE(recordText(got.records[1]), std::string("/tmp/app.db"));
        QCOMPARE(tail.tornTails(), std::uint64_t(0));
    }

    // A new build that only adds events after those shown is appended; one that changed an
    // event already shown (a statement's begin, written when it ended) replaces the log.
    void eventDeltaAppendsOrReplaces()
    {
        std::vector<Event> shown(2);
        shown[0].kind = EventKind::ConnectionOpen;
        shown[0].timeNs = 5;
        shown[1].kind = EventKind::LockAcquire;
        shown[1].timeNs = 9;
        auto next = shown;
        next.push_back(shown[1]);
        next.back().timeNs = 12;
        auto d = eventDelta(shown, next);
        QVERIFY(!d.replace);
        QCOMPARE(d.from, std::size_t(2));
        Event begin;
        begin.kind = EventKind::StatementBegin;
        begin.timeNs = 7;
        next.insert(next.begin() + 1, begin);
        QVERIFY(eventDelta(shown, next).replace);
        QVERIFY(eventDelta(shown, {shown[0]}).replace); // fewer: start over
        QVERIFY(!eventDelta(shown, shown).replace);
    }

    // Each process is announced (pid, parent, command) and each lane says whose it is and
    // whether it is a connection (tier 2) or the process's descriptors (tier 1); the exit status
    // closes the recording.
    void processesAndLaneTiers()
    {
        Records x;
        x.hello(10, "python3 a.py");
        x.files.records.back().a = 1;
        x.hello(20, "./static_client");
        x.open(10, 0xa);
        x.file(10, 3, "/tmp/app.db");
        x.file(20, 3, "/tmp/app.db");
        x.lock(20, 0, 1, kPendingByte, 1);
        x.lock(20, 0, 1, kSharedFirst, kSharedSize);
        RecordingOptions options;
        options.exitStatus = 7;
        const auto r = buildRecording(x.files, options);
        std::map<int, std::pair<std::int64_t, std::string>> processes;
        std::map<std::int64_t, std::int64_t> tierOfPid;
        for (const auto& e : r.session.events) {
            if (e.kind == EventKind::ProcessStart) processes[static_cast<int>(e.a)] = {e.b, e.text};
            if (e.kind == EventKind::ConnectionOpen) tierOfPid[e.a] = e.b;
        }
        QCOMPARE(processes.size(), std::size_t(2));
        QCOMPARE(processes[10].first, std::int64_t(1));
        QCOMPARE(processes[20].second, std::string("./static_client"));
        QCOMPARE(tierOfPid[10], std::int64_t(2));
        QCOMPARE(tierOfPid[20], std::int64_t(1));
        QCOMPARE(r.session.events.back().kind, EventKind::RunEnd);
        QCOMPARE(r.session.events.back().a, std::int64_t(7));
    }

    // The WAL gauges: samples become WalGauge events for the gauges that changed, and the series
    // answer what the value was at any instant (the plot's steps).
    void walGaugeSeries()
    {
        std::vector<WalSample> samples(3);
        for (auto& s : samples)
            s.database = "/tmp/app.db";
        samples[0].timeNs = 100;
        samples[0].values[1] = 3; // frames
        samples[0].values[2] = 0; // backfilled
        samples[0].values[4] = 3; // READ1
        samples[1] = samples[0];
        samples[1].timeNs = 200;
        samples[1].values[1] = 9; // only frames changed
        samples[2] = samples[1];
        samples[2].timeNs = 300;
        samples[2].values[2] = 9;  // a checkpoint backfilled everything
        samples[2].values[4] = -1; // READ1 released
        const auto events = walGaugeEvents(samples, [](std::int64_t t) { return t - 99; });
        // First sample: frames, backfilled and the five marks (unused ones too, as -1); then
        // one change, then two.
        QCOMPARE(events.size(), std::size_t(7 + 1 + 2));
        WalGaugeSeries series;
        for (const auto& e : events)
            series.apply(e);
        const auto* frames = series.find(1, WalGaugeKind::Frames);
        QVERIFY(frames);
        QCOMPARE(frames->databaseName, std::string("app.db"));
        QVERIFY(!WalGaugeSeries::valueAt(*frames, 0));
        QCOMPARE(*WalGaugeSeries::valueAt(*frames, 1), std::int64_t(3));
        QCOMPARE(*WalGaugeSeries::valueAt(*frames, 150), std::int64_t(9));
        const auto* read1 = series.find(1, static_cast<WalGaugeKind>(4));
        QCOMPARE(*WalGaugeSeries::valueAt(*read1, 150), std::int64_t(3));
        QCOMPARE(*WalGaugeSeries::valueAt(*read1, 201), std::int64_t(-1));
        QCOMPARE(series.maxFrames(1), std::int64_t(9));
        QVERIFY(!series.find(1, WalGaugeKind::WalBytes)); // never known: no series
        // A sample out of time order lands in its place.
        Event late = events.front();
        late.timeNs = 50;
        late.a = 11;
        series.apply(late);
        QCOMPARE(*WalGaugeSeries::valueAt(*series.find(1, WalGaugeKind::Frames), 60), std::int64_t(11));
        QCOMPARE(*WalGaugeSeries::valueAt(*series.find(1, WalGaugeKind::Frames), 101), std::int64_t(9));
    }
};

QTEST_GUILESS_MAIN(TestRecording)
#include "tst_recording.moc"
