// What a parsed .txs statement carries, against workload-format.md: `-- expect:` lines parsed and
// matched against results and errors, $worker/$iter substitution, backoff delays and the retry
// clause's kinds. The parser's forms and errors are in tst_workload_parser.

#include "engine/workload/Backoff.h"
#include "engine/workload/Duration.h"
#include "engine/workload/Expectation.h"
#include "engine/workload/Substitution.h"
#include "engine/workload/WorkloadParser.h"

#include <QTest>

using namespace txs;
using namespace std::chrono_literals;

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

Expectation expectation(const std::string& text)
{
    std::string why;
    auto e = parseExpectation(text, why);
    if (!e) qFatal("bad expectation in test: %s", why.c_str());
    return *e;
}

Result rowsResult(std::vector<std::string> columns, std::vector<Row> rows)
{
    Result r;
    r.columns = std::move(columns);
    r.rows = std::move(rows);
    return r;
}

} // namespace

class TestWorkloadExpectations : public QObject
{
    Q_OBJECT

private slots:
    void expectationParsing_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("described");
        auto row = [](const char* text, Expectation::Kind kind, const char* described) {
            QTest::newRow(text) << QString(text) << int(kind) << QString(described);
        };
        row("ok", Expectation::Kind::Ok, "ok");
        row("  OK ", Expectation::Kind::Ok, "ok");
        row("error", Expectation::Kind::Error, "error");
        row("Error   SQLITE_BUSY_SNAPSHOT ", Expectation::Kind::Error, "error SQLITE_BUSY_SNAPSHOT");
        row("error database is locked", Expectation::Kind::Error, "error database is locked");
        row("blocked", Expectation::Kind::Blocked, "blocked");
        row("empty", Expectation::Kind::Empty, "empty");
        row("16", Expectation::Kind::Rows, "16");
        row("1|11, 2|20", Expectation::Kind::Rows, "1|11, 2|20");
        row("1 | 11 ,2|20", Expectation::Kind::Rows, "1|11, 2|20");
        row("NULL|x|1.5", Expectation::Kind::Rows, "NULL|x|1.5");
        row("hello world", Expectation::Kind::Rows, "hello world");
        row("ok|1", Expectation::Kind::Rows, "ok|1");
        row("a||c", Expectation::Kind::Rows, "a||c");
    }

    void expectationParsing()
    {
        QFETCH(QString, text);
        QFETCH(int, kind);
        QFETCH(QString, described);
        const Expectation e = expectation(text.toStdString());
        QCOMPARE(int(e.kind), kind);
        QCOMPARE(q(e.describe()), described);
        QCOMPARE(expectation(e.describe()), e); // describe() reads back as the same expectation
    }

    void expectationRowsAreSplit()
    {
        const Expectation e = expectation("1|11, 2|20,NULL| x y ");
        QCOMPARE(e.rows, (std::vector<std::vector<std::string>>{{"1", "11"}, {"2", "20"}, {"NULL", "x y"}}));
        QCOMPARE(q(expectation("error  conflict ").errorText), QString("conflict"));
        QVERIFY(expectation("error").errorText.empty());
    }

    void matchingRows()
    {
        const Result r = rowsResult({"id", "value"}, {{1, 11}, {2, 20}});
        auto c = check(expectation("1|11, 2|20"), r, false);
        QVERIFY(c.passed);
        QCOMPARE(q(c.actual), QString("1|11, 2|20"));
        QVERIFY(!check(expectation("2|20, 1|11"), r, false).passed); // in order
        QVERIFY(!check(expectation("1|11"), r, false).passed);
        QVERIFY(!check(expectation("1|11, 2|20, 3|30"), r, false).passed);
        QVERIFY(!check(expectation("1, 2"), r, false).passed);
        QVERIFY(!check(expectation("1|11|0, 2|20|0"), r, false).passed);
        QVERIFY(check(expectation("ok"), r, false).passed);
        QVERIFY(!check(expectation("empty"), r, false).passed);
        QVERIFY(!check(expectation("error"), r, false).passed);
        QVERIFY(!check(expectation("blocked"), r, false).passed);

        const Result mixed = rowsResult({"a", "b", "c", "d"}, {{nullptr, "x", 1.5, Blob{{0x0a, 0xff}}}});
        auto m = check(expectation("NULL|x|1.5|x'0aff'"), mixed, false);
        QVERIFY(m.passed);
        QCOMPARE(q(m.actual), QString("NULL|x|1.5|x'0aff'"));
        QVERIFY(!check(expectation("null|x|1.5|x'0aff'"), mixed, false).passed);
        QVERIFY(!check(expectation("|x|1.5|x'0aff'"), mixed, false).passed); // NULL is not ''
        QVERIFY(check(expectation("16"), rowsResult({"count(*)"}, {{16}}), false).passed);
        QVERIFY(!check(expectation("16.0"), rowsResult({"count(*)"}, {{16}}), false).passed);
    }

    void matchingEmptyAndOk()
    {
        const Result noRows = rowsResult({"x"}, {});
        auto e = check(expectation("empty"), noRows, false);
        QVERIFY(e.passed);
        QCOMPARE(q(e.actual), QString("empty"));
        QVERIFY(check(expectation("ok"), noRows, false).passed);
        QVERIFY(!check(expectation("1"), noRows, false).passed);

        const Result statement; // e.g. an UPDATE: no columns, no rows
        auto o = check(expectation("ok"), statement, false);
        QVERIFY(o.passed);
        QCOMPARE(q(o.actual), QString("ok"));
        QVERIFY(check(expectation("empty"), statement, false).passed);
        QVERIFY(!check(expectation("error"), statement, false).passed);
    }

    void matchingErrors()
    {
        const Result snapshot = Result::failure(Error::busySnapshot("database is locked"));
        auto c = check(expectation("error SQLITE_BUSY_SNAPSHOT"), snapshot, false);
        QVERIFY(c.passed);
        QCOMPARE(q(c.actual), QString("error SQLITE_BUSY_SNAPSHOT: database is locked"));
        QVERIFY(check(expectation("error"), snapshot, false).passed);
        QVERIFY(check(expectation("error busy_snapshot"), snapshot, false).passed); // any case
        QVERIFY(
            check(expectation("error SQLITE_BUSY"), snapshot, false).passed); // substring of the code name
        QVERIFY(check(expectation("error Database Is Locked"), snapshot, false).passed);
        QVERIFY(!check(expectation("error conflict"), snapshot, false).passed);
        QVERIFY(!check(expectation("error SQLITE_BUSY_TIMEOUT"), snapshot, false).passed);
        QVERIFY(!check(expectation("ok"), snapshot, false).passed);
        QVERIFY(!check(expectation("empty"), snapshot, false).passed);
        QVERIFY(!check(expectation("blocked"), snapshot, false).passed);

        const Result conflict = Result::failure(Error::conflict("write-write conflict on test rowid 1"));
        QVERIFY(check(expectation("error conflict"), conflict, false).passed);
        QVERIFY(check(expectation("error TXSCOPE_CONFLICT"), conflict, false).passed);
        QCOMPARE(q(check(expectation("ok"), conflict, false).actual),
                 QString("error TXSCOPE_CONFLICT: write-write conflict on test rowid 1"));

        const Result unique =
            Result::failure(Error::constraint(rc::ConstraintUnique, "UNIQUE constraint failed: t.x"));
        QVERIFY(check(expectation("error SQLITE_CONSTRAINT"), unique, false).passed);
        QVERIFY(check(expectation("error unique constraint"), unique, false).passed);
        QVERIFY(!check(expectation("error NOTNULL"), unique, false).passed);
    }

    void matchingBlocked()
    {
        const Result done = rowsResult({"x"}, {{1}});
        auto b = check(expectation("blocked"), done, true);
        QVERIFY(b.passed);
        QCOMPARE(q(b.actual), QString("blocked"));
        // Blocking is an outcome of its own: expecting success without blocking fails.
        auto ok = check(expectation("ok"), done, true);
        QVERIFY(!ok.passed);
        QCOMPARE(q(ok.actual), QString("blocked"));
        QVERIFY(!check(expectation("1"), done, true).passed);
        QVERIFY(!check(expectation("empty"), rowsResult({"x"}, {}), true).passed);

        // Blocked, then its busy timeout ran out: the outcome is the error.
        const Result timedOut = Result::failure(Error::busy("database is locked"));
        auto t = check(expectation("blocked"), timedOut, true);
        QVERIFY(!t.passed);
        QCOMPARE(q(t.actual), QString("error SQLITE_BUSY: database is locked"));
        QVERIFY(check(expectation("error SQLITE_BUSY"), timedOut, true).passed);
    }

    void substitution()
    {
        QCOMPARE(q(substituteVariables("INSERT INTO t VALUES ($worker, $iter)", 3, 41)),
                 QString("INSERT INTO t VALUES (3, 41)"));
        QCOMPARE(q(substituteVariables("$worker2 $workers $worker_x $iteration $iter9 $Worker", 1, 2)),
                 QString("$worker2 $workers $worker_x $iteration $iter9 $Worker"));
        QCOMPARE(q(substituteVariables("'w$worker' x$iter,$worker;$iter)$iter", 15, 0)),
                 QString("'w15' x0,15;0)0"));
        QCOMPARE(q(substituteVariables("$worker$iter", 7, 8)), QString("78")); // '$' ends a word
        QCOMPARE(q(substituteVariables("$", 1, 2)), QString("$"));
        QCOMPARE(q(substituteVariables("$iter", 0, 9000000000LL)), QString("9000000000"));
        QCOMPARE(q(std::string(findVariable("SELECT $workers, $iter"))), QString("$iter"));
        QVERIFY(findVariable("SELECT $worker2, $iterx").empty());
    }

    void backoffDelays()
    {
        std::mt19937_64 rng(1);
        Backoff none;
        none.kind = Backoff::Kind::None;
        QCOMPARE(none.delay(3, rng), (BackoffDelay{0us, false}));
        Backoff yield; // the default, as in the seed example's loop
        QCOMPARE(yield.kind, Backoff::Kind::Yield);
        QCOMPARE(yield.delay(1, rng), (BackoffDelay{0us, true}));
        std::string why;
        auto fixed = parseBackoff("fixed 5ms", why);
        QVERIFY(fixed);
        QCOMPARE(fixed->delay(1, rng), (BackoffDelay{5000us, false}));
        QCOMPARE(fixed->delay(100, rng), (BackoffDelay{5000us, false}));
        QCOMPARE(rng, std::mt19937_64(1)); // only exponential draws numbers

        auto exp = parseBackoff("exponential 1ms..50ms", why);
        QVERIFY(exp);
        QCOMPARE(q(exp->describe()), QString("backoff exponential 1ms..50ms"));
        auto sequence = [&](std::uint64_t seed, int worker) {
            std::mt19937_64 r = backoffRandom(seed, 0, worker);
            std::vector<std::int64_t> delays;
            for (int attempt = 1; attempt <= 12; ++attempt)
                delays.push_back(exp->delay(attempt, r).sleep.count());
            return delays;
        };
        const auto a = sequence(42, 0);
        QCOMPARE(sequence(42, 0), a); // same seed, same delays
        QVERIFY(sequence(43, 0) != a);
        QVERIFY(sequence(42, 1) != a);
        for (int attempt = 1; attempt <= 12; ++attempt) {
            const std::int64_t ceiling = std::min<std::int64_t>(50000, 1000LL << (attempt - 1));
            QVERIFY(a[attempt - 1] >= 0 && a[attempt - 1] <= ceiling);
        }
        // Pinned values: mt19937_64 and seed_seq are specified exactly by the standard, so these
        // hold with every standard library; a change here changes every recorded run.
        QCOMPARE(a[0], std::int64_t(444));
        QCOMPARE(a[5], std::int64_t(7030));

        // Full jitter spreads over the whole range: across many draws, both halves of the ceiling.
        std::mt19937_64 r = backoffRandom(7, 2, 3);
        std::int64_t low = 0, high = 0;
        for (int i = 0; i < 1000; ++i)
            (exp->delay(INT32_MAX, r).sleep.count() < 25000 ? low : high)++;
        QVERIFY(low > 300 && high > 300);
        QVERIFY(exp->delay(0, r).sleep <= 1ms); // attempt < 1 counts as the first
    }

    void retryPolicyKinds()
    {
        const Error busy = Error::busy("database is locked");
        const Error snapshot = Error::busySnapshot("database is locked");
        const Error conflict = Error::conflict("write-write conflict");
        const Error tursoConflict = Error::fromSqlite(rc::Error, "transaction conflict detected");
        const Error constraint = Error::constraint(rc::ConstraintUnique, "UNIQUE constraint failed");
        auto policy = [](const char* clause) {
            std::string why;
            auto p = parseRetryClause(clause, why);
            if (!p) qFatal("%s", why.c_str());
            return *p;
        };
        const RetryPolicy onBusy = policy("busy; max 3");
        QVERIFY(onBusy.retries(busy) && onBusy.retries(snapshot)); // busy includes busy_snapshot
        QVERIFY(!onBusy.retries(conflict) && !onBusy.retries(constraint));
        const RetryPolicy onSnapshot = policy("busy_snapshot; max 3");
        QVERIFY(onSnapshot.retries(snapshot) && !onSnapshot.retries(busy));
        const RetryPolicy onConflict = policy("conflict; max 3");
        // Decided by the error's kind, never its words: a plain SQLITE_ERROR whose message says
        // "conflict" is not a conflict (the engine raises Turso's conflicts as ErrorKind::Conflict).
        QVERIFY(onConflict.retries(conflict) && !onConflict.retries(tursoConflict));
        QVERIFY(!onConflict.retries(busy) && !onConflict.retries(snapshot) &&
                !onConflict.retries(constraint));
        const RetryPolicy any = policy("any; max 3");
        for (const Error& e : {busy, snapshot, conflict, tursoConflict, constraint})
            QCOMPARE(any.retries(e), isRetryable(e));
        // The Conflict kind is retryable whatever its message says.
        const Error terse = Error::conflict("write-write clash on t rowid 1");
        QVERIFY(onConflict.retries(terse) && any.retries(terse) && !onBusy.retries(terse));
        QVERIFY(!RetryPolicy{}.retries(busy)); // no retry clause
    }
};

QTEST_GUILESS_MAIN(TestWorkloadExpectations)
#include "tst_workload_expectations.moc"
