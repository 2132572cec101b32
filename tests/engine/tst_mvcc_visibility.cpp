// The visibility rule of engine/mvcc/Visibility.h, checked case by case against hand-made
// transactions and versions: every kind of begin and end stamp a version can carry, as the
// reader (snapshot 10) must judge it. The SQL tests only ever reach the states the engine
// happens to produce at that moment; this table pins the rule itself, including the
// Preparing cases that are hard to catch from SQL because a commit is over within one call.

#include "engine/mvcc/Transaction.h"
#include "engine/mvcc/Version.h"
#include "engine/mvcc/Visibility.h"

#include <QTest>
#include <memory>
#include <vector>

using namespace txs;
using namespace txs::mvcc;

namespace {

constexpr std::uint64_t snapshot = 10; // the reader's begin timestamp in every case

// How one stamp (a version's begin or end) is made for a case.
struct Spec
{
    enum Kind { None, Ts, Self, Other } kind = None;
    std::uint64_t ts = 0;            // Ts: the commit timestamp; Other: the writer's end timestamp
    TxState state = TxState::Active; // Other: the writer's state
};

Spec none()
{
    return {Spec::None};
}
Spec at(std::uint64_t ts)
{
    return {Spec::Ts, ts};
}
Spec self()
{
    return {Spec::Self};
}
Spec other(TxState state, std::uint64_t endTs = 0)
{
    return {Spec::Other, endTs, state};
}

struct Case
{
    const char* name;
    Spec begin;
    Spec end;
    Visibility expected;
};

// Below the snapshot = 5 or 8, above = 15; "equal" rows pin the strict comparisons Turso uses
// (begin_ts > b, begin_ts < e) even though the engine's one clock never hands out a
// timestamp twice.
const Case cases[] = {
    // ---- begin, with end none (a current version)
    {"begin ts before snapshot", at(5), none(), Visibility::Visible},
    {"begin ts after snapshot", at(15), none(), Visibility::Invisible},
    {"begin ts equal to snapshot", at(snapshot), none(), Visibility::Invisible},
    {"begin self (own insert)", self(), none(), Visibility::Visible},
    {"begin other active", other(TxState::Active), none(), Visibility::Invisible},
    // Preparing below our snapshot: it will commit before us or abort; we cannot know yet.
    {"begin other preparing below snapshot", other(TxState::Preparing, 5), none(), Visibility::MustWait},
    // Preparing above our snapshot: whatever happens, it commits after we began.
    {"begin other preparing above snapshot", other(TxState::Preparing, 15), none(), Visibility::Invisible},
    {"begin other committed before snapshot", other(TxState::Committed, 5), none(), Visibility::Visible},
    {"begin other committed after snapshot", other(TxState::Committed, 15), none(), Visibility::Invisible},
    {"begin other aborted", other(TxState::Aborted), none(), Visibility::Invisible},

    // ---- end, with a begin everyone sees (committed at 2)
    {"end none", at(2), none(), Visibility::Visible},
    {"end ts before snapshot", at(2), at(8), Visibility::Invisible},
    {"end ts after snapshot", at(2), at(15), Visibility::Visible},
    {"end ts equal to snapshot", at(2), at(snapshot), Visibility::Invisible},
    {"end self (own update or delete)", at(2), self(), Visibility::Invisible},
    {"end other active", at(2), other(TxState::Active), Visibility::Visible},
    {"end other preparing below snapshot", at(2), other(TxState::Preparing, 8), Visibility::MustWait},
    {"end other preparing above snapshot", at(2), other(TxState::Preparing, 15), Visibility::Visible},
    {"end other committed before snapshot", at(2), other(TxState::Committed, 8), Visibility::Invisible},
    {"end other committed after snapshot", at(2), other(TxState::Committed, 15), Visibility::Visible},
    {"end other aborted", at(2), other(TxState::Aborted), Visibility::Visible},

    // ---- both stamps matter: the begin is judged first
    {"begin self, end self (own insert then delete)", self(), self(), Visibility::Invisible},
    {"begin self, end other active", self(), other(TxState::Active), Visibility::Visible},
    {"begin committed before, end preparing above", other(TxState::Committed, 5),
     other(TxState::Preparing, 15), Visibility::Visible},
    {"begin committed before, end committed before", other(TxState::Committed, 5),
     other(TxState::Committed, 8), Visibility::Invisible},
    {"begin preparing below, end none", other(TxState::Preparing, 5), none(), Visibility::MustWait},
    // An invisible begin decides alone: no waiting on an end that cannot matter.
    {"begin after snapshot, end preparing below", at(15), other(TxState::Preparing, 8),
     Visibility::Invisible},
    {"begin other active, end preparing below", other(TxState::Active), other(TxState::Preparing, 8),
     Visibility::Invisible},
    {"begin other aborted, end self", other(TxState::Aborted), self(), Visibility::Invisible},
};

const char* name(Visibility v)
{
    switch (v) {
    case Visibility::Visible:
        return "Visible";
    case Visibility::Invisible:
        return "Invisible";
    case Visibility::MustWait:
        return "MustWait";
    }
    return "?";
}

// Owns the transactions a case's stamps point at.
class World
{
public:
    World() : reader_(std::make_unique<Transaction>(100, snapshot, TxMode::Concurrent, 1)) {}

