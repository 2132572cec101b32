// Recorded sessions: what is written is read back exactly, and damaged files get a message
// that names the place.

#include "engine/trace/SessionFile.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

#include <QTemporaryDir>
#include <QTest>

using namespace txs;

class TestSessionFile : public QObject
{
    Q_OBJECT

    static Session recorded()
    {
        auto parsed = parseWorkload("setup:\n  CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);\n"
                                    "A: INSERT INTO t VALUES (1, 'tab\there\nnewline \\\\ backslash');\n"
                                    "A: SELECT v FROM t;\n",
                                    "s.txs");
        if (!parsed.ok()) qFatal("%s", parsed.error().text().c_str());
        auto trace = std::make_shared<TraceLog>();
        RunOptions options;
        options.trace = trace;
        Runner runner(parsed.workload(), options);
        runner.run();
        return {"s.txs", "A: SELECT 1;\n", "mvcc", trace->snapshot()};
    }

private slots:
    void roundTripsExactly()
    {
        const Session s = recorded();
        QVERIFY(s.events.size() > 5);
        std::string error;
        auto back = parseSession(formatSession(s), "x", error);
        QVERIFY2(back, error.c_str());
        QCOMPARE(back->workloadText, s.workloadText);
        QCOMPARE(back->journalMode, s.journalMode);
        QCOMPARE(back->events.size(), s.events.size());
        for (std::size_t i = 0; i < s.events.size(); ++i) {
            const Event &a = s.events[i], &b = back->events[i];
            QCOMPARE(b.seq, a.seq);
            QCOMPARE(b.timeNs, a.timeNs);
            QCOMPARE(b.kind, a.kind);
            QCOMPARE(b.text, a.text);
            QCOMPARE(b.a, a.a);
            QCOMPARE(b.txId, a.txId);
        }
    }

    void writesAndReadsFiles()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("run.txsession").toStdString();
        QVERIFY(!writeSession(recorded(), path));
        std::string error;
        QVERIFY2(readSession(path, error), error.c_str());
        QVERIFY(!readSession(dir.filePath("missing").toStdString(), error));
        QVERIFY2(QString::fromStdString(error).contains("missing: cannot open"), error.c_str());
        QVERIFY(writeSession(recorded(), dir.filePath("no/such/dir/x").toStdString()));
    }

    void damagedFilesNameThePlace_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("message");
        QTest::newRow("magic") << "magic"
                               << "x:1: not a TxScope session";
        QTest::newRow("truncated") << "truncate"
                                   << "(truncated?)";
        QTest::newRow("kind") << "kind"
                              << "unknown event kind";
        QTest::newRow("number") << "number"
                                << "not a number";
    }

    void damagedFilesNameThePlace()
    {
        QFETCH(QString, damage);
        QFETCH(QString, message);
        std::string text = formatSession(recorded());
        if (damage == "magic") text.replace(0, 7, "NOTTXSC");
        if (damage == "truncate") text.resize(text.rfind('\n', text.size() - 2) + 1);
        if (damage == "kind") text.replace(text.find("statement-begin"), 15, "statement-bogus");
        if (damage == "number") text.replace(text.find("\n0\t") + 1, 1, "z");
        std::string error;
        QVERIFY(!parseSession(text, "x", error));
        QVERIFY2(QString::fromStdString(error).contains(message), error.c_str());
        QVERIFY2(QString::fromStdString(error).startsWith("x:"), error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestSessionFile)
#include "tst_session_file.moc"
