// txscope-cli's anomaly commands as a user runs them: `run --anomalies` (log and --json),
// `analyze SESSION` on a session saved from a run, and `matrix DIR` (Markdown and --json).

#include "engine/trace/SessionFile.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kCli = QStringLiteral(TXSCOPE_CLI_PATH);
const QString kScenarios = QStringLiteral(TXSCOPE_SOURCE_DIR "/resources/scenarios");

struct CliResult
{
    int exitCode = -1;
    QString out, err;
};

CliResult runCli(const QStringList& args)
{
    QProcess process;
    process.start(kCli, args);
    CliResult r;
    if (!process.waitForStarted(-1) || !process.waitForFinished(-1)) return r;
    r.out = QString::fromUtf8(process.readAllStandardOutput());
    r.err = QString::fromUtf8(process.readAllStandardError());
    r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    return r;
}

QJsonObject json(const CliResult& r)
{
    QJsonParseError error;
    const auto doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError) qWarning() << error.errorString() << r.out << r.err;
    return doc.object();
}

} // namespace

class TstCliAnomalies : public QObject
{
    Q_OBJECT

private slots:
    void runAnomaliesNamesWriteSkew()
    {
        const auto r = runCli({"run", kScenarios + "/write-skew.txs", "--anomalies"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("== anomalies\nG2-item (write skew)"), qPrintable(r.out));
        QVERIFY(r.out.contains("not serializable: 1 anomaly (G2-item"));
        QVERIFY(r.out.contains("statement Alice: SELECT count(*) FROM doctors WHERE on_call = 1"));
        // Without the option there is no such section.
        QVERIFY(!runCli({"run", kScenarios + "/write-skew.txs"}).out.contains("== anomalies"));
    }

    void runAnomaliesJson()
    {
        const auto r = runCli({"run", kScenarios + "/write-skew.txs", "--anomalies", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray anomalies = json(r)["anomalies"].toArray();
        QCOMPARE(anomalies.size(), 1);
        const QJsonObject a = anomalies[0].toObject();
        QCOMPARE(a["kind"].toString(), QString("G2-item"));
        QCOMPARE(a["transactions"].toArray().size(), 2);
        const QJsonArray edges = a["edges"].toArray();
        QCOMPARE(edges.size(), 2);
        for (const auto& e : edges) {
            const QJsonObject edge = e.toObject();
            QCOMPARE(edge["type"].toString(), QString("rw"));
            QCOMPARE(edge["table"].toString(), QString("doctors"));
            QVERIFY(edge["key"].toInt() == 1 || edge["key"].toInt() == 2);
            QVERIFY(edge["from"].toInteger() != edge["to"].toInteger());
        }
        QVERIFY(a["story"].toString().contains("Alice"));
        // A run without anomalies has an empty list; without --anomalies no field at all.
        const auto clean = runCli({"run", kScenarios + "/read-skew.txs", "--anomalies", "--json"});
        QVERIFY(json(clean)["anomalies"].toArray().isEmpty());
        QVERIFY(json(clean).contains("anomalies"));
        QVERIFY(!json(runCli({"run", kScenarios + "/read-skew.txs", "--json"})).contains("anomalies"));
    }

    void sqliteRunIsSerializable()
    {
        const auto r =
            runCli({"run", kScenarios + "/write-skew.txs", "--journal-mode", "wal", "--anomalies"});
        QVERIFY2(r.out.contains("serializable: graph acyclic"), qPrintable(r.out));
    }

    void analyzeASavedSession()
    {
        QTemporaryDir dir;
        auto parsed = txs::parseWorkloadFile((kScenarios + "/write-skew.txs").toStdString());
        QVERIFY(parsed.ok());
        txs::Runner runner(parsed.workload(), {});
        QVERIFY(!runner.open());
        runner.run();
        txs::Session session{"write-skew.txs", "", "mvcc", runner.trace()->snapshot()};
        const QString path = dir.filePath("skew.txsession");
        QVERIFY(!txs::writeSession(session, path.toStdString()));

        const auto text = runCli({"analyze", path});
        QCOMPARE(text.exitCode, 1); // anomalies found
        QVERIFY2(text.out.contains("G2-item (write skew)"), qPrintable(text.out + text.err));
        const auto r = runCli({"analyze", path, "--json"});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject o = json(r);
        QCOMPARE(o["anomalies"].toArray().size(), 1);
        QCOMPARE(o["dependencies"].toObject()["serializable"].toBool(), false);
        QCOMPARE(o["dependencies"].toObject()["exact"].toBool(), true);

        QCOMPARE(runCli({"analyze", dir.filePath("missing")}).exitCode, 2);
        QFile bad(dir.filePath("bad.txsession"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("not a session\n");
        bad.close();
        const auto broken = runCli({"analyze", bad.fileName()});
        QCOMPARE(broken.exitCode, 2);
        QVERIFY(broken.err.contains("bad.txsession"));
    }

    void matrixPrintsTheTable()
    {
        const auto r = runCli({"matrix", kScenarios + "/isolation", "--journal-mode", "mvcc", "--isolation",
                               "snapshot", "--journal-mode", "wal"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith("| scenario | mvcc snapshot | wal |\n|---|---|---|\n"), qPrintable(r.out));
        QVERIFY(r.out.contains("| hermitage-g2-item | G2-item | error |"));
        QVERIFY(r.out.contains("| hermitage-g0 | error | blocked |"));

        const auto j = runCli({"matrix", kScenarios + "/isolation", "--journal-mode=delete", "--json"});
        QCOMPARE(j.exitCode, 0);
        const QJsonObject o = json(j);
        QCOMPARE(o["columns"].toArray(), QJsonArray{"delete"});
        const QJsonArray rows = o["rows"].toArray();
        QVERIFY(rows.size() >= 10);
        for (const auto& row : rows) {
            const QJsonObject cell = row.toObject()["cells"].toObject()["delete"].toObject();
            QVERIFY(cell.contains("outcome"));
            QVERIFY(cell["anomalies"].toArray().isEmpty()); // SQLite serializes writers
        }
    }

    void matrixBadInput()
    {
        QCOMPARE(runCli({"matrix"}).exitCode, 2);
        QCOMPARE(runCli({"matrix", "/nonexistent-dir"}).exitCode, 2);
        QCOMPARE(runCli({"matrix", kScenarios + "/isolation", "--isolation", "repeatable"}).exitCode, 2);
        QCOMPARE(runCli({"matrix", kScenarios + "/isolation", "--journal-mode", "memory"}).exitCode, 2);
        QTemporaryDir dir;
        QFile bad(dir.filePath("bad.txs"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("journal_mode: nonsense\n");
        bad.close();
        const auto r = runCli({"matrix", dir.path()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("bad.txs:1"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TstCliAnomalies)
#include "tst_cli_anomalies.moc"
