// The MVCC commit lock folded into TxCommit (engine/trace/CommitHold.h): a commit that succeeds
// with nothing else of its connection in between carries its hold of LockResource::MvccCommit
// in TxCommit instead of a LockAcquire / LockRelease pair. Every projection of the log must show
// what it showed with the pair: the same log with each folded TxCommit written back as the pair
// (unfolded()) is projected beside it, span for span, lock state for lock state, count for count.
// The runs are the built-in MVCC scenarios, contended workers (conflicts, refused commits) and a
// COMMIT that waits for the exclusive slot through the busy handler.

#include "engine/trace/ChromeTrace.h"
#include "engine/trace/CommitHold.h"
#include "engine/trace/CountingRule.h"
#include "engine/trace/LockProjection.h"
#include "engine/trace/LockState.h"
#include "engine/trace/OpenSpanState.h"
#include "engine/trace/SessionFile.h"
#include "engine/trace/SessionProjection.h"
#include "engine/trace/SpanProjection.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "support/TestDb.h"
#include "support/UnfoldCommitHolds.h"
#include "support/Workloads.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

using namespace txs;

namespace {

constexpr auto kCommitLock = static_cast<std::int64_t>(LockResource::MvccCommit);

bool isCommitLock(const Event& e)
{
    return (e.kind == EventKind::LockAcquire || e.kind == EventKind::LockRelease) && e.a == kCommitLock;
}

std::size_t countFolded(const std::vector<Event>& log)
{
    return testing::countFoldedCommits(log);
}

std::vector<Event> unfolded(const std::vector<Event>& log, std::vector<std::size_t>* at = nullptr)
{
    return testing::unfoldCommitHolds(log, at);
}

std::vector<Event> runScript(Workload workload)
{
    return testing::recordWholeRun(std::move(workload));
}

constexpr const char* kContendedMvcc = R"(journal_mode: mvcc
busy_timeout: 50
setup:
  CREATE TABLE t (id INTEGER PRIMARY KEY, v INT);
  INSERT INTO t VALUES (1, 0), (2, 0);
workers w x4 repeat 6 retry(conflict, busy; max 100000):
  BEGIN CONCURRENT;
  SELECT v FROM t WHERE id = 1;
  UPDATE t SET v = v + 1 WHERE id = 1;
  sleep 1ms;
  COMMIT;
workers a x2 repeat 10 retry(conflict, busy; max 100000):
  INSERT INTO t (v) VALUES (1);
workers x x1 repeat 5 retry(conflict, busy; max 100000):
  BEGIN IMMEDIATE;
  UPDATE t SET v = v + 1 WHERE id = 2;
  COMMIT;
)";

// ---- what each projection shows, in comparable form ----

using SpanKey = std::tuple<int, std::uint32_t, std::uint64_t, std::int64_t, std::int64_t, int, int, int, bool,
                           int, std::int64_t>;

std::multiset<SpanKey> spansOf(const std::vector<Event>& log)
{
    SpanProjection p;
    for (const Event& e : log)
        p.apply(e);
    std::multiset<SpanKey> out;
    for (const SpanRecord& s : p.all())
        out.insert({static_cast<int>(s.kind), s.connection, s.txId, s.startNs, s.endNs,
                    static_cast<int>(s.cause), static_cast<int>(s.resource), static_cast<int>(s.level), s.cut,
                    static_cast<int>(s.outcome), s.code});
    return out;
}

std::size_t foldedHolds(const std::vector<Event>& log)
{
    SpanProjection p;
    for (const Event& e : log)
        p.apply(e);
    std::size_t n = 0;
    for (const SpanRecord& s : p.all())
        n += s.kind == SpanKind::LockHold && s.folded;
    return n;
}

using LockKey = std::tuple<std::uint32_t, int, int, int, bool, int, int, std::int64_t>;

