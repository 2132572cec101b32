// Every view counts a run the same way (CountingRule): for each built-in scenario, on each engine
// it names, the CLI's summary and `--json` (the runner's counts), the metrics projection over the
// saved and reloaded session, and the GUI's Metrics model agree on every count. And the counts
// stay exact when the trace log keeps only a small window of the run.

#include "app/cli/SummaryJson.h"
#include "engine/api/JournalMode.h"
#include "engine/trace/SessionFile.h"
#include "engine/trace/SessionProjection.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"
#include "widgets/models/MetricsModel.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/models/SessionLog.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace txs;

namespace {

struct Counts
{
    std::uint64_t commits = 0, rollbacks = 0, retries = 0, conflicts = 0, busy = 0, busySnapshot = 0,
                  other = 0;
    bool operator==(const Counts&) const = default;
};

char* toString(const Counts& c)
{
    return QTest::toString(QString("commits %1, rollbacks %2, retries %3, conflict %4, busy %5, "
                                   "busy_snapshot %6, other %7")
                               .arg(c.commits)
                               .arg(c.rollbacks)
                               .arg(c.retries)
                               .arg(c.conflicts)
                               .arg(c.busy)
                               .arg(c.busySnapshot)
                               .arg(c.other));
}

Counts fromSummary(const RunSummary& s)
{
    return {s.committed, s.rolledBack, s.retries, s.conflicts, s.busy, s.busySnapshot, s.otherErrors};
}

Counts fromMetrics(const MetricsAt& m)
{
    return {m.commits, m.rollbacks, m.retries, m.conflicts, m.busy, m.busySnapshot, m.otherErrors};
}

Counts fromJson(const std::string& json)
{
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
    const QJsonObject tx = o["transactions"].toObject();
    const QJsonObject errors = o["errors"].toObject();
    auto n = [](const QJsonValue& v) { return static_cast<std::uint64_t>(v.toInteger(-1)); };
    return {n(tx["committed"]), n(tx["rolled_back"]),       n(tx["retries"]),  n(errors["conflict"]),
            n(errors["busy"]),  n(errors["busy_snapshot"]), n(errors["other"])};
}

Counts fromModel(const models::MetricsModel& model)
{
    auto n = [&](int row) {
        return model.index(row, models::MetricsModel::ValueColumn).data(models::ValueRole).toULongLong();
    };
    using M = models::MetricsModel;
    return {n(M::CommitsRow), n(M::RollbacksRow),    n(M::RetriesRow),    n(M::ConflictsRow),
            n(M::BusyRow),    n(M::BusySnapshotRow), n(M::OtherErrorsRow)};
}

// The engines scenario-verdicts.sh runs a scenario on: its header's, and those its comments suggest.
QStringList enginesOf(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    const QString text = QString::fromUtf8(file.readAll());
    QStringList engines;
    const auto header =
        QRegularExpression("^journal_mode:\\s*([a-z]+)", QRegularExpression::MultilineOption).match(text);
    engines << (header.hasMatch() ? header.captured(1) : QString("mvcc"));
    auto it = QRegularExpression("--journal-mode ([a-z]+)").globalMatch(text);
    while (it.hasNext()) {
        const QString engine = it.next().captured(1);
        if (!engines.contains(engine)) engines << engine;
    }
    return engines;
}

struct Run
{
    RunSummary summary;
    std::shared_ptr<TraceLog> log;
};

Run runScenario(const QString& path, const QString& engine, std::size_t keepEvents)
{
    auto parsed = parseWorkloadFile(path.toStdString());
    if (!parsed) qFatal("%s: %s", qPrintable(path), parsed.error().text().c_str());
    RunOptions options;
    options.journalMode = parseJournalMode(engine.toStdString());
    options.tracing = true;
    options.traceLimits.maxEvents = keepEvents;
    options.trace = std::make_shared<TraceLog>(options.traceLimits);
    Runner runner(std::move(parsed.workload()), options);
    Run run;
    run.summary = runner.run();
    run.log = options.trace;
    return run;
}

bool hasWorkers(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) &&
           QString::fromUtf8(file.readAll())
               .contains(QRegularExpression("^workers ", QRegularExpression::MultilineOption));
}

} // namespace

class TestMetricsAgree : public QObject
{
    Q_OBJECT

private slots:
    void everyViewAgrees_data();
    void everyViewAgrees();
    void countsSurviveASmallWindow_data();
    void countsSurviveASmallWindow();
};

void TestMetricsAgree::everyViewAgrees_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("engine");
    const QDir dir(QStringLiteral(TXSCOPE_SOURCE_DIR "/resources/scenarios"));
    const auto files = dir.entryList({"*.txs"}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 10);
    for (const QString& name : files)
        for (const QString& engine : enginesOf(dir.filePath(name)))
            QTest::newRow(qPrintable(name + " on " + engine)) << dir.filePath(name) << engine;
}

void TestMetricsAgree::everyViewAgrees()
{
    QFETCH(QString, path);
    QFETCH(QString, engine);
    const Run run = runScenario(path, engine, 1'000'000);
    QCOMPARE(run.summary.eventsDropped, 0u);
    const Counts cli = fromSummary(run.summary);
    QCOMPARE(fromJson(cli::summaryToJson(run.summary)), cli);

    // The session as saved and reopened.
    Session session;
    session.journalMode = engine.toStdString();
    session.events = run.log->snapshot();
    std::string error;
    const auto reloaded = parseSession(formatSession(session), "run.txsession", error);
    QVERIFY2(reloaded, error.c_str());
    SessionProjection projection;
    projection.apply(reloaded->events, 0, reloaded->events.size());
    QCOMPARE(fromMetrics(projection.metrics.at(projection.latestNs())), cli);

    // The GUI's Metrics panel, fed by the same drain as every other model.
    models::SessionLog log(run.log);
    models::MetricsModel model(&log);
    log.drainAll();
    log.followLive();
    QCOMPARE(fromModel(model), cli);

    // Something was counted: a scenario with nothing to count would make the test vacuous.
    QVERIFY(cli.commits + cli.rollbacks + cli.conflicts + cli.busy + cli.busySnapshot + cli.other > 0);
}

void TestMetricsAgree::countsSurviveASmallWindow_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("engine");
    const QDir dir(QStringLiteral(TXSCOPE_SOURCE_DIR "/resources/scenarios"));
    // Step-mode scenarios are deterministic: a second run must count exactly the same.
    for (const QString& name : dir.entryList({"*.txs"}, QDir::Files, QDir::Name))
        if (!hasWorkers(dir.filePath(name)))
            QTest::newRow(qPrintable(name)) << dir.filePath(name) << enginesOf(dir.filePath(name)).first();
}

void TestMetricsAgree::countsSurviveASmallWindow()
{
    QFETCH(QString, path);
    QFETCH(QString, engine);
    const Run whole = runScenario(path, engine, 1'000'000);
    // A window of 16 events: most of the run is dropped while it runs.
    const Run window = runScenario(path, engine, 16);
    QVERIFY(window.summary.eventsDropped > 0);
    QCOMPARE(fromSummary(window.summary), fromSummary(whole.summary));
}

QTEST_MAIN(TestMetricsAgree)
#include "tst_metrics_agree.moc"