    Transaction& reader() { return *reader_; }

    Transaction& writer(TxState state, std::uint64_t endTs)
    {
        auto tx = std::make_unique<Transaction>(200 + others_.size(), 1, TxMode::Concurrent, 2);
        // As the store does: the end timestamp is published before the state that makes it
        // meaningful.
        tx->endTs.store(endTs);
        tx->state.store(state);
        others_.push_back(std::move(tx));
        return *others_.back();
    }

    Stamp stamp(const Spec& spec)
    {
        switch (spec.kind) {
        case Spec::None:
            return Stamp::none();
        case Spec::Ts:
            return Stamp::at(spec.ts);
        case Spec::Self:
            return Stamp::of(reader_.get());
        case Spec::Other:
            return Stamp::of(&writer(spec.state, spec.ts));
        }
        return Stamp::none();
    }

    Version version(const Spec& begin, const Spec& end)
    {
        return Version{nextId_++, stamp(begin), stamp(end), std::make_shared<const Row>(Row{Value(1)})};
    }

private:
    std::unique_ptr<Transaction> reader_;
    std::vector<std::unique_ptr<Transaction>> others_;
    std::uint64_t nextId_ = 1;
};

} // namespace

class TestMvccVisibility : public QObject
{
    Q_OBJECT

private slots:
    void ruleTable_data()
    {
        QTest::addColumn<int>("index");
        for (int i = 0; i < static_cast<int>(std::size(cases)); ++i)
            QTest::newRow(cases[i].name) << i;
    }

    void ruleTable()
    {
        QFETCH(int, index);
        const Case& c = cases[index];
        World world;
        const Version v = world.version(c.begin, c.end);
        const Visibility got = visibility(v, world.reader());
        QVERIFY2(got == c.expected,
                 (std::string("got ") + name(got) + ", expected " + name(c.expected)).c_str());
    }

    // The reader's own state does not change what it sees of its own writes: a transaction
    // that is preparing (validating its commit) still reads its own versions.
    void ownWritesWhilePreparing()
    {
        World world;
        world.reader().endTs.store(12);
        world.reader().state.store(TxState::Preparing);
        QCOMPARE(visibility(world.version(self(), none()), world.reader()), Visibility::Visible);
        QCOMPARE(visibility(world.version(at(2), self()), world.reader()), Visibility::Invisible);
    }