std::set<LockKey> locksOf(const LockState& state)
{
    std::set<LockKey> out;
    for (const auto& [id, c] : state.connections())
        out.insert({id, static_cast<int>(c.dbFile), static_cast<int>(c.mvccExclusive),
                    static_cast<int>(c.mvccCommit), c.waiting.has_value(),
                    c.waiting ? static_cast<int>(c.waiting->resource) : -1,
                    c.waiting ? static_cast<int>(c.waiting->wanted) : -1,
                    c.waiting ? c.waiting->sinceNs : 0});
    return out;
}

// Instants that matter: each hold's start and end and just around them, and a spread of others.
std::vector<std::int64_t> instants(const std::vector<Event>& log)
{
    std::set<std::int64_t> t;
    for (std::size_t i = 0; i < log.size(); ++i) {
        const Event& e = log[i];
        if (carriesCommitHold(e) && t.size() < 4000) {
            const std::int64_t start = commitHoldStartNs(e);
            for (std::int64_t x :
                 {start - 1, start, start + 1, (start + e.timeNs) / 2, e.timeNs - 1, e.timeNs})
                t.insert(x);
        } else if (i % 13 == 0) {
            t.insert(e.timeNs);
        }
    }
    return {t.begin(), t.end()};
}

// What the counting rule settles, in order: what, when, and a commit's begin (its latency).
std::vector<std::tuple<int, std::int64_t, std::int64_t>> countsOf(const std::vector<Event>& log)
{
    CountingRule rule;
    std::vector<Tally> out;
    for (const Event& e : log)
        rule.apply(e, out);
    std::vector<std::tuple<int, std::int64_t, std::int64_t>> settled;
    for (const Tally& x : out)
        settled.emplace_back(static_cast<int>(x.what), x.timeNs, x.beginNs);
    return settled;
}

// The Chrome trace's spans ("X" events) and flows, as text, in a canonical order.
std::multiset<QString> chromeOf(const std::vector<Event>& log)
{
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(toChromeTrace(log)));
    std::multiset<QString> out;
    for (const auto& v : doc.object()["traceEvents"].toArray()) {
        const QJsonObject e = v.toObject();
        if (e["ph"] == "M") continue; // metadata
        out.insert(QString::fromUtf8(QJsonDocument(e).toJson(QJsonDocument::Compact)));
    }
    return out;
}

struct OpenKey
{
    bool tx = false, wait = false, statement = false;
    int outcome = 0, waitResource = 0, waitLevel = 0, commitLevel = 0, exclusiveLevel = 0;
    bool operator==(const OpenKey&) const = default;
};

std::map<std::uint32_t, OpenKey> openOf(const OpenSpanState& s, const std::set<std::uint32_t>& ids)
{
    std::map<std::uint32_t, OpenKey> out;
    for (std::uint32_t id : ids) {
        OpenKey k;
        if (const auto* tx = s.openTransaction(id)) {
            k.tx = true;
            k.outcome = static_cast<int>(tx->outcome);
        }
        if (const auto* w = s.openLockWait(id)) {
            k.wait = true;
            k.waitResource = static_cast<int>(w->resource);
            k.waitLevel = static_cast<int>(w->level);
        }
        k.statement = s.statementOpen(id);
        k.commitLevel = static_cast<int>(s.levelNow(id, LockResource::MvccCommit));
        k.exclusiveLevel = static_cast<int>(s.levelNow(id, LockResource::MvccExclusive));
        out[id] = k;
    }
    return out;
}

