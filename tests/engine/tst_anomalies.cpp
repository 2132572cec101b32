// The anomaly checker (engine/analysis): hand-written logs whose graphs are known, each class of
// Adya's found and named, cycles found by Tarjan; then real runs of the built-in isolation
// scenarios on every engine, whose outcomes were first checked on real SQLite 3.40.1 (Python's
// sqlite3, one thread per connection) and on real Turso 0.7.2 (BEGIN CONCURRENT).

#include "engine/analysis/Anomaly.h"
#include "engine/analysis/Cycles.h"
#include "engine/analysis/IsolationMatrix.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

#include <QTest>
#include <set>

using namespace txs;
using namespace txs::analysis;

namespace {

const QString kIsolation = QStringLiteral(TXSCOPE_SOURCE_DIR "/resources/scenarios/isolation/");

// A log written by hand: seq in order, one event per call.
class Log
{
public:
    Log()
    {
        add(EventKind::TableCreated, 0, 0, 1, 0, 0, 0, "t");
        add(EventKind::ConnectionOpen, 1, 0, 0, 0, 0, 0, "A");
        add(EventKind::ConnectionOpen, 2, 0, 0, 0, 0, 0, "B");
        add(EventKind::ConnectionOpen, 3, 0, 0, 0, 0, 0, "C");
    }
    void add(EventKind kind, std::uint32_t connection, std::uint64_t tx, std::uint32_t table = 0,
             std::int64_t rowid = 0, std::int64_t a = 0, std::int64_t b = 0, std::string text = {})
    {
        Event e;
        e.seq = events.size() + 1;
        e.kind = kind;
        e.connection = connection;
        e.txId = tx;
        e.table = table;
        e.rowid = rowid;
        e.a = a;
        e.b = b;
        e.text = std::move(text);
        events.push_back(std::move(e));
    }
    void begin(std::uint32_t c, std::uint64_t tx, std::int64_t ts)
    {
        add(EventKind::TxBegin, c, tx, 0, 0, 0, ts);
    }
    void statement(std::uint32_t c, std::uint64_t tx, std::string sql)
    {
        add(EventKind::StatementBegin, c, tx, 0, 0, 0, 0, std::move(sql));
    }
    void insert(std::uint32_t c, std::uint64_t tx, std::int64_t key, std::uint64_t version)
    {
        add(EventKind::VersionCreated, c, tx, 1, key, static_cast<std::int64_t>(version), 0, "v");
    }
    void update(std::uint32_t c, std::uint64_t tx, std::int64_t key, std::uint64_t old, std::uint64_t version)
    {
        add(EventKind::VersionEnded, c, tx, 1, key, static_cast<std::int64_t>(old));
        insert(c, tx, key, version);
    }
    void read(std::uint32_t c, std::uint64_t tx, std::int64_t key, std::uint64_t version,
              std::int64_t snapshot)
    {
        add(EventKind::VersionRead, c, tx, 1, key, static_cast<std::int64_t>(version), snapshot);
    }
    void commit(std::uint32_t c, std::uint64_t tx, std::int64_t ts)
    {
        add(EventKind::TxCommit, c, tx, 0, 0, ts, 1);
    }
    void rollback(std::uint32_t c, std::uint64_t tx) { add(EventKind::TxRollback, c, tx); }
    // Setup: tx 1 on connection 1 writes keys 1 and 2 (versions 1 and 2) and commits at 1.
    void setup()
    {
        begin(1, 1, 1);
        insert(1, 1, 1, 1);
        insert(1, 1, 2, 2);
        commit(1, 1, 1);
    }
    std::vector<Event> events;
};

std::vector<std::string> kindsOf(const std::vector<Anomaly>& anomalies)
{
    std::vector<std::string> out;
    for (const auto& a : anomalies)
        out.push_back(anomalyKindName(a.kind));
    return out;
}

Workload load(const QString& name)
{
    auto parsed = parseWorkloadFile((kIsolation + name).toStdString());
    if (!parsed) qFatal("%s", parsed.error().text().c_str());
    return parsed.workload();
}

AnomalyReport runAndAnalyze(const QString& path, JournalMode mode)
{
    auto parsed = parseWorkloadFile(path.toStdString());
    if (!parsed) qFatal("%s", parsed.error().text().c_str());
    RunOptions options;
    options.journalMode = mode;
    Runner runner(parsed.workload(), options);
    if (runner.open()) qFatal("cannot open");
    runner.run();
    return analyzeEvents(runner.trace()->snapshot(), mode == JournalMode::Mvcc);
}

} // namespace

