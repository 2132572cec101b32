// A successful StatementEnd folded into its connection's next StatementBegin, with MVCC's BEGIN's
// TxBegin (engine/trace/StatementFold.h): while a connection folds (a workers loop), the log
// stores one event where it stored two (or three), and every read hands them back. What must hold:
// - the connection's events, read back, are those it appends with the fold off, field for field
//   (the same statements on two databases, the fold on and off, MVCC and SQLite, with rows read,
//   an error, a busy wait and a busy error);
// - every read of the log (readSince whole and in slices, visitSince, visitFieldsSince with a
//   kind filter, snapshot) and the session file unfold it the same way;
// - the counts kept as the log is written (LiveCounts, which reads the folded Begin raw) are
//   those of the unfolded events, tally for tally with their times;
// - in a run, only workers fold; an error, a wait (a `sleep`) and a retry keep the end apart.

#include "engine/api/Database.h"
#include "engine/trace/CountingRule.h"
#include "engine/trace/SessionFile.h"
#include "engine/trace/SessionProjection.h"
#include "engine/trace/SpanProjection.h"
#include "engine/trace/StatementFold.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "support/TestDb.h"
#include "support/Workloads.h"

#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

using namespace txs;

namespace {

using Key = std::tuple<int, std::uint32_t, std::uint32_t, std::uint64_t, std::int64_t, std::int64_t,
                       std::int64_t, int, std::string>;

Key keyOf(const Event& e)
{
    return {static_cast<int>(e.kind), e.connection, e.table, e.txId, e.rowid, e.a, e.b, e.detail, e.text};
}

// Each connection's events, without seq and time (which differ between two runs).
std::map<std::uint32_t, std::vector<Key>> byConnection(const std::vector<Event>& log)
{
    std::map<std::uint32_t, std::vector<Key>> out;
    for (const Event& e : log)
        out[e.connection].push_back(keyOf(e));
    return out;
}

// The log as stored: each StatementEnd that shares its seq with the Begin after it folded back,
// with the TxBegin before it when that shares the seq too.
std::vector<Event> refolded(const std::vector<Event>& log)
{
    std::vector<Event> out;
    for (std::size_t i = 0; i < log.size(); ++i) {
        const Event& e = log[i];
        if (e.kind == EventKind::TxBegin && i + 2 < log.size() && log[i + 1].seq == e.seq) {
            const Event& end = log[++i];
            Event begin = log[++i];
            begin.detail |= kStatementBeginEndsPrevious | kStatementBeginCarriesTxBegin |
                            static_cast<std::uint16_t>(e.a << kCarriedTxModeShift);
            begin.rowid = end.timeNs;
            begin.a = static_cast<std::int64_t>(end.txId);
            begin.b = e.b;
            out.push_back(std::move(begin));
        } else if (e.kind == EventKind::StatementEnd && i + 1 < log.size() && log[i + 1].seq == e.seq) {
            Event begin = log[++i];
            begin.detail |= kStatementBeginEndsPrevious;
            begin.rowid = e.timeNs;
            begin.a = static_cast<std::int64_t>(e.txId);
            begin.b = e.b;
            out.push_back(std::move(begin));
        } else {
            out.push_back(e);
        }
    }
    return out;
}

// Events folded into the event after them: those that share its seq (a StatementEnd; a TxBegin).
std::size_t foldsIn(const std::vector<Event>& log)
{
    std::size_t n = 0;
    for (std::size_t i = 0; i + 1 < log.size(); ++i)
        n += log[i + 1].seq == log[i].seq;
    return n;
}

// TxBegins carried by a folded Begin: each shares its seq with the StatementEnd after it.
std::size_t carriedTxBeginsIn(const std::vector<Event>& log)
{
    std::size_t n = 0;
    for (std::size_t i = 0; i + 1 < log.size(); ++i)
        n += log[i].kind == EventKind::TxBegin && log[i + 1].seq == log[i].seq;
    return n;
}

std::vector<std::tuple<int, std::int64_t, std::int64_t>> tallies(const std::vector<Event>& log)
{
    CountingRule rule;
    std::vector<Tally> out;
    for (const Event& e : log)
        rule.apply(e, out);
    std::vector<std::tuple<int, std::int64_t, std::int64_t>> settled;
    for (const Tally& t : out)
        settled.emplace_back(static_cast<int>(t.what), t.timeNs, t.beginNs);
    return settled;
}

MetricsAt countOfAll(const std::vector<Event>& log)
{
    SessionProjection p;
    p.apply(log);
    return p.metrics.at(p.latestNs());
}

// The same statements on two connections: writes, reads with and without rows, an error, a
// BEGIN IMMEDIATE that waits (its busy handler lets the holder commit) and one that gives up.
void drive(Database& db, bool fold)
{
    auto a = db.connect("a");
    auto b = db.connect("b");
    std::optional<StatementFoldScope> scope; // as a worker's loop has
    if (fold) scope.emplace();
    MUST(*a, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INT)");
    MUST(*a, "INSERT INTO t VALUES (1, 1)");
    MUST(*a, "BEGIN");
    MUST(*a, "INSERT INTO t VALUES (2, 2)");
    MUST(*a, "SELECT v FROM t WHERE id = 1");
    MUST(*a, "SELECT v FROM t WHERE id = 99");
    QVERIFY(!a->execute("INSERT INTO t VALUES (1, 5)").ok()); // a duplicate key
    MUST(*a, "COMMIT");
    MUST(*a, "BEGIN IMMEDIATE");
    MUST(*a, "UPDATE t SET v = 3 WHERE id = 2");
    b->setBusyTimeout(0);
    int calls = 0;
    b->setBusyHandler([&](int count) {
        ++calls;
        if (count == 0) a->execute("COMMIT"); // the lock is free when the handler returns
        return count == 0;
    });
    MUST(*b, "BEGIN IMMEDIATE");
    QCOMPARE(calls, 1);
    MUST(*b, "INSERT INTO t VALUES (3, 3)");
    a->setBusyTimeout(0);
    QVERIFY(!a->execute("BEGIN IMMEDIATE").ok()); // b holds the write lock: a busy error
    MUST(*b, "COMMIT");
    MUST(*b, "SELECT count(*) FROM t");
    MUST(*a, "DELETE FROM t WHERE id = 3");
}

std::shared_ptr<Database> openTraced(JournalMode mode, const QString& dir, const char* name,
                                     std::shared_ptr<TraceLog> log)
{
    if (mode == JournalMode::Mvcc) return test::openMvcc(std::move(log));
    Error error;
    auto db = Database::open((dir + "/" + name).toStdString(), OpenOptions{mode, std::move(log)}, &error);
    if (!db) qWarning("%s", error.message.c_str());
    return db;
}

constexpr const char* kWorkersWithWaits = R"(journal_mode: mvcc
busy_timeout: 50
setup:
  CREATE TABLE t (id INTEGER PRIMARY KEY, v INT);
  INSERT INTO t VALUES (1, 0);
workers w x4 repeat 8 retry(conflict, busy; max 100000):
  BEGIN CONCURRENT;
  UPDATE t SET v = v + 1 WHERE id = 1;
  sleep 1ms;
  COMMIT;
workers a x2 repeat 20 retry(conflict, busy; max 100000):
  BEGIN CONCURRENT;
  INSERT INTO t (v) VALUES ($iter);
  COMMIT;
)";