// Every projection of `log` against the same of its unfolded form.
void compareWithUnfolded(const std::vector<Event>& log)
{
    std::vector<std::size_t> at;
    const std::vector<Event> pairs = unfolded(log, &at);

    QCOMPARE(spansOf(log), spansOf(pairs));
    QCOMPARE(foldedHolds(log), countFolded(log));

    // Lock state, forward (LockState::apply in seq order) and at any instant (time travel).
    LockState forward, forwardPairs;
    LockProjection byTime, byTimePairs;
    OpenSpanState open, openPairs;
    std::set<std::uint32_t> ids;
    for (const Event& e : log)
        ids.insert(e.connection);
    std::size_t next = 0;
    for (std::size_t i = 0; i < log.size(); ++i) {
        for (; next <= at[i]; ++next) {
            forwardPairs.apply(pairs[next]);
            byTimePairs.apply(pairs[next]);
            openPairs.apply(pairs[next]);
        }
        forward.apply(log[i]);
        byTime.apply(log[i]);
        open.apply(log[i]);
        if (locksOf(forward) != locksOf(forwardPairs))
            QFAIL(qPrintable(QString("the lock state differs after event %1").arg(i)));
        if (!(openOf(open, ids) == openOf(openPairs, ids)))
            QFAIL(qPrintable(QString("the explainer's open state differs after event %1").arg(i)));
    }
    QCOMPARE(forward.timeNs(), forwardPairs.timeNs());
    for (std::int64_t t : instants(log)) {
        const auto folded = locksOf(byTime.stateAt(t));
        if (folded != locksOf(byTimePairs.stateAt(t)))
            QFAIL(qPrintable(QString("time travel's lock state differs at %1 ns").arg(t)));
        if (folded != locksOf(lockStateAt(log, t)))
            QFAIL(qPrintable(QString("lockStateAt differs from LockProjection at %1 ns").arg(t)));
    }

    // The counting rule, and every session projection's counts.
    QCOMPARE(countsOf(log), countsOf(pairs));
    SessionProjection session, sessionPairs;
    session.apply(log);
    sessionPairs.apply(pairs);
    QCOMPARE(session.metrics.at(session.latestNs()), sessionPairs.metrics.at(sessionPairs.latestNs()));

    const auto chrome = chromeOf(log), chromePairs = chromeOf(pairs);
    if (chrome != chromePairs) {
        std::vector<QString> onlyFolded, onlyPairs;
        std::set_difference(chrome.begin(), chrome.end(), chromePairs.begin(), chromePairs.end(),
                            std::back_inserter(onlyFolded));
        std::set_difference(chromePairs.begin(), chromePairs.end(), chrome.begin(), chrome.end(),
                            std::back_inserter(onlyPairs));
        for (std::size_t i = 0; i < std::min<std::size_t>(onlyFolded.size(), 4); ++i)
            qWarning("only with the fold: %s", qPrintable(onlyFolded[i]));
        for (std::size_t i = 0; i < std::min<std::size_t>(onlyPairs.size(), 4); ++i)
            qWarning("only with the pairs: %s", qPrintable(onlyPairs[i]));
        QFAIL("the Chrome traces differ");
    }
}

} // namespace