class TstAnomalies : public QObject
{
    Q_OBJECT

private slots:
    void tarjanFindsComponents()
    {
        // 0 -> 1 -> 2 -> 0, 2 -> 3, 3 -> 4 -> 3, 5 alone.
        IndexGraph g;
        g.nodes = 6;
        g.out.resize(6);
        const std::vector<std::pair<std::size_t, std::size_t>> edges = {{0, 1}, {1, 2}, {2, 0},
                                                                        {2, 3}, {3, 4}, {4, 3}};
        for (auto [from, to] : edges) {
            g.out[from].push_back(g.target.size());
            g.source.push_back(from);
            g.target.push_back(to);
        }
        auto components = stronglyConnectedComponents(g);
        std::sort(components.begin(), components.end());
        QCOMPARE(components.size(), std::size_t(2));
        QCOMPARE(components[0], (std::vector<std::size_t>{0, 1, 2}));
        QCOMPARE(components[1], (std::vector<std::size_t>{3, 4}));
        std::vector<char> in(6, 0);
        in[0] = in[1] = in[2] = 1;
        const auto cycle = shortestPath(g, 1, 1, in, [](std::size_t) { return true; });
        QCOMPARE(cycle, (std::vector<std::size_t>{1, 2, 0}));
    }

    void writeSkewIsG2Item()
    {
        Log log;
        log.setup();
        log.begin(2, 2, 2);
        log.begin(3, 3, 2);
        log.statement(2, 2, "SELECT A");
        log.read(2, 2, 1, 1, 2);
        log.read(2, 2, 2, 2, 2);
        log.statement(3, 3, "SELECT B");
        log.read(3, 3, 1, 1, 2);
        log.read(3, 3, 2, 2, 2);
        log.statement(2, 2, "UPDATE A");
        log.update(2, 2, 1, 1, 3);
        log.statement(3, 3, "UPDATE B");
        log.update(3, 3, 2, 2, 4);
        log.commit(2, 2, 3);
        log.commit(3, 3, 4);
        const auto report = analyzeEvents(log.events, true);
        QCOMPARE(kindsOf(report.anomalies), std::vector<std::string>{"G2-item"});
        const Anomaly& a = report.anomalies[0];
        QCOMPARE(a.edges.size(), std::size_t(2));
        for (const Edge& e : a.edges)
            QCOMPARE(e.type, EdgeType::RW);
        QCOMPARE(report.graph.nodes[a.transactions[0]].txId, std::uint64_t(2));
        QCOMPARE(a.statements.size(), std::size_t(4)); // both SELECTs and both UPDATEs
        QVERIFY2(a.story.find("B (tx 2) read t row 2 (v)") != std::string::npos, a.story.c_str());
        QVERIFY(report.verdict().starts_with("not serializable"));

        // Without B's commit there is no cycle: only committed transactions count.
        log.events.pop_back();
        QVERIFY(analyzeEvents(log.events, true).anomalies.empty());
        QVERIFY(analyzeEvents(log.events, true).verdict().starts_with("serializable: graph acyclic"));
    }

    void oneRwEdgeIsGSingle()
    {
        // A reads key 1 (old), B updates keys 1 and 2 and commits, A reads key 2 as B wrote it.
        Log log;
        log.setup();
        log.begin(2, 2, 2);
        log.read(2, 2, 1, 1, 2);
        log.begin(3, 3, 2);
        log.update(3, 3, 1, 1, 3);
        log.update(3, 3, 2, 2, 4);
        log.commit(3, 3, 3);
        log.read(2, 2, 2, 4, 2); // a read skew no snapshot would give
        log.commit(2, 2, 0);
        const auto report = analyzeEvents(log.events, true);
        QCOMPARE(kindsOf(report.anomalies), std::vector<std::string>{"G-single"});
        int rw = 0, wr = 0;
        for (const Edge& e : report.anomalies[0].edges)
            (e.type == EdgeType::RW ? rw : wr) += 1;
        QCOMPARE(rw, 1);
        QCOMPARE(wr, 1);
    }

