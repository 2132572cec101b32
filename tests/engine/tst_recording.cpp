// The recorder's merge: hand-made probe records of two processes become one session whose
// lock events, statements and explanations are those of a run; and record files that are
// damaged or planted are counted, never trusted.

#include "engine/explain/ExplanationEvent.h"
#include "engine/record/LockBytes.h"
#include "engine/record/ProbeFile.h"
#include "engine/record/Recording.h"

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
};

QTEST_GUILESS_MAIN(TestRecording)
#include "tst_recording.moc"