class TestCommitHold : public QObject
{
    Q_OBJECT

private slots:
    // A concurrent commit carries its hold; an exclusive writer's commit keeps the pair (its
    // slot's release comes between), and so does a refused one, whose acquire follows its
    // Conflict, stamped with when the hold began.
    void whoFoldsAndWhoKeepsThePair()
    {
        std::size_t folded = 0, paired = 0, refused = 0;
        for (const std::vector<Event>& log : {runScript(testing::parseOrFail(kContendedMvcc)),
                                              runScript(testing::builtInScenario("same-key-insert.txs"))}) {
            QVERIFY(!log.empty());
            std::map<std::uint64_t, std::vector<const Event*>> byTx;
            for (const Event& e : log)
                if (e.txId != 0) byTx[e.txId].push_back(&e);
            for (const auto& [tx, events] : byTx) {
                const Event* begin = nullptr;
                const Event* commit = nullptr;
                const Event* conflict = nullptr;
                std::vector<const Event*> locks;
                for (const Event* e : events) {
                    if (e->kind == EventKind::TxBegin) begin = e;
                    if (e->kind == EventKind::TxCommit) commit = e;
                    if (e->kind == EventKind::Conflict && !conflict) conflict = e;
                    if (isCommitLock(*e)) locks.push_back(e);
                }
                if (commit && carriesCommitHold(*commit)) {
                    ++folded;
                    QVERIFY2(locks.empty(), "a folded commit has no pair");
                    QVERIFY(begin && static_cast<TxMode>(begin->a) == TxMode::Concurrent);
                    QVERIFY(commitHoldStartNs(*commit) >= begin->timeNs);
                    QVERIFY(commitHoldStartNs(*commit) <= commit->timeNs);
                } else if (commit && begin && static_cast<TxMode>(begin->a) == TxMode::Concurrent &&
                           commit->b > 0) {
                    QFAIL("a concurrent commit that wrote and succeeded kept the pair");
                } else if (commit && commit->b > 0) {
                    ++paired; // the exclusive writers and the autocommit inserts
                    QCOMPARE(locks.size(), std::size_t{2});
                    QCOMPARE(commit->rowid, std::int64_t{0});
                } else if (conflict && conflict->b == 1) {
                    // Refused at COMMIT (the same key inserted and committed first).
                    ++refused;
                    QCOMPARE(locks.size(), std::size_t{2});
                    QVERIFY2(locks[0]->seq > conflict->seq,
                             "the refused commit's acquire follows its Conflict");
                    QVERIFY2(locks[0]->timeNs <= conflict->timeNs, "stamped with when the hold began");
                }
            }
            compareWithUnfolded(log);
        }
        QVERIFY2(folded > 0, "concurrent commits fold their hold");
        QVERIFY2(paired > 0, "exclusive commits keep the pair");
        QVERIFY2(refused > 0, "a commit refused at COMMIT keeps the pair");
    }

    void everyViewAsWithThePair_data()
    {
        QTest::addColumn<QString>("scenario");
        for (const char* name :
             {"doomed-transaction.txs", "exclusive-vs-concurrent.txs", "lost-update.txs", "read-skew.txs",
              "same-key-insert.txs", "seed-concurrent-writes.txs", "write-skew.txs", "dirty-read.txs"})
            QTest::newRow(name) << name;
    }
    void everyViewAsWithThePair()
    {
        QFETCH(QString, scenario);
        const std::vector<Event> log = runScript(testing::builtInScenario(scenario.toUtf8().constData()));
        QVERIFY(!log.empty());
        QCOMPARE(log.front().seq, std::uint64_t{0});
        compareWithUnfolded(log);
    }