    void writeCycleIsG0AndReadCycleIsG1c()
    {
        {
            Log log;
            log.setup();
            // A overwrites key 1 after B's version 3; B overwrites key 2 after A's version 4.
            log.begin(2, 2, 2);
            log.begin(3, 3, 2);
            log.update(3, 3, 1, 1, 3);
            log.update(2, 2, 1, 3, 5);
            log.update(2, 2, 2, 2, 4);
            log.update(3, 3, 2, 4, 6);
            log.commit(2, 2, 3);
            log.commit(3, 3, 4);
            QCOMPARE(kindsOf(analyzeEvents(log.events, true).anomalies), std::vector<std::string>{"G0"});
        }
        {
            Log log;
            log.setup();
            log.begin(2, 2, 2);
            log.begin(3, 3, 2);
            log.update(2, 2, 1, 1, 3);
            log.update(3, 3, 2, 2, 4);
            log.read(2, 2, 2, 4, 2); // each reads the other's write
            log.read(3, 3, 1, 3, 2);
            log.commit(2, 2, 3);
            log.commit(3, 3, 4);
            QCOMPARE(kindsOf(analyzeEvents(log.events, true).anomalies), std::vector<std::string>{"G1c"});
        }
    }

    void abortedAndIntermediateReads()
    {
        Log log;
        log.setup();
        log.begin(2, 2, 2);
        log.update(2, 2, 1, 1, 3);
        log.update(2, 2, 1, 3, 4); // A changes key 1 twice: version 3 is intermediate
        log.begin(3, 3, 2);
        log.read(3, 3, 1, 3, 2);
        log.commit(2, 2, 3);
        log.commit(3, 3, 0);
        log.begin(2, 5, 4);
        log.update(2, 5, 2, 2, 7);
        log.read(3, 6, 2, 7, 4); // autocommit read of an aborted write
        log.rollback(2, 5);
        const auto kinds = kindsOf(analyzeEvents(log.events, true).anomalies);
        QCOMPARE(kinds, (std::vector<std::string>{"G1b", "G1a"}));
    }

    void predicateEdgeMakesG2()
    {
        Log log;
        log.setup();
        log.begin(2, 2, 2);
        log.begin(3, 3, 2);
        log.add(EventKind::RangeRead, 2, 2, 1, INT64_MIN, INT64_MAX, 2);
        log.add(EventKind::RangeRead, 3, 3, 1, INT64_MIN, INT64_MAX, 2);
        log.insert(2, 2, 3, 3);
        log.insert(3, 3, 4, 4);
        log.commit(2, 2, 3);
        log.commit(3, 3, 4);
        const auto report = analyzeEvents(log.events, true);
        QCOMPARE(kindsOf(report.anomalies), std::vector<std::string>{"G2"});
        for (const Edge& e : report.anomalies[0].edges)
            QVERIFY(e.predicate);
        // A range that does not hold the other's key makes no edge.
        Log narrow;
        narrow.setup();
        narrow.begin(2, 2, 2);
        narrow.begin(3, 3, 2);
        narrow.add(EventKind::RangeRead, 2, 2, 1, 1, 2, 2);
        narrow.add(EventKind::RangeRead, 3, 3, 1, INT64_MIN, INT64_MAX, 2);
        narrow.insert(2, 2, 3, 3);
        narrow.insert(3, 3, 4, 4);
        narrow.commit(2, 2, 3);
        narrow.commit(3, 3, 4);
        QVERIFY(analyzeEvents(narrow.events, true).anomalies.empty());
    }

