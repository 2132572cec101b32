// $worker and $iter bound as parameters where that cannot change a statement's meaning, and
// substituted as text elsewhere (engine/workload/BoundVariables.h): the decision for each kind of
// place, and a run on both engines whose rows are those the literal text gave.

#include "engine/trace/TraceLog.h"
#include "engine/workload/BoundVariables.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

#include <QTest>
#include <set>

using namespace txs;

class TestWorkerVariables : public QObject
{
    Q_OBJECT

private slots:
    void decision_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<bool>("bound");
        QTest::addColumn<QString>("order"); // w: $worker, i: $iter, in order of first appearance
        QTest::newRow("no variable") << "BEGIN CONCURRENT" << true << "";
        QTest::newRow("insert values") << "INSERT INTO t VALUES ($worker, $iter)" << true << "wi";
        QTest::newRow("iter first, repeated")
            << "UPDATE t SET n = $iter WHERE id = $worker OR id = $iter" << true << "iw";
        QTest::newRow("select where") << "SELECT n FROM t WHERE id = $worker" << true << "w";
        QTest::newRow("with") << "WITH x AS (SELECT $iter AS v) SELECT v FROM x" << true << "i";
        QTest::newRow("delete") << "delete from t where id = $worker" << true << "w";
        QTest::newRow("limit") << "SELECT n FROM t ORDER BY n LIMIT $iter" << true << "i";
        QTest::newRow("inside a string") << "INSERT INTO t VALUES ('w$worker')" << false << "";
        QTest::newRow("string and value") << "INSERT INTO t VALUES ($worker, 'w$worker')" << false << "";
        QTest::newRow("part of a name") << "INSERT INTO t_$worker VALUES (1)" << false << "";
        QTest::newRow("quoted name") << "INSERT INTO \"t$worker\" VALUES (1)" << false << "";
        QTest::newRow("two in one word") << "SELECT $worker$iter" << false << "";
        QTest::newRow("tcl suffix") << "SELECT $worker(x)" << false << "";
        QTest::newRow("other parameter ?") << "SELECT ?, $worker" << false << "";
        QTest::newRow("other parameter :x") << "SELECT :x, $worker" << false << "";
        QTest::newRow("other parameter $x") << "SELECT $worker2, $worker" << false << "";
        QTest::newRow("upsert") << "INSERT INTO t VALUES ($worker) ON CONFLICT DO NOTHING" << false << "";
        QTest::newRow("returning") << "INSERT INTO t VALUES ($worker) RETURNING rowid" << false << "";
        QTest::newRow("order by term") << "SELECT a, b FROM t ORDER BY $worker" << false << "";
        QTest::newRow("group by list") << "SELECT a FROM t GROUP BY a, $iter" << false << "";
        QTest::newRow("pragma") << "PRAGMA cache_size = $worker" << false << "";
        QTest::newRow("create") << "CREATE TABLE t (x DEFAULT $worker)" << false << "";
    }
    void decision()
    {
        QFETCH(QString, sql);
        QFETCH(bool, bound);
        QFETCH(QString, order);
        const WorkerStatement s = prepareWorkerStatement(sql.toStdString());
        QCOMPARE(s.bound, bound);
        QString got;
        for (WorkerVariable v : s.order)
            got += v == WorkerVariable::Worker ? 'w' : 'i';
        QCOMPARE(got, order);
        const Params p = s.params(7, 40);
        QCOMPARE(p.size(), s.order.size());
        for (std::size_t k = 0; k < p.size(); ++k)
            QCOMPARE(p[k].integer(), s.order[k] == WorkerVariable::Worker ? 7 : 40);
    }

    // The same rows as literal text gave (integers, not text; the string literal's copy made
    // by substitution), and the trace shows the bound statement as written.
    void runGivesTheRowsOfTheLiteralText_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::newRow("mvcc") << "mvcc";
        QTest::newRow("wal") << "wal";
    }
    void runGivesTheRowsOfTheLiteralText()
    {
        QFETCH(QString, mode);
        const std::string text = "journal_mode: " + mode.toStdString() + R"(
setup:
  CREATE TABLE t (w INTEGER, i INTEGER, tag TEXT);
workers wr x3 repeat 4 retry(conflict, busy; max 100000, backoff none):
  BEGIN;
  INSERT INTO t VALUES ($worker, $iter, 'w$worker-$iter');
  UPDATE t SET tag = tag || '!' WHERE w = $worker AND i = $iter;
  SELECT count(*) FROM t WHERE w = $worker AND i = $iter;  -- expect: 1
  COMMIT;
check:
  SELECT count(*), sum(w), sum(i), sum(typeof(w) = 'integer' AND typeof(i) = 'integer') FROM t;  -- expect: 12|12|18|12
  SELECT tag FROM t WHERE w = 2 AND i = 3;  -- expect: w2-3!
)";
        auto parsed = parseWorkload(text, "vars.txs");
        QVERIFY(parsed.ok());
        auto trace = std::make_shared<TraceLog>();
        RunOptions options;
        options.trace = trace;
        Runner runner(parsed.workload(), options);
        const RunSummary& s = runner.run();
        QCOMPARE(s.workersFailed, 0);
        QCOMPARE(s.expectationsFailed, 0);
        QCOMPARE(s.expectationsPassed, 12 + 2);
        std::set<std::string> texts;
        for (const auto& e : trace->snapshot())
            if (e.kind == EventKind::StatementBegin) texts.insert(std::string(e.text));
        QVERIFY(texts.count("UPDATE t SET tag = tag || '!' WHERE w = $worker AND i = $iter"));
        QVERIFY(texts.count("INSERT INTO t VALUES (2, 3, 'w2-3')")); // substituted: a string literal
    }
};

QTEST_GUILESS_MAIN(TestWorkerVariables)
#include "tst_worker_variables.moc"