    // A writer's stamps are judged by its state at the moment of the call, not when the
    // version was made: the same version changes answer as the writer moves on.
    void stateChangesAnswer()
    {
        World world;
        Transaction& w = world.writer(TxState::Active, 0);
        Version created{1, Stamp::of(&w), Stamp::none(), std::make_shared<const Row>(Row{Value(1)})};
        Version ended{2, Stamp::at(2), Stamp::of(&w), std::make_shared<const Row>(Row{Value(0)})};
        QCOMPARE(visibility(created, world.reader()), Visibility::Invisible);
        QCOMPARE(visibility(ended, world.reader()), Visibility::Visible);

        w.endTs.store(7);
        w.state.store(TxState::Preparing);
        QCOMPARE(visibility(created, world.reader()), Visibility::MustWait);
        QCOMPARE(visibility(ended, world.reader()), Visibility::MustWait);

        w.state.store(TxState::Committed);
        QCOMPARE(visibility(created, world.reader()), Visibility::Visible);
        QCOMPARE(visibility(ended, world.reader()), Visibility::Invisible);

        // A reader whose snapshot predates the commit keeps the old row.
        Transaction old(101, 6, TxMode::Concurrent, 3);
        QCOMPARE(visibility(created, old), Visibility::Invisible);
        QCOMPARE(visibility(ended, old), Visibility::Visible);
    }

    // visibleVersion: the newest visible version of a chain, scanning newest first.
    void chainPicksNewestVisible()
    {
        World world;
        VersionChain chain;
        chain.versions.push_back(world.version(at(2), at(6)));   // superseded before our snapshot
        chain.versions.push_back(world.version(at(6), at(12)));  // ours: ended after the snapshot
        chain.versions.push_back(world.version(at(12), none())); // committed after the snapshot
        bool mustWait = true;
        QCOMPARE(visibleVersion(chain, world.reader(), mustWait), 1);
        QVERIFY(!mustWait);

        Transaction later(102, 20, TxMode::Concurrent, 3);
        QCOMPARE(visibleVersion(chain, later, mustWait), 2);
        Transaction early(103, 4, TxMode::Concurrent, 3);
        QCOMPARE(visibleVersion(chain, early, mustWait), 0);
        Transaction beforeAll(104, 1, TxMode::Concurrent, 3);
        QCOMPARE(visibleVersion(chain, beforeAll, mustWait), -1);
        QVERIFY(!mustWait);
    }

    void chainOwnWriteShadowsCommitted()
    {
        World world;
        VersionChain chain;
        chain.versions.push_back(world.version(at(2), self()));
        chain.versions.push_back(world.version(self(), none()));
        bool mustWait = true;
        QCOMPARE(visibleVersion(chain, world.reader(), mustWait), 1);
        QVERIFY(!mustWait);

        // Another transaction's uncommitted update leaves us on the committed version.
        VersionChain theirs;
        theirs.versions.push_back(world.version(at(2), other(TxState::Active)));
        theirs.versions.push_back(world.version(other(TxState::Active), none()));
        QCOMPARE(visibleVersion(theirs, world.reader(), mustWait), 0);
        QVERIFY(!mustWait);
    }

    // A preparing writer below the snapshot makes the whole answer wait, even if an older
    // version would be visible: which one is visible depends on the outcome.
    void chainWaitsOnPreparingWriter()
    {
        World world;
        VersionChain chain;
        Transaction& w = world.writer(TxState::Preparing, 8);
        chain.versions.push_back(
            Version{1, Stamp::at(2), Stamp::of(&w), std::make_shared<const Row>(Row{Value(0)})});
        chain.versions.push_back(
            Version{2, Stamp::of(&w), Stamp::none(), std::make_shared<const Row>(Row{Value(1)})});
        bool mustWait = false;
        QCOMPARE(visibleVersion(chain, world.reader(), mustWait), -1);
        QVERIFY(mustWait);

        w.state.store(TxState::Aborted);
        QCOMPARE(visibleVersion(chain, world.reader(), mustWait), 0);
        QVERIFY(!mustWait);
    }

    void emptyChain()
    {
        World world;
        VersionChain chain;
        bool mustWait = true;
        QCOMPARE(visibleVersion(chain, world.reader(), mustWait), -1);
        QVERIFY(!mustWait);
    }
};

QTEST_GUILESS_MAIN(TestMvccVisibility)
#include "tst_mvcc_visibility.moc"