struct Run
{
    std::shared_ptr<TraceLog> log;
    std::vector<Event> events;
};

Run run(Workload workload)
{
    RunOptions options;
    options.traceLimits.maxEvents = 50'000'000;
    Runner runner(std::move(workload), options);
    runner.run();
    Run r{runner.trace(), runner.trace()->snapshot()};
    return r;
}

} // namespace

class TestStatementFold : public QObject
{
    Q_OBJECT

private slots:
    void aConnectionReadsBackAsWithoutTheFold_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("mvcc") << static_cast<int>(JournalMode::Mvcc);
        QTest::newRow("sqlite wal") << static_cast<int>(JournalMode::Wal);
        QTest::newRow("sqlite delete") << static_cast<int>(JournalMode::Delete);
    }
    void aConnectionReadsBackAsWithoutTheFold()
    {
        QFETCH(int, mode);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto plainLog = std::make_shared<TraceLog>();
        auto foldedLog = std::make_shared<TraceLog>();
        {
            auto plain = openTraced(static_cast<JournalMode>(mode), dir.path(), "plain.db", plainLog);
            auto folded = openTraced(static_cast<JournalMode>(mode), dir.path(), "folded.db", foldedLog);
            QVERIFY(plain && folded);
            drive(*plain, false);
            drive(*folded, true);
        }
        const std::vector<Event> plainEvents = plainLog->snapshot();
        const std::vector<Event> foldedEvents = foldedLog->snapshot();
        QCOMPARE(plainLog->appendedCount(), plainEvents.size()); // off: nothing folded
        QVERIFY2(foldedLog->appendedCount() < foldedEvents.size(), "the successful ends are folded");
        QCOMPARE(foldedEvents.size() - foldedLog->appendedCount(), foldsIn(foldedEvents));
        QCOMPARE(byConnection(foldedEvents), byConnection(plainEvents));
        // MVCC's BEGIN ends with its TxBegin: both ride on the next statement's Begin. SQLite's
        // TxBegin is not held (its BEGIN appends lock events after it).
        if (static_cast<JournalMode>(mode) == JournalMode::Mvcc)
            QCOMPARE(carriedTxBeginsIn(foldedEvents), std::size_t{1});
        else
            QCOMPARE(carriedTxBeginsIn(foldedEvents), std::size_t{0});

        // Each connection's events keep their time order; a folded end lies between the events
        // around it; the rows preview and the error kept their End; a carried TxBegin comes
        // just before the End of its statement, of its transaction.
        std::map<std::uint32_t, std::int64_t> last;
        for (std::size_t i = 0; i < foldedEvents.size(); ++i) {
            const Event& e = foldedEvents[i];
            if (e.connection == 0) continue;
            QVERIFY2(e.timeNs >= last[e.connection], "a connection's events stay in time order");
            last[e.connection] = e.timeNs;
            if (e.kind == EventKind::StatementEnd && i + 1 < foldedEvents.size() &&
                foldedEvents[i + 1].seq == e.seq) {
                QCOMPARE(e.a, std::int64_t{0});
                QVERIFY(e.text.empty());
                QCOMPARE(foldedEvents[i + 1].kind, EventKind::StatementBegin);
                QCOMPARE(foldedEvents[i + 1].connection, e.connection);
                QCOMPARE(foldedEvents[i + 1].detail, std::uint16_t{0});
            }
            if (e.kind == EventKind::TxBegin && i + 1 < foldedEvents.size() &&
                foldedEvents[i + 1].seq == e.seq) {
                QCOMPARE(foldedEvents[i + 1].kind, EventKind::StatementEnd);
                QCOMPARE(foldedEvents[i + 1].connection, e.connection);
                QCOMPARE(foldedEvents[i + 1].txId, e.txId);
                QCOMPARE(foldedEvents[i + 1].timeNs, e.timeNs); // stamped with its statement's end
            }
            if (e.kind == EventKind::StatementEnd && (e.a != 0 || !e.text.empty()))
                QVERIFY2(i + 1 == foldedEvents.size() || foldedEvents[i + 1].seq != e.seq,
                         "an error or a rows preview keeps its own StatementEnd");
        }
        QCOMPARE(foldedLog->totals(), plainLog->totals());
        QCOMPARE(foldedLog->totals(), countOfAll(foldedEvents));
    }

    // A kept end that carries its TxBegin and is flushed (the worker sleeps, pauses, retries or
    // closes the connection) appends both on their own, in order, as the store would have.
    void aFlushedEndKeepsItsTxBegin()
    {
        auto plainLog = std::make_shared<TraceLog>();
        auto foldedLog = std::make_shared<TraceLog>();
        for (const bool fold : {false, true}) {
            auto db = test::openMvcc(fold ? foldedLog : plainLog);
            auto a = db->connect("a");
            std::optional<StatementFoldScope> scope;
            if (fold) scope.emplace();
            MUST(*a, "CREATE TABLE t (x INT)");
            // DEFERRED: its COMMIT takes the exclusive slot (a CONCURRENT one's TxCommit would
            // carry the time its commit lock was taken, which differs between the two runs).
            MUST(*a, "BEGIN DEFERRED");
            StatementFoldScope::flush(); // as before a worker's sleep
            MUST(*a, "INSERT INTO t VALUES (1)");
            MUST(*a, "COMMIT");
            MUST(*a, "BEGIN");
            a.reset(); // the connection closes with the BEGIN's end kept
        }
        const std::vector<Event> plain = plainLog->snapshot();
        const std::vector<Event> folded = foldedLog->snapshot();
        QCOMPARE(byConnection(folded), byConnection(plain));
        QCOMPARE(carriedTxBeginsIn(folded), std::size_t{0}); // both were flushed, not carried
        std::size_t txBegins = 0;
        for (std::size_t i = 0; i < folded.size(); ++i) {
            if (folded[i].kind != EventKind::TxBegin) continue;
            ++txBegins;
            QVERIFY(i + 1 < folded.size());
            QCOMPARE(folded[i + 1].kind, EventKind::StatementEnd); // its BEGIN's end, just after it
            QVERIFY(folded[i + 1].seq > folded[i].seq);
            QCOMPARE(folded[i + 1].timeNs, folded[i].timeNs);
        }
        QCOMPARE(txBegins, std::size_t{2});
    }

    // A TxBegin the kept end's Begin cannot hold (a mode beyond the detail bits, or an end that
    // changed rows, which b would have to hold too) is appended on its own, at the end's time,
    // just before the end that is still kept.
    void aTxBeginTheBeginCannotHoldGoesOnItsOwn_data()
    {
        QTest::addColumn<std::int64_t>("mode");
        QTest::addColumn<std::int64_t>("rows");
        QTest::newRow("mode beyond the bits") << kMaxCarriedTxMode + 1 << std::int64_t{0};
        QTest::newRow("rows changed") << std::int64_t{1} << std::int64_t{3};
    }

    void aTxBeginTheBeginCannotHoldGoesOnItsOwn()
    {
        QFETCH(std::int64_t, mode);
        QFETCH(std::int64_t, rows);
        TraceLog log;
        {
            StatementFoldScope scope;
            StatementEvents statements;
            statements.begin(log, 1, 0, "BEGIN");
            const BegunTransaction begun{7, mode, 42};
            statements.end(log, 1, 7, 0, rows, {}, 0, &begun);
            statements.begin(log, 1, 7, "INSERT INTO t VALUES (1)");
        }
        const std::vector<Event> events = log.snapshot();
        QCOMPARE(carriedTxBeginsIn(events), std::size_t{0});
        QCOMPARE(foldsIn(events), std::size_t{1}); // the end is still carried
        QCOMPARE(events.size(), std::size_t{4});
        const Event& tx = events[1];
        QCOMPARE(tx.kind, EventKind::TxBegin);
        QCOMPARE(tx.txId, std::uint64_t{7});
        QCOMPARE(tx.a, mode);
        QCOMPARE(tx.b, std::int64_t{42});
        QCOMPARE(events[2].kind, EventKind::StatementEnd);
        QCOMPARE(events[2].b, rows);
        QCOMPARE(events[2].timeNs, tx.timeNs); // the end's time
        QVERIFY(events[2].seq > tx.seq);
        QCOMPARE(events[3].kind, EventKind::StatementBegin);
        QCOMPARE(events[3].seq, events[2].seq);
    }

    void everyReadUnfolds()
    {
        auto log = std::make_shared<TraceLog>();
        {
            auto db = test::openMvcc(log);
            drive(*db, true);
        }
        const std::vector<Event> all = log->snapshot();
        QVERIFY(foldsIn(all) > 0);
        std::vector<Event> whole;
        QCOMPARE(log->readSince(0, whole), log->appendedCount());
        QCOMPARE(whole.size(), all.size());
        std::vector<Event> sliced;
        for (std::uint64_t next = 0; next < log->appendedCount();)
            next = log->readSince(next, 1, sliced);
        std::vector<Event> visited;
        log->visitSince(0, [&](const Event& e) { visited.push_back(e); });
        std::vector<Event> fields;
        log->visitFieldsSince(0, [&](const Event& e, std::string_view text) {
            fields.push_back(e);
            fields.back().text = std::string(text);
        });
        for (const auto* read : {&whole, &sliced, &visited, &fields}) {
            QCOMPARE(read->size(), all.size());
            for (std::size_t i = 0; i < all.size(); ++i) {
                QCOMPARE(keyOf((*read)[i]), keyOf(all[i]));
                QCOMPARE((*read)[i].seq, all[i].seq);
                QCOMPARE((*read)[i].timeNs, all[i].timeNs);
            }
        }
        // A reader of one of the three kinds gets exactly those.
        QCOMPARE(carriedTxBeginsIn(all), std::size_t{1});
        for (EventKind kind : {EventKind::StatementEnd, EventKind::StatementBegin, EventKind::TxBegin}) {
            std::vector<Key> want, got;
            for (const Event& e : all)
                if (e.kind == kind) want.push_back(keyOf(e));
            log->visitFieldsSince(
                0,
                [&](const Event& e, std::string_view text) {
                    Event copy = e;
                    copy.text = std::string(text);
                    got.push_back(keyOf(copy));
                },
                nullptr, EventKindSet{kind});
            QCOMPARE(got, want);
        }
    }

    // LiveCounts reads the folded Begins raw; the counting rule over the stored form (refolded)
    // settles the same tallies at the same times as over the unfolded events.
    void countsAsWithThePair_data()
    {
        QTest::addColumn<QString>("scenario");
        for (const char* name :
             {"seed-concurrent-writes.txs", "doomed-transaction.txs", "exclusive-vs-concurrent.txs",
              "sqlite-busy-timeout-writers.txs", "same-key-insert.txs"})
            QTest::newRow(name) << name;
        QTest::newRow("workers with waits") << "";
        QTest::newRow("sqlite contended") << "contended";
    }
    void countsAsWithThePair()
    {
        QFETCH(QString, scenario);
        const Run r = run(scenario.isEmpty() ? testing::parseOrFail(kWorkersWithWaits)
                          : scenario == "contended"
                              ? testing::parseOrFail(testing::contendedWritersScript("wal", 6, 10).c_str())
                              : testing::builtInScenario(scenario.toUtf8().constData()));
        QVERIFY(!r.events.empty());
        QCOMPARE(r.events.front().seq, std::uint64_t{0});
        const bool workers = std::any_of(r.events.begin(), r.events.end(), [](const Event& e) {
            return e.kind == EventKind::PhaseBegin && e.a == static_cast<std::int64_t>(RunPhase::Workers);
        });
        const bool mvcc = std::any_of(r.events.begin(), r.events.end(), [](const Event& e) {
            return e.kind == EventKind::TxBegin && e.b != 0; // MVCC's begin timestamp
        });
        if (workers)
            QVERIFY2(foldsIn(r.events) > 0, "workers fold their statements' ends");
        else
            QCOMPARE(foldsIn(r.events), std::size_t{0}); // steps do not fold
        if (workers && mvcc)
            QVERIFY2(carriedTxBeginsIn(r.events) > 0, "MVCC workers' BEGINs carry their TxBegin");
        else
            QCOMPARE(carriedTxBeginsIn(r.events), std::size_t{0});
        QCOMPARE(r.events.size() - r.log->appendedCount(), foldsIn(r.events));
        const std::vector<Event> stored = refolded(r.events);
        QCOMPARE(stored.size(), r.log->appendedCount());
        QCOMPARE(tallies(stored), tallies(r.events));
        QCOMPARE(r.log->totals(), countOfAll(r.events));

        // Every error keeps its End; a retry's event follows its ROLLBACK's End; nothing of a
        // connection lies between a folded end and its Begin (they are adjacent in the read).
        std::map<std::uint32_t, const Event*> previous;
        for (std::size_t i = 0; i < r.events.size(); ++i) {
            const Event& e = r.events[i];
            const bool folded =
                e.kind == EventKind::StatementEnd && i + 1 < r.events.size() && r.events[i + 1].seq == e.seq;
            if (e.kind == EventKind::StatementEnd && e.a != 0) QVERIFY(!folded);
            if (e.kind == EventKind::TxRetry) {
                const Event* before = previous[e.connection];
                QVERIFY(before);
                QVERIFY2(before->kind == EventKind::StatementEnd,
                         qPrintable(QString("before a TxRetry: %1 (seq %2, a %3)")
                                        .arg(static_cast<int>(before->kind))
                                        .arg(before->seq)
                                        .arg(before->a)));
                QVERIFY2(before->seq < e.seq, "the ROLLBACK's end is flushed before the retry");
            }
            // A workers phase's explanations are appended by whichever thread reads the log
            // next (any time after the error, naming its End's seq): not the connection's own.
            if (e.connection != 0 && e.kind != EventKind::Explanation) previous[e.connection] = &e;
        }
    }

    // A worker's statement before a `sleep` keeps its End apart (flushed as the worker goes
    // quiet), and only workers fold: the setup's and a stepped scenario's statements do not.
    void waitsAndStepsKeepTheirEnds()
    {
        const Run r = run(testing::parseOrFail(kWorkersWithWaits));
        std::map<std::uint32_t, std::string> open;
        std::size_t updates = 0;
        for (std::size_t i = 0; i < r.events.size(); ++i) {
            const Event& e = r.events[i];
            if (e.kind == EventKind::StatementBegin) open[e.connection] = e.text;
            if (e.kind != EventKind::StatementEnd || e.a != 0) continue;
            const bool folded = i + 1 < r.events.size() && r.events[i + 1].seq == e.seq;
            if (open[e.connection].rfind("UPDATE", 0) == 0) {
                ++updates;
                QVERIFY2(!folded, "the end before a sleep is flushed, not folded");
            }
            if (open[e.connection].rfind("CREATE", 0) == 0) QVERIFY2(!folded, "the setup does not fold");
        }
        QVERIFY(updates > 0);

        const Run stepped = run(testing::builtInScenario("lost-update.txs"));
        QCOMPARE(stepped.log->appendedCount(), stepped.events.size());
    }

    // A session saved from a folded log (each folded End shares its Begin's seq) reads back as
    // saved; a file holding a folded Begin as stored reads unfolded; other repeated seqs are
    // refused as before.
    void sessionFiles()
    {
        const Run r = run(testing::builtInScenario("seed-concurrent-writes.txs"));
        QVERIFY(foldsIn(r.events) > 0);
        QVERIFY(carriedTxBeginsIn(r.events) > 0);
        Session session;
        session.journalMode = "mvcc";
        session.events = r.events;
        std::string error;
        auto loaded = parseSession(formatSession(session), "run.txsession", error);
        QVERIFY2(loaded, error.c_str());
        QCOMPARE(loaded->events.size(), r.events.size());
        for (std::size_t i = 0; i < r.events.size(); ++i) {
            QCOMPARE(loaded->events[i].seq, r.events[i].seq);
            QCOMPARE(keyOf(loaded->events[i]), keyOf(r.events[i]));
        }

        session.events = refolded(r.events);
        loaded = parseSession(formatSession(session), "stored.txsession", error);
        QVERIFY2(loaded, error.c_str());
        QCOMPARE(loaded->events.size(), r.events.size());
        for (std::size_t i = 0; i < r.events.size(); ++i)
            QCOMPARE(keyOf(loaded->events[i]), keyOf(r.events[i]));

        // A loaded session is appended to a fresh log (the window's replay): the same again.
        auto replay = std::make_shared<TraceLog>();
        for (const Event& e : loaded->events)
            replay->append(e);
        QCOMPARE(replay->totals(), r.log->totals());

        // Refolded before it is appended, a loaded session stores what the run stored: the same
        // events under the same seqs, so the replay's seqs and event count are the run's.
        std::vector<Event> stored = loaded->events;
        refoldStatementEnds(stored);
        const std::vector<Event> expected = refolded(r.events);
        QCOMPARE(stored.size(), expected.size());
        QVERIFY(stored.size() < loaded->events.size());
        for (std::size_t i = 0; i < stored.size(); ++i) {
            QCOMPARE(stored[i].seq, expected[i].seq);
            QCOMPARE(stored[i].detail, expected[i].detail);
            QCOMPARE(stored[i].rowid, expected[i].rowid);
            QCOMPARE(stored[i].a, expected[i].a);
            QCOMPARE(stored[i].b, expected[i].b);
            QCOMPARE(keyOf(stored[i]), keyOf(expected[i]));
        }
        auto storedReplay = std::make_shared<TraceLog>();
        for (const Event& e : stored)
            storedReplay->append(e);
        QCOMPARE(storedReplay->appendedCount(), std::uint64_t(expected.size()));
        QCOMPARE(storedReplay->totals(), r.log->totals());
        const std::vector<Event> readBack = storedReplay->snapshot();
        QCOMPARE(readBack.size(), r.events.size());
        for (std::size_t i = 0; i < readBack.size(); ++i)
            QCOMPARE(keyOf(readBack[i]), keyOf(r.events[i]));

        Event a, b;
        a.seq = b.seq = 7;
        a.kind = EventKind::Note;
        b.kind = EventKind::StatementBegin;
        session.events = {a, b};
        QVERIFY(!parseSession(formatSession(session), "bad.txsession", error));
        QVERIFY2(error.find("seq order") != std::string::npos, error.c_str());
    }

    // A hostile folded Begin (its end "after" it) reads as an end at the Begin's own time.
    void hostileFold()
    {
        Event begin;
        begin.seq = 3;
        begin.kind = EventKind::StatementBegin;
        begin.connection = 2;
        begin.timeNs = 100;
        begin.rowid = 500;
        begin.a = 9;
        begin.b = 4;
        begin.detail = kStatementBeginEndsPrevious;
        begin.text = "COMMIT";
        std::vector<Event> v{begin};
        unfoldStatementEnds(v, 0);
        QCOMPARE(v.size(), std::size_t{2});
        QCOMPARE(v[0].kind, EventKind::StatementEnd);
        QCOMPARE(v[0].timeNs, std::int64_t{100});
        QCOMPARE(v[0].txId, std::uint64_t{9});
        QCOMPARE(v[0].b, std::int64_t{4});
        QCOMPARE(v[0].seq, std::uint64_t{3});
        QCOMPARE(v[1].text, std::string("COMMIT"));
        QCOMPARE(v[1].detail, std::uint16_t{0});
        QCOMPARE(v[1].rowid, std::int64_t{0});
        SpanProjection p;
        for (const Event& e : v)
            p.apply(e);
        TraceLog log;
        log.append(begin);
        QCOMPARE(log.snapshot().size(), std::size_t{2});

        // One that claims a TxBegin too: it begins at the end's (clamped) time; the mode is four
        // bits; the Begin reads back clean.
        begin.detail = kStatementBeginEndsPrevious | kStatementBeginCarriesTxBegin |
                       (0xf << kCarriedTxModeShift) | 0x8000;
        begin.table = 6;
        v = {begin};
        unfoldStatementEnds(v, 0);
        QCOMPARE(v.size(), std::size_t{3});
        QCOMPARE(v[0].kind, EventKind::TxBegin);
        QCOMPARE(v[0].timeNs, std::int64_t{100});
        QCOMPARE(v[0].table, std::uint32_t{0});
        QCOMPARE(v[0].txId, std::uint64_t{9});
        QCOMPARE(v[0].a, std::int64_t{15});
        QCOMPARE(v[0].b, std::int64_t{4});
        QCOMPARE(v[1].kind, EventKind::StatementEnd);
        QCOMPARE(v[1].b, std::int64_t{0});
        QCOMPARE(v[1].timeNs, std::int64_t{100});
        QCOMPARE(v[2].kind, EventKind::StatementBegin);
        QCOMPARE(v[2].table, std::uint32_t{6});       // not the fold's
        QCOMPARE(v[2].detail, std::uint16_t{0x8000}); // bits the fold does not own stay
        for (const Event& e : v)
            p.apply(e);
        TraceLog log2;
        log2.append(begin);
        QCOMPARE(log2.snapshot().size(), std::size_t{3});
        QCOMPARE(log2.totals(), countOfAll(v));
    }
};

QTEST_GUILESS_MAIN(TestStatementFold)
#include "tst_statement_fold.moc"
