// Recorded sessions: what is written is read back exactly, and damaged files get a message
// that names the place.

#include "engine/api/Error.h"
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
            QCOMPARE(b.detail, a.detail);
        }
    }

    // The typed detail survives a save: an error's kind and a busy handler's give-up.
    void savesTheDetail()
    {
        Session s;
        s.journalMode = "wal";
        Event end;
        end.seq = 1;
        end.kind = EventKind::StatementEnd;
        end.a = 1;
        end.detail = static_cast<std::uint16_t>(ErrorKind::Conflict);
        end.text = "a conflicts table"; // the text says nothing about the kind
        Event gaveUp;
        gaveUp.seq = 2;
        gaveUp.kind = EventKind::BusyHandlerCall;
        gaveUp.a = 3;
        gaveUp.detail = 1;
        s.events = {end, gaveUp};
        const std::string text = formatSession(s);
        QVERIFY(text.rfind("TXSCOPE-SESSION 2\n", 0) == 0);
        std::string error;
        auto back = parseSession(text, "x", error);
        QVERIFY2(back, error.c_str());
        QCOMPARE(back->events.at(0).detail, end.detail);
        QCOMPARE(back->events.at(1).detail, std::uint16_t{1});
        // A detail that does not fit is refused with the place named.
        std::string bad = text;
        const std::string flag = "\tbusy-handler\t1\t";
        bad.replace(bad.find(flag), flag.size(), "\tbusy-handler\t70000\t");
        QVERIFY(!parseSession(bad, "x", error));
        QVERIFY2(QString::fromStdString(error).contains("detail"), error.c_str());
    }

    // Files written before the detail column (version 1) still load; error kinds come back
    // from the result code alone.
    void loadsVersionOneFiles()
    {
        const std::string v1 = "TXSCOPE-SESSION 1\nfile\ts.txs\njournal_mode\twal\nworkload\t\nevents\t3\n"
                               "0\t10\t1\t0\t0\t0\t0\t0\tstatement-begin\tINSERT\n"
                               "1\t20\t1\t0\t0\t0\t517\t0\tbusy\tdatabase is locked\n"
                               "2\t30\t1\t0\t0\t0\t2067\t0\tstatement-end\tUNIQUE constraint failed\n";
        std::string error;
        auto back = parseSession(v1, "old", error);
        QVERIFY2(back, error.c_str());
        QCOMPARE(back->events.size(), std::size_t{3});
        QCOMPARE(back->events[0].detail, std::uint16_t{0});
        QCOMPARE(errorKindOfDetail(back->events[1].detail), ErrorKind::BusySnapshot);
        QCOMPARE(errorKindOfDetail(back->events[2].detail), ErrorKind::Constraint);
        // A version 1 line has 10 fields; 11 is an error there.
        std::string eleven = v1;
        const std::string kind = "\tstatement-begin\t";
        eleven.replace(eleven.find(kind), kind.size(), "\tstatement-begin\t0\t");
        QVERIFY(!parseSession(eleven, "old", error));
        QVERIFY2(QString::fromStdString(error).contains("10 tab-separated fields"), error.c_str());
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
