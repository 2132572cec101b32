// Every view draws the same spans: the timeline model, the Chrome-trace export and the
// explainer's context all take theirs from SpanProjection, and on real runs of built-in
// scenarios they agree span for span with the projection itself.

#include "engine/explain/ExplainContext.h"
#include "engine/trace/ChromeTrace.h"
#include "engine/trace/SpanProjection.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"
#include "widgets/timeline/TimelineModel.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <set>
#include <tuple>

using namespace txs;

namespace {

// (connection, tx id, start, end) of a transaction, (connection, start, end) of a statement.
using TxKey = std::tuple<std::uint32_t, std::uint64_t, std::int64_t, std::int64_t>;
using StmtKey = std::tuple<std::uint32_t, std::int64_t, std::int64_t>;

std::vector<Event> runScenario(const char* file)
{
    QFile f(QString(TXSCOPE_SOURCE_DIR "/resources/scenarios/") + file);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot open %s", file);
    const std::string text = f.readAll().toStdString();
    auto parsed = parseWorkload(text, file);
    if (!parsed.ok()) qFatal("%s", parsed.error().text().c_str());
    RunOptions options;
    options.trace = std::make_shared<TraceLog>();
    Runner runner(parsed.workload(), options);
    runner.run();
    return options.trace->snapshot();
}

struct Expected
{
    std::set<TxKey> transactions;
    std::set<StmtKey> statements;
};

// What the projection says; spans still open at the end are left out (each view draws those up
// to "now" in its own way).
Expected fromProjection(const std::vector<Event>& events)
{
    SpanProjection p;
    for (const Event& e : events)
        p.apply(e);
    Expected out;
    for (const SpanRecord& s : p.closed()) {
        if (s.connection == 0 || s.cut) continue;
        if (s.kind == SpanKind::Transaction)
            out.transactions.insert({s.connection, s.txId, s.startNs, s.endNs});
        if (s.kind == SpanKind::Statement) out.statements.insert({s.connection, s.startNs, s.endNs});
    }
    return out;
}

Expected fromTimeline(const std::vector<Event>& events)
{
    timeline::TimelineModel model;
    model.append(events);
    Expected out;
    for (const auto& lane : model.lanes()) {
        for (const auto& s : lane.track(timeline::Track::Transaction))
            if (!s.open()) out.transactions.insert({lane.connection, s.txId, s.startNs, s.endNs});
        for (const auto& s : lane.track(timeline::Track::Statement))
            if (!s.open() && s.state != timeline::SpanState::StmtRunning)
                out.statements.insert({lane.connection, s.startNs, s.endNs});
    }
    return out;
}

std::int64_t ns(const QJsonValue& micros)
{
    return qRound64(micros.toDouble() * 1000.0);
}

Expected fromChromeTrace(const std::vector<Event>& events)
{
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(toChromeTrace(events)));
    Expected out;
    for (const auto& v : doc.object()["traceEvents"].toArray()) {
        const QJsonObject e = v.toObject();
        if (e["ph"] != "X") continue;
        const auto connection = static_cast<std::uint32_t>(e["tid"].toInteger());
        const QJsonObject args = e["args"].toObject();
        const std::int64_t start = ns(e["ts"]), end = start + ns(e["dur"]);
        if (connection == 0) continue;
        if (e["cat"] == "transaction" && args["outcome"] != "unfinished")
            out.transactions.insert(
                {connection, static_cast<std::uint64_t>(args["tx"].toInteger()), start, end});
        if (e["cat"] == "statement" && args["result"] != "unfinished")
            out.statements.insert({connection, start, end});
    }
    return out;
}

} // namespace

class TestSpanViews : public QObject
{
    Q_OBJECT

private slots:
    void viewsAgree_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::newRow("mvcc doomed transaction") << "doomed-transaction.txs";
        QTest::newRow("sqlite readers block commit") << "sqlite-readers-block-commit.txs";
        QTest::newRow("sqlite deferred upgrade deadlock") << "sqlite-deferred-upgrade-deadlock.txs";
        QTest::newRow("seed concurrent writes") << "seed-concurrent-writes.txs";
    }

    void viewsAgree()
    {
        QFETCH(QString, scenario);
        const auto events = runScenario(scenario.toUtf8().constData());
        const Expected truth = fromProjection(events);
        QVERIFY(!truth.transactions.empty());
        QVERIFY(!truth.statements.empty());

        const Expected timeline = fromTimeline(events);
        QCOMPARE(timeline.transactions, truth.transactions);
        QCOMPARE(timeline.statements, truth.statements);

        const Expected chrome = fromChromeTrace(events);
        QCOMPARE(chrome.transactions, truth.transactions);
        QCOMPARE(chrome.statements, truth.statements);
    }

    // The explainer names as holders exactly the projection's holds that conflict with the wait.
    void explainerHoldersAreTheProjectionsHolds_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::newRow("sqlite readers block commit") << "sqlite-readers-block-commit.txs";
        QTest::newRow("sqlite deferred upgrade deadlock") << "sqlite-deferred-upgrade-deadlock.txs";
    }

    void explainerHoldersAreTheProjectionsHolds()
    {
        QFETCH(QString, scenario);
        const auto events = runScenario(scenario.toUtf8().constData());
        SpanProjection spans;
        ExplainContext context;
        int busies = 0, withHolders = 0;
        for (const Event& e : events) {
            spans.apply(e);
            context.apply(e);
            if (e.kind != EventKind::Busy || e.connection == 0) continue;
            ++busies;
            const ConnectionContext* c = context.connection(e.connection);
            QVERIFY(c);
            std::set<std::pair<std::uint32_t, LockLevel>> expected, actual;
            if (c->wait)
                for (const SpanRecord& h : spans.holdersAtSeq(c->wait->resource, e.seq))
                    if (h.connection != e.connection &&
                        locksConflict(c->wait->resource, h.level, c->wait->wanted))
                        expected.insert({h.connection, h.level});
            for (const Holder& h : c->holders)
                actual.insert({h.connection, h.level});
            QCOMPARE(actual, expected);
            withHolders += !actual.empty();
        }
        QVERIFY(busies > 0);
        QVERIFY(withHolders > 0); // someone stood in the way: the comparison compared something
    }
};

QTEST_GUILESS_MAIN(TestSpanViews)
#include "tst_span_views.moc"