    void cursorLimitsTheGraph()
    {
        Log log;
        log.setup();
        log.begin(2, 2, 2);
        log.begin(3, 3, 2);
        log.read(2, 2, 2, 2, 2);
        log.read(3, 3, 1, 1, 2);
        log.update(2, 2, 1, 1, 3);
        log.update(3, 3, 2, 2, 4);
        log.commit(2, 2, 3);
        const std::uint64_t beforeBCommits = log.events.back().seq;
        log.commit(3, 3, 4);
        QVERIFY(analyzeEvents(log.events, true, beforeBCommits).anomalies.empty());
        QCOMPARE(analyzeEvents(log.events, true).anomalies.size(), std::size_t(1));
    }

    void sqliteGraphIsAcyclic()
    {
        Log log;
        for (std::uint64_t tx = 1; tx <= 3; ++tx) {
            log.begin(static_cast<std::uint32_t>(tx), tx, 0);
            log.add(EventKind::TxCommit, static_cast<std::uint32_t>(tx), tx, 0, 0, 0, 1);
        }
        const auto report = analyzeEvents(log.events, false);
        QVERIFY(!report.graph.exact);
        QCOMPARE(report.graph.edges.size(), std::size_t(2)); // writers in commit order
        QVERIFY(report.anomalies.empty());
        QVERIFY(report.verdict().starts_with("serializable: graph acyclic"));
    }

    // The demos of the scenario library, on the real MVCC engine.
    void builtInDemos()
    {
        const QString dir = QStringLiteral(TXSCOPE_SOURCE_DIR "/resources/scenarios/");
        const auto skew = runAndAnalyze(dir + "write-skew.txs", JournalMode::Mvcc);
        QCOMPARE(kindsOf(skew.anomalies), std::vector<std::string>{"G2-item"});
        std::set<std::string> names;
        for (std::size_t n : skew.anomalies[0].transactions)
            names.insert(skew.graph.connectionName(skew.graph.nodes[n].connection));
        QCOMPARE(names, (std::set<std::string>{"Alice", "Bob"}));
        QVERIFY(runAndAnalyze(dir + "read-skew.txs", JournalMode::Mvcc).anomalies.empty());
        QVERIFY(runAndAnalyze(dir + "lost-update.txs", JournalMode::Mvcc).anomalies.empty());
        const auto onWal = runAndAnalyze(dir + "write-skew.txs", JournalMode::Wal);
        QVERIFY(onWal.anomalies.empty());
        QVERIFY(!onWal.graph.exact);
    }

    // The events a view keeps for the graph (dependencyGraphReads) give the graph all events give:
    // same transactions, edges and statements, on every built-in scenario that has a graph.
    void keptEventsGiveTheSameGraph()
    {
        const QString dir = QStringLiteral(TXSCOPE_SOURCE_DIR "/resources/scenarios/");
        for (const char* file : {"write-skew.txs", "lost-update.txs", "read-skew.txs"})
            for (JournalMode mode : {JournalMode::Mvcc, JournalMode::Wal}) {
                auto parsed = parseWorkloadFile((dir + file).toStdString());
                QVERIFY(parsed);
                RunOptions options;
                options.journalMode = mode;
                Runner runner(parsed.workload(), options);
                QVERIFY(!runner.open());
                runner.run();
                const auto all = runner.trace()->snapshot();
                std::vector<Event> kept;
                ChunkedVector<Event> keptInChunks; // the Dependencies panel's copy
                for (const Event& e : all)
                    if (dependencyGraphReads(e)) {
                        kept.push_back(e);
                        keptInChunks.push_back(e);
                    }
                QVERIFY(kept.size() < all.size()); // something is left out, or the test says nothing
                const bool mvcc = mode == JournalMode::Mvcc;
                const auto full = buildDependencyGraph(all, mvcc);
                for (const auto& fromKept :
                     {buildDependencyGraph(kept, mvcc), buildDependencyGraph(keptInChunks, mvcc)}) {
                    QCOMPARE(fromKept.nodes.size(), full.nodes.size());
                    QCOMPARE(fromKept.edges.size(), full.edges.size());
                    for (std::size_t i = 0; i < full.edges.size(); ++i) {
                        QCOMPARE(fromKept.edges[i].from, full.edges[i].from);
                        QCOMPARE(fromKept.edges[i].to, full.edges[i].to);
                        QCOMPARE(int(fromKept.edges[i].type), int(full.edges[i].type));
                        QCOMPARE(fromKept.edges[i].fromSeq, full.edges[i].fromSeq);
                    }
                    QCOMPARE(fromKept.statements.size(), full.statements.size());
                    for (std::size_t n = 0; n < full.nodes.size(); ++n)
                        QCOMPARE(fromKept.txLabel(n), full.txLabel(n));
                    QCOMPARE(fromKept.versionText, full.versionText);
                }
                QCOMPARE(analyzeEvents(keptInChunks, mvcc).verdict(), analyzeEvents(all, mvcc).verdict());
            }
    }