    // A COMMIT that waits for the exclusive slot (its busy handler lets the holder commit) and
    // then commits: its wait ends where the hold begins, as the pair's acquire ended it.
    void aCommitThatWaitedShowsTheWait()
    {
        auto trace = std::make_shared<TraceLog>();
        auto db = test::openMvcc(trace);
        auto setup = db->connect("setup");
        MUST(*setup, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INT)");
        auto waiter = db->connect("waiter");
        auto holder = db->connect("holder");
        MUST(*waiter, "BEGIN CONCURRENT");
        MUST(*waiter, "INSERT INTO t VALUES (1, 1)");
        MUST(*holder, "BEGIN IMMEDIATE");
        MUST(*holder, "INSERT INTO t VALUES (2, 2)");
        int calls = 0;
        waiter->setBusyHandler([&](int count) {
            ++calls;
            if (count == 0) holder->execute("COMMIT"); // the slot is free when the handler returns
            return count == 0;
        });
        MUST(*waiter, "COMMIT");
        QCOMPARE(calls, 1);
        const std::vector<Event> log = trace->snapshot();

        const Event* commit = nullptr;
        for (const Event& e : log)
            if (e.kind == EventKind::TxCommit && carriesCommitHold(e)) commit = &e;
        QVERIFY2(commit, "the waiter's commit folds its hold");
        const std::uint32_t w = commit->connection;

        SpanProjection p;
        for (const Event& e : log)
            p.apply(e);
        const SpanRecord* wait = nullptr;
        const SpanRecord* hold = nullptr;
        std::vector<SpanRecord> all = p.all();
        for (const SpanRecord& s : all) {
            if (s.connection != w) continue;
            if (s.kind == SpanKind::Wait && s.cause == WaitCause::Lock) wait = &s;
            if (s.kind == SpanKind::LockHold && s.resource == LockResource::MvccCommit) hold = &s;
        }
        QVERIFY2(wait, "the COMMIT's wait for the exclusive slot is shown");
        QCOMPARE(wait->resource, LockResource::MvccExclusive);
        QCOMPARE(wait->level, LockLevel::Shared);
        QVERIFY(hold);
        QVERIFY(hold->folded);
        QCOMPARE(hold->level, LockLevel::Shared);
        QCOMPARE(hold->startNs, commitHoldStartNs(*commit));
        QCOMPARE(hold->endNs, commit->timeNs);
        QCOMPARE(wait->endNs, hold->startNs);
        QVERIFY(wait->startNs < wait->endNs);

        // The lock panel at an instant inside the wait, and inside the hold.
        LockProjection locks;
        for (const Event& e : log)
            locks.apply(e);
        const LockState waiting = locks.stateAt(wait->startNs);
        QVERIFY(waiting.connection(w).waiting.has_value());
        QCOMPARE(waiting.blockersOf(w).size(), std::size_t{1});
        const LockState committing = locks.stateAt(hold->startNs);
        QCOMPARE(committing.level(w, LockResource::MvccCommit), LockLevel::Shared);
        QVERIFY(!committing.connection(w).waiting.has_value());
        QCOMPARE(locks.current().level(w, LockResource::MvccCommit), LockLevel::None);

        compareWithUnfolded(log);
    }

    // A session saved with folded commits reads back with them; one saved before the fold (the
    // pairs) loads with the same spans.
    void sessionFilesOldAndNew()
    {
        const std::vector<Event> log = runScript(testing::builtInScenario("seed-concurrent-writes.txs"));
        QVERIFY(countFolded(log) > 0);
        for (const auto& events : {log, unfolded(log)}) {
            Session session;
            session.journalMode = "mvcc";
            session.events = events;
            std::string error;
            const auto loaded = parseSession(formatSession(session), "run.txsession", error);
            QVERIFY2(loaded, error.c_str());
            QCOMPARE(loaded->events.size(), events.size());
            QCOMPARE(countFolded(loaded->events), countFolded(events));
            QCOMPARE(spansOf(loaded->events), spansOf(log));
        }
    }

    // A hostile TxCommit: a hold "starting" after the commit is clamped to an instant; one
    // without the bit is no hold whatever its rowid.
    void hostileCommitHolds()
    {
        Event commit;
        commit.kind = EventKind::TxCommit;
        commit.connection = 1;
        commit.txId = 5;
        commit.timeNs = 100;
        commit.rowid = 500;
        commit.detail = kTxCommitHeldCommitLock;
        QCOMPARE(commitHoldStartNs(commit), std::int64_t{100});
        SpanProjection p;
        p.apply(commit);
        std::size_t holds = 0;
        for (const SpanRecord& s : p.all())
            if (s.kind == SpanKind::LockHold) {
                ++holds;
                QCOMPARE(s.startNs, std::int64_t{100});
                QCOMPARE(s.endNs, std::int64_t{100});
            }
        QCOMPARE(holds, std::size_t{1});
        commit.detail = 0;
        QVERIFY(!carriesCommitHold(commit));
        SpanProjection q;
        q.apply(commit);
        QVERIFY(q.all().empty());
    }
};

QTEST_GUILESS_MAIN(TestCommitHold)
#include "tst_commit_hold.moc"
