// Every workload under tests/workloads/mvcc-turso runs through the runner with all its
// expectations holding. Each one pins a behaviour of the MVCC engine to what real Turso 0.7.2
// does (schema conflicts, UPSERT), so a change that breaks faithfulness fails here.

#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

#include <QDir>
#include <QTest>

using namespace txs;

namespace {
QString workloads()
{
    return QString(TXSCOPE_SOURCE_DIR "/tests/workloads/mvcc-turso/");
}
} // namespace

class TestMvccWorkloads : public QObject
{
    Q_OBJECT

private slots:
    void holdsItsExpectations_data()
    {
        QTest::addColumn<QString>("file");
        const auto files = QDir(workloads()).entryList({"*.txs"}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 8);
        for (const auto& f : files)
            QTest::newRow(qPrintable(f)) << workloads() + f;
    }

    void holdsItsExpectations()
    {
        QFETCH(QString, file);
        auto parsed = parseWorkloadFile(file.toStdString());
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().text().c_str());
        RunOptions options;
        options.trace = std::make_shared<TraceLog>();
        Runner runner(parsed.workload(), options);
        const RunSummary summary = runner.run();
        QStringList failures;
        for (const auto& f : summary.failures)
            failures << QString("line %1: expected %2, got %3")
                            .arg(f.line)
                            .arg(QString::fromStdString(f.expected), QString::fromStdString(f.actual));
        for (const auto& e : summary.workerErrors)
            failures << QString::fromStdString(e);
        QVERIFY2(summary.ok(), qPrintable(failures.join("; ")));
        QVERIFY(summary.expectationsPassed > 0);
    }
};

QTEST_GUILESS_MAIN(TestMvccWorkloads)
#include "tst_mvcc_workloads.moc"