    // The Hermitage table on mvcc (snapshot), wal and delete. Expected cells: Turso 0.7.2 and
    // Python's sqlite3 ran the same steps (scripts in the report of this change) with the same
    // refusals, waits and commits; the anomaly kinds follow from the rows each read.
    void matrix_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("mvcc");
        QTest::addColumn<QString>("wal");
        QTest::addColumn<QString>("del");
        QTest::newRow("g0") << "hermitage-g0.txs"
                            << "error"
                            << "blocked"
                            << "blocked";
        QTest::newRow("g1a") << "hermitage-g1a.txs"
                             << "prevented"
                             << "prevented"
                             << "prevented";
        QTest::newRow("g1b") << "hermitage-g1b.txs"
                             << "prevented"
                             << "prevented"
                             << "blocked";
        QTest::newRow("g1c") << "hermitage-g1c.txs"
                             << "G2-item"
                             << "blocked"
                             << "blocked";
        QTest::newRow("p4") << "hermitage-p4.txs"
                            << "error"
                            << "error"
                            << "error";
        QTest::newRow("g-single") << "hermitage-g-single.txs"
                                  << "prevented"
                                  << "prevented"
                                  << "blocked";
        QTest::newRow("g-single-write") << "hermitage-g-single-write.txs"
                                        << "error"
                                        << "error"
                                        << "error";
        QTest::newRow("g2-item") << "hermitage-g2-item.txs"
                                 << "G2-item"
                                 << "error"
                                 << "error";
        QTest::newRow("g2-predicate") << "hermitage-g2-predicate.txs"
                                      << "G2"
                                      << "error"
                                      << "error";
        QTest::newRow("g2-two-edges") << "hermitage-g2-two-edges.txs"
                                      << "G2-item"
                                      << "error"
                                      << "error";
        QTest::newRow("pmp") << "hermitage-pmp.txs"
                             << "prevented"
                             << "prevented"
                             << "blocked";
    }
    void matrix()
    {
        QFETCH(QString, file);
        QFETCH(QString, mvcc);
        QFETCH(QString, wal);
        QFETCH(QString, del);
        const Workload w = load(file);
        QCOMPARE(QString::fromStdString(runMatrixCell(w, {JournalMode::Mvcc, Isolation::Snapshot}).text()),
                 mvcc);
        QCOMPARE(QString::fromStdString(runMatrixCell(w, {JournalMode::Wal, std::nullopt}).text()), wal);
        QCOMPARE(QString::fromStdString(runMatrixCell(w, {JournalMode::Delete, std::nullopt}).text()), del);
    }

    void matrixColumnsCoverEveryEngine()
    {
        std::vector<std::string> labels;
        for (const auto& c : matrixColumns({}, {}))
            labels.push_back(c.label());
        QCOMPARE(labels, (std::vector<std::string>{"mvcc snapshot", "mvcc serializable", "wal", "delete"}));
        labels.clear();
        for (const auto& c : matrixColumns({JournalMode::Wal, JournalMode::Mvcc}, {Isolation::Serializable}))
            labels.push_back(c.label());
        QCOMPARE(labels, (std::vector<std::string>{"wal", "mvcc serializable"}));
    }
};

QTEST_GUILESS_MAIN(TstAnomalies)
#include "tst_anomalies.moc"
