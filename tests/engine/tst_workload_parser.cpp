// The .txs parser against the contract in DESIGN.md: every form it accepts, every error it
// reports (with its line), and the fuzz corpus as a regression suite. What a parsed statement
// carries (expectations and their matcher, $worker/$iter, backoff, retry) is in
// tst_workload_expectations.

#include "engine/workload/Backoff.h"
#include "engine/workload/Duration.h"
#include "engine/workload/Expectation.h"
#include "engine/workload/Substitution.h"
#include "engine/workload/WorkloadParser.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>
#include <fstream>

using namespace txs;
using namespace std::chrono_literals;

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

// A readable dump of a parsed workload, so a failing comparison shows where models differ.
std::string dump(const Workload& w)
{
    std::string out = std::string("journal_mode ") + journalModeName(w.journalMode) + "\n";
    if (w.busyTimeout) out += "busy_timeout " + std::to_string(w.busyTimeout->count()) + "\n";
    if (w.synchronous) out += std::string("synchronous ") + synchronousName(*w.synchronous) + "\n";
    if (w.seed) out += "seed " + std::to_string(*w.seed) + "\n";
    auto statement = [](const Statement& s) {
        std::string text =
            std::to_string(s.line) + ": " + (s.isSleep() ? "sleep " + formatDuration(s.sleep) : s.sql);
        if (s.expect) text += "  -- expect: " + s.expect->describe();
        return text + "\n";
    };
    if (w.setup) {
        out += "setup @" + std::to_string(w.setup->line) + "\n";
        for (const auto& s : w.setup->statements)
            out += "  " + statement(s);
    }
    for (const auto& step : w.steps)
        out += "step " + step.connection + " " + statement(step.statement);
    for (const auto& b : w.workers) {
        out += "workers " + b.name + " x" + std::to_string(b.count) + " repeat " + std::to_string(b.repeat) +
               " " + b.retry.describe() + " @" + std::to_string(b.line) + "\n";
        for (const auto& s : b.body)
            out += "  " + statement(s);
    }
    if (w.check) {
        out += "check @" + std::to_string(w.check->line) + "\n";
        for (const auto& s : w.check->statements)
            out += "  " + statement(s);
    }
    return out;
}

Statement sql(int line, std::string text, std::optional<std::string> expect = std::nullopt)
{
    Statement s;
    s.line = line;
    s.sql = std::move(text);
    if (expect) {
        std::string why;
        s.expect = parseExpectation(*expect, why);
    }
    return s;
}

Statement sleepFor(int line, std::chrono::microseconds d)
{
    Statement s;
    s.kind = Statement::Kind::Sleep;
    s.line = line;
    s.sleep = d;
    return s;
}

std::vector<Statement> setupOf(const std::string& body)
{
    auto r = parseWorkload("setup:\n" + body, "t.txs");
    if (!r) qWarning("%s", r.error().text().c_str());
    return r ? r.workload().setup->statements : std::vector<Statement>{};
}

// The example of DESIGN.md's "Workload file format" section, verbatim.
const char* kDesignExample = R"(# Comment lines start with '#'. Header keys come before the first block:
# journal_mode (mvcc | wal | delete; default mvcc), busy_timeout (ms), synchronous (off | normal | full), seed.
journal_mode: mvcc
busy_timeout: 0

# setup: runs once, on its own connection, before anything else.
setup:
  CREATE TABLE test (id INTEGER PRIMARY KEY, value INT);
  INSERT INTO test VALUES (1, 10), (2, 20);
  CREATE TABLE hits (val INTEGER);

# Step lines "NAME: SQL;" run one at a time, in file order, each on connection NAME (opened on first use).
T1: BEGIN CONCURRENT;
T2: BEGIN CONCURRENT;
T1: UPDATE test SET value = 11 WHERE id = 1;
T2: UPDATE test SET value = 12 WHERE id = 1;    -- expect: error conflict
T2: ROLLBACK;
T1: COMMIT;                                     -- expect: ok
T1: SELECT id, value FROM test ORDER BY id;     -- expect: 1|11, 2|20

# A workers block: 16 connections, each on its own thread, run the body `repeat` times;
# $worker (0..15) and $iter (0..repeat-1) are replaced in the SQL.
workers writer x16 repeat 1 retry(conflict, busy; max 1000):
  BEGIN CONCURRENT;
  INSERT INTO hits VALUES ($worker);
  COMMIT;

# check: runs last.
check:
  SELECT count(*) FROM hits;                    -- expect: 16
)";

} // namespace

class TestWorkloadParser : public QObject
{
    Q_OBJECT

private slots:
    void designExampleParsesIntoTheExpectedModel()
    {
        auto result = parseWorkload(kDesignExample, "example.txs");
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().text().c_str());

        Workload want;
        want.fileName = "example.txs";
        want.journalMode = JournalMode::Mvcc;
        want.busyTimeout = 0ms;
        want.setup = StatementBlock{7,
                                    {sql(8, "CREATE TABLE test (id INTEGER PRIMARY KEY, value INT)"),
                                     sql(9, "INSERT INTO test VALUES (1, 10), (2, 20)"),
                                     sql(10, "CREATE TABLE hits (val INTEGER)")}};
        want.steps = {
            {"T1", sql(13, "BEGIN CONCURRENT")},
            {"T2", sql(14, "BEGIN CONCURRENT")},
            {"T1", sql(15, "UPDATE test SET value = 11 WHERE id = 1")},
            {"T2", sql(16, "UPDATE test SET value = 12 WHERE id = 1", "error conflict")},
            {"T2", sql(17, "ROLLBACK")},
            {"T1", sql(18, "COMMIT", "ok")},
            {"T1", sql(19, "SELECT id, value FROM test ORDER BY id", "1|11, 2|20")},
        };
        WorkersBlock writers;
        writers.line = 23;
        writers.name = "writer";
        writers.count = 16;
        writers.repeat = 1;
        writers.retry.conflict = true;
        writers.retry.busy = true;
        writers.retry.maxRetries = 1000;
        writers.retry.backoff.kind = Backoff::Kind::Yield;
        writers.body = {sql(24, "BEGIN CONCURRENT"), sql(25, "INSERT INTO hits VALUES ($worker)"),
                        sql(26, "COMMIT")};
        want.workers = {writers};
        want.check = StatementBlock{29, {sql(30, "SELECT count(*) FROM hits", "16")}};

        const Workload& got = result.workload();
        QCOMPARE(q(dump(got)), q(dump(want)));
        QVERIFY(got == want);
        QCOMPARE(got.steps[3].statement.expect->kind, Expectation::Kind::Error);
        QCOMPARE(q(got.steps[3].statement.expect->errorText), QString("conflict"));
        QCOMPARE(got.stepConnections(), (std::vector<std::string>{"T1", "T2"}));
        QCOMPARE(got.expectationCount(), 4);
        QVERIFY(!got.seed && !got.synchronous);
    }

    void emptyFileIsAnEmptyWorkload()
    {
        for (const char* text : {"", "\n\n", "# only a comment\n", "   \n\t\n"}) {
            auto r = parseWorkload(text, "e.txs");
            QVERIFY(r.ok());
            QCOMPARE(r.workload().journalMode, JournalMode::Mvcc);
            QVERIFY(!r.workload().setup && !r.workload().check && r.workload().steps.empty() &&
                    r.workload().workers.empty());
            QVERIFY(!r.workload().busyTimeout && !r.workload().seed && !r.workload().synchronous);
        }
    }

    void headerKeys()
    {
        auto r = parseWorkload("Journal_Mode: WAL\nbusy_timeout: 5000\nsynchronous: NORMAL\nseed: "
                               "18446744073709551615\nT1: SELECT 1;\n",
                               "h.txs");
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().text().c_str());
        QCOMPARE(r.workload().journalMode, JournalMode::Wal);
        QCOMPARE(r.workload().busyTimeout->count(), 5000);
        QCOMPARE(*r.workload().synchronous, Synchronous::Normal);
        QCOMPARE(*r.workload().seed, std::uint64_t(18446744073709551615ull));
        QVERIFY(!r.workload().allowAttach);
        QVERIFY(!r.workload().statementTimeout);

        auto h = parseWorkload("allow_attach: YES\nstatement_timeout: 500ms\nT1: SELECT 1;\n", "h.txs");
        QVERIFY2(h.ok(), h.ok() ? "" : h.error().text().c_str());
        QVERIFY(h.workload().allowAttach);
        QCOMPARE(h.workload().statementTimeout->count(), 500000);
        QVERIFY(!h.workload().isolation);

        auto i = parseWorkload("isolation: 'Serializable'\nT1: SELECT 1;\n", "i.txs");
        QVERIFY2(i.ok(), i.ok() ? "" : i.error().text().c_str());
        QCOMPARE(*i.workload().isolation, Isolation::Serializable);
        auto s = parseWorkload("isolation: snapshot\nT1: SELECT 1;\n", "s.txs");
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().text().c_str());
        QCOMPARE(*s.workload().isolation, Isolation::Snapshot);

        const std::pair<const char*, JournalMode> modes[] = {{"mvcc", JournalMode::Mvcc},
                                                             {"wal", JournalMode::Wal},
                                                             {"delete", JournalMode::Delete},
                                                             {"truncate", JournalMode::Truncate},
                                                             {"'persist'", JournalMode::Persist}};
        for (auto [name, mode] : modes) {
            auto m = parseWorkload(std::string("journal_mode: ") + name + "\n", "m.txs");
            QVERIFY(m.ok());
            QCOMPARE(m.workload().journalMode, mode);
        }
        for (auto [name, value] :
             {std::pair{"off", Synchronous::Off}, std::pair{"Full", Synchronous::Full}}) {
            auto s = parseWorkload(std::string("synchronous: ") + name + "\n", "s.txs");
            QVERIFY(s.ok());
            QCOMPARE(*s.workload().synchronous, value);
        }
    }

    void statementSplittingRespectsQuotesAndComments()
    {
        const auto statements =
            setupOf("  INSERT INTO t VALUES ('it''s; here');   -- expect: ok\n"
                    "  SELECT \"a;b\", `c;d`, [e;f] FROM t;\n"
                    "  SELECT 'a -- b', 'c;d', '-- expect: 9';  -- expect: a -- b|c;d|-- expect: 9\n"
                    "  UPDATE t\n"
                    "     SET x = 1   -- a comment; with a semicolon\n"
                    "\n"
                    "  # a comment line inside the statement\n"
                    "     /* block ; comment */ WHERE y = 2;\n"
                    "  SELECT 1 # 2;\n"
                    "  BEGIN; INSERT INTO t VALUES (1);COMMIT;  -- expect: ok\n"
                    "  SELECT 'x'/*c*/||'y';\n");
        QCOMPARE(statements.size(), std::size_t(9));
        QCOMPARE(q(statements[0].sql), QString("INSERT INTO t VALUES ('it''s; here')"));
        QCOMPARE(statements[0].line, 2);
        QCOMPARE(q(statements[0].expect->describe()), QString("ok"));
        QCOMPARE(q(statements[1].sql), QString("SELECT \"a;b\", `c;d`, [e;f] FROM t"));
        QVERIFY(!statements[1].expect);
        QCOMPARE(q(statements[2].sql), QString("SELECT 'a -- b', 'c;d', '-- expect: 9'"));
        QCOMPARE(q(statements[2].expect->describe()), QString("a -- b|c;d|-- expect: 9"));
        QCOMPARE(q(statements[3].sql), QString("UPDATE t SET x = 1 WHERE y = 2"));
        QCOMPARE(statements[3].line, 5);
        QCOMPARE(q(statements[4].sql), QString("SELECT 1 # 2")); // '#' after the line start is SQL
        QCOMPARE(q(statements[5].sql), QString("BEGIN"));
        QCOMPARE(q(statements[6].sql), QString("INSERT INTO t VALUES (1)"));
        QCOMPARE(q(statements[7].sql), QString("COMMIT"));
        QCOMPARE(statements[5].line, 11);
        QCOMPARE(statements[7].line, 11);
        QVERIFY(!statements[5].expect && !statements[6].expect); // the expectation is the last one's
        QCOMPARE(q(statements[7].expect->describe()), QString("ok"));
        QCOMPARE(q(statements[8].sql), QString("SELECT 'x' ||'y'"));
    }

    void spaceBeforeSemicolonIsNotPartOfTheStatement()
    {
        // Found by the fuzzer: "SELECT 1 ;" once came out as "SELECT 1 " (the space before the
        // ';' was kept when the ';' was dropped).
        const auto statements = setupOf("  SELECT 1 ;\n"
                                        "  SELECT\n"
                                        "    2\n"
                                        "  ;\n"
                                        "  SELECT 3\t\r;\n"
                                        "  CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 4 ; END ;\n");
        QCOMPARE(statements.size(), std::size_t(4));
        QCOMPARE(q(statements[0].sql), QString("SELECT 1"));
        QCOMPARE(q(statements[1].sql), QString("SELECT 2"));
        QCOMPARE(statements[1].line, 3);
        QCOMPARE(q(statements[2].sql), QString("SELECT 3"));
        QCOMPARE(q(statements[3].sql),
                 QString("CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 4; END"));
    }

    void stringsSpanLinesVerbatim()
    {
        const auto statements = setupOf("  INSERT INTO t VALUES ('line1\n"
                                        "# not a comment; nor the end\n"
                                        "\n"
                                        "not indented -- still text'); -- expect: ok\n"
                                        "  SELECT 2;\n");
        QCOMPARE(statements.size(), std::size_t(2));
        QCOMPARE(q(statements[0].sql), QString("INSERT INTO t VALUES ('line1\n# not a comment; nor the "
                                               "end\n\nnot indented -- still text')"));
        QCOMPARE(statements[0].line, 2);
        QVERIFY(statements[0].expect.has_value());
        QCOMPARE(statements[1].line, 6);
    }

    void triggersEndAtEnd()
    {
        const auto statements = setupOf("  CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN\n"
                                        "    INSERT INTO log VALUES (new.x);\n"
                                        "    UPDATE c SET n = n + 1;\n"
                                        "  END;  -- expect: ok\n"
                                        "  SELECT 'end';\n");
        QCOMPARE(statements.size(), std::size_t(2));
        QCOMPARE(q(statements[0].sql),
                 QString("CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log "
                         "VALUES (new.x); UPDATE c SET n = n + 1; END"));
        QVERIFY(statements[0].expect.has_value());
        QCOMPARE(q(statements[1].sql), QString("SELECT 'end'"));
    }

    void lineEndingsAndByteOrderMark()
    {
        auto r = parseWorkload(
            "\xEF\xBB\xBFseed: 7\r\nsetup:\r\n  SELECT 1;\r\n  SELECT\r\n    2;  -- expect: 2\r\n",
            "crlf.txs");
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().text().c_str());
        QCOMPARE(*r.workload().seed, std::uint64_t(7));
        QCOMPARE(
            q(dump(r.workload())),
            QString("journal_mode mvcc\nseed 7\nsetup @2\n  3: SELECT 1\n  4: SELECT 2  -- expect: 2\n"));
    }

    void stepLines()
    {
        auto r = parseWorkload("alice: BEGIN; SELECT 1;   -- expect: 1\n"
                               "bob_2 :  UPDATE t\n"
                               "            SET x = 1;\n"
                               "alice: sleep 10ms\n"
                               "bob_2: sleep 1s; COMMIT;\n",
                               "s.txs");
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().text().c_str());
        const Workload& w = r.workload();
        QCOMPARE(q(dump(w)), QString("journal_mode mvcc\n"
                                     "step alice 1: BEGIN\n"
                                     "step alice 1: SELECT 1  -- expect: 1\n"
                                     "step bob_2 2: UPDATE t SET x = 1\n"
                                     "step alice 4: sleep 10ms\n"
                                     "step bob_2 5: sleep 1s\n"
                                     "step bob_2 5: COMMIT\n"));
        QCOMPARE(w.stepConnections(), (std::vector<std::string>{"alice", "bob_2"}));
    }

    void sleeps()
    {
        const auto statements =
            setupOf("  sleep 200ms\n  SLEEP 1s;\n  sleep 500us; SELECT 1;\n  sleep   0ms -- note\n");
        QCOMPARE(statements.size(), std::size_t(5));
        QCOMPARE(statements[0], sleepFor(2, 200ms));
        QCOMPARE(statements[1], sleepFor(3, 1s));
        QCOMPARE(statements[2], sleepFor(4, 500us));
        QCOMPARE(statements[3], sql(4, "SELECT 1"));
        QCOMPARE(statements[4], sleepFor(5, 0us));
        QVERIFY(statements[0].sql.empty());
    }

    void workersBlocks()
    {
        auto r = parseWorkload(
            "workers plain x1:\n"
            "  SELECT $iter;\n"
            "WORKERS  r   X3   REPEAT 20  RETRY ( any ; max 5 , backoff exponential 1ms..50ms ) :\n"
            "\tINSERT INTO t VALUES ($worker, $iter);\n"
            "\n"
            "# a comment at the line start does not end the block\n"
            "  # between statements\n"
            "  sleep 1ms\n"
            "workers f x2 retry(busy_snapshot; backoff fixed 5ms, max 2):\n"
            "  COMMIT;\n"
            "workers n x1024 repeat 1000000000 retry(conflict; max 2147483647, backoff none):\n"
            "  COMMIT;\n"
            "workers y x2 retry(Busy;max 1, backoff yield):\n"
            "  COMMIT;\n",
            "w.txs");
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().text().c_str());
        const auto& ws = r.workload().workers;
        QCOMPARE(ws.size(), std::size_t(5));
        QCOMPARE(q(ws[0].name), QString("plain"));
        QCOMPARE(ws[0].count, 1);
        QCOMPARE(ws[0].repeat, std::int64_t(1)); // repeat defaults to 1
        QVERIFY(!ws[0].retry.enabled());         // no retry clause: an error ends the worker
        QCOMPARE(ws[0].retry.maxRetries, 0);
        QCOMPARE(q(ws[0].retry.describe()), QString());
        QCOMPARE(ws[0].line, 1);

        QCOMPARE(ws[1].count, 3);
        QCOMPARE(ws[1].repeat, std::int64_t(20));
        QCOMPARE(ws[1].line, 3);
        QVERIFY(ws[1].retry.conflict && ws[1].retry.busy && ws[1].retry.busySnapshot);
        QCOMPARE(ws[1].retry.maxRetries, 5);
        QCOMPARE(ws[1].retry.backoff.kind, Backoff::Kind::Exponential);
        QCOMPARE(ws[1].retry.backoff.base, std::chrono::microseconds(1ms));
        QCOMPARE(ws[1].retry.backoff.cap, std::chrono::microseconds(50ms));
        QCOMPARE(q(ws[1].retry.describe()),
                 QString("retry(conflict, busy, busy_snapshot; max 5, backoff exponential 1ms..50ms)"));
        QCOMPARE(ws[1].body,
                 (std::vector<Statement>{sql(4, "INSERT INTO t VALUES ($worker, $iter)"), sleepFor(8, 1ms)}));

        QVERIFY(!ws[2].retry.conflict && !ws[2].retry.busy && ws[2].retry.busySnapshot);
        QCOMPARE(q(ws[2].retry.describe()), QString("retry(busy_snapshot; max 2, backoff fixed 5ms)"));
        QCOMPARE(ws[3].count, 1024);
        QCOMPARE(ws[3].repeat, std::int64_t(1000000000));
        QCOMPARE(q(ws[3].retry.describe()), QString("retry(conflict; max 2147483647, backoff none)"));
        QCOMPARE(q(ws[4].retry.describe()), QString("retry(busy; max 1, backoff yield)"));
    }

    void blocksInAnyFileOrderRunInFixedOrder()
    {
        // The file order of blocks does not change the run order: the model keeps each part apart.
        auto r =
            parseWorkload("check:\n  SELECT 1;\nT1: SELECT 2;\nworkers w x1:\n  SELECT 3;\nT2: SELECT 4;\n"
                          "setup:\n  SELECT 5;\n",
                          "o.txs");
        QVERIFY(r.ok());
        QCOMPARE(r.workload().setup->line, 7);
        QCOMPARE(r.workload().steps.size(), std::size_t(2));
        QCOMPARE(q(r.workload().steps[1].statement.sql), QString("SELECT 4"));
        QCOMPARE(r.workload().check->line, 1);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("message");
        auto row = [](const char* name, const char* text, int line, const char* message) {
            QTest::newRow(name) << QString(text) << line << QString(message);
        };
        // blocks and lines
        row("unknown block", "seed: 1\n\nteardown:\n  SELECT 1;\n", 3,
            "unknown block 'teardown:' (blocks are setup:, check: and workers NAME xN ...:; a step is NAME: "
            "SQL;)");
        row("not a line", "setup:\n  SELECT 1;\nCOMMIT;\n", 3,
            "'COMMIT;' is not a header, block or step line (write setup:, check:, workers NAME xN ...: or "
            "NAME: SQL;)");
        row("indented outside block", "T1: BEGIN;\n  COMMIT;\n", 2, "indented line outside a block");
        row("indented first line", "  seed: 1\n", 1, "indented line outside a block");
        row("setup with sql on its line", "setup: CREATE TABLE t(x);\n", 1,
            "'setup:' takes its statements on the indented lines below it, not on its own line");
        row("duplicate setup", "setup:\n  SELECT 1;\n\nsetup:\n  SELECT 2;\n", 4,
            "duplicate 'setup:' block (the first is at line 1)");
        row("duplicate check", "check:\n  SELECT 1;\nCheck:\n  SELECT 2;\n", 3,
            "duplicate 'check:' block (the first is at line 1)");
        row("empty setup", "setup:\n\n# nothing\ncheck:\n  SELECT 1;\n", 1,
            "empty 'setup:' block (indent its statements on the lines below it)");
        row("empty check at eof", "check:\n", 1, "empty 'check:' block");
        row("empty workers", "workers w x2:\nT1: BEGIN;\n", 1, "empty workers block 'w'");
        row("invalid step name", "T-1: BEGIN;\n", 1,
            "invalid step name 'T-1' (a connection name is letters, digits and '_', not starting with a "
            "digit)");
        row("step name with digit first", "setup:\n  SELECT 1;\n1T: BEGIN;\n", 3, "invalid step name '1T'");
        row("step without sql", "setup:\n  SELECT 1;\nT1: -- a note\n", 3, "step 'T1' has no SQL");
        QTest::newRow("nul byte") << QString::fromStdString(
                                         std::string("setup:\n  SELECT 1;\n  SELECT '\0';\n", 33))
                                  << 3 << QString("NUL byte in the text (is this a text file?)");
        // header
        row("unknown header key", "jornal_mode: wal\nsetup:\n  SELECT 1;\n", 1,
            "'jornal_mode' is not a header key (journal_mode, busy_timeout, synchronous, seed, allow_attach, "
            "statement_timeout, isolation), and as a step line it lacks its ';'");
        row("header after block", "setup:\n  SELECT 1;\nseed: 3\n", 3,
            "header key 'seed' must come before the first block");
        row("header after step", "T1: BEGIN;\nbusy_timeout: 5\n", 2,
            "header key 'busy_timeout' must come before the first block");
        row("duplicate header", "seed: 1\nSEED: 2\n", 2, "duplicate header key 'seed' (first at line 1)");
        row("bad journal mode", "journal_mode: wall\n", 1,
            "bad value 'wall' for journal_mode (use mvcc, wal, delete, truncate or persist)");
        row("empty journal mode", "journal_mode:\n", 1, "bad value '' for journal_mode");
        row("negative busy timeout", "busy_timeout: -1\n", 1,
            "bad value '-1' for busy_timeout (milliseconds: a whole number from 0 to 2147483647)");
        row("busy timeout with unit", "busy_timeout: 10ms\n", 1, "bad value '10ms' for busy_timeout");
        row("busy timeout too big", "busy_timeout: 2147483648\n", 1,
            "bad value '2147483648' for busy_timeout");
        row("bad synchronous", "synchronous: extra\n", 1,
            "bad value 'extra' for synchronous (use off, normal or full)");
        row("bad seed", "seed: abc\n", 1,
            "bad value 'abc' for seed (a whole number from 0 to 18446744073709551615)");
        row("seed too big", "seed: 18446744073709551616\n", 1, "bad value '18446744073709551616' for seed");
        row("bad isolation", "isolation: repeatable read\n", 1,
            "bad value 'repeatable read' for isolation (use snapshot or serializable)");
        row("bad allow_attach", "allow_attach: maybe\n", 1,
            "bad value 'maybe' for allow_attach (use yes or no)");
        row("statement_timeout without unit", "statement_timeout: 500\n", 1,
            "bad value '500' for statement_timeout");
        row("zero statement_timeout", "statement_timeout: 0ms\n", 1, "bad value '0ms' for statement_timeout");
        // statements without their ';'
        row("step without semicolon at eof", "T1: BEGIN;\nT1: COMMIT\n", 2,
            "statement does not end with ';' before the end of the file");
        row("step without semicolon before next step", "T1: BEGIN;\nT1: SELECT 1\nT2: BEGIN;\n", 2,
            "statement does not end with ';' before line 3");
        row("multi-line step without semicolon", "T1: BEGIN;\nT1: SELECT\n      1\n\nT2: BEGIN;\n", 2,
            "statement does not end with ';' before line 5");
        row("first step without semicolon", "T1: BEGIN\nT2: BEGIN;\n", 1,
            "'T1' is not a header key (journal_mode, busy_timeout, synchronous, seed, allow_attach, "
            "statement_timeout, isolation), and as a step line it lacks its ';'");
        row("body statement without semicolon",
            "setup:\n  SELECT 1;\n  CREATE TABLE t(x)\ncheck:\n  SELECT 1;\n", 3,
            "statement does not end with ';' before line 4");
        row("trigger without end", "setup:\n  CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n    SELECT 1;\n", 2,
            "statement does not end with ';' before the end of the file (a CREATE TRIGGER statement ends "
            "with END;)");
        row("empty statement", "setup:\n  SELECT 1;\n  ;\n", 3, "empty statement: ';' with no SQL before it");
        row("double semicolon", "T1: BEGIN;;\n", 1, "empty statement: ';' with no SQL before it");
        row("unterminated string", "setup:\n  INSERT INTO t VALUES ('abc);\ncheck:\n  SELECT 1;\n", 2,
            "string literal (') is never closed");
        row("unterminated quoted name", "T1: SELECT \"abc;\n", 1, "quoted name (\") is never closed");
        row("unterminated bracket", "setup:\n  SELECT 1;\n  SELECT [abc;\n", 3,
            "quoted name ([) is never closed");
        row("unterminated block comment", "setup:\n  SELECT 1; /* start\n  SELECT 2;\n", 2,
            "comment '/*' is never closed with '*/'");
        // workers line
        row("workers x0", "workers w x0:\n  SELECT 1;\n", 1,
            "bad worker count 'x0': write xN with N from 1 to 1024, e.g. x16");
        row("workers xabc", "workers w xabc:\n  SELECT 1;\n", 1, "bad worker count 'xabc'");
        row("workers without x", "workers w 16:\n  SELECT 1;\n", 1, "bad worker count '16'");
        row("workers too many", "workers w x1025:\n  SELECT 1;\n", 1, "bad worker count 'x1025'");
        row("workers without count", "workers w:\n  SELECT 1;\n", 1, "missing worker count after the name");
        row("workers without name", "workers:\n  SELECT 1;\n", 1, "workers block without a name");
        row("invalid workers name", "workers 9w x2:\n  SELECT 1;\n", 1,
            "invalid workers name '9w' (letters, digits and '_', not starting with a digit)");
        row("duplicate workers name", "workers w x2:\n  SELECT 1;\nworkers w x3:\n  SELECT 1;\n", 3,
            "duplicate workers name 'w' (first at line 1)");
        row("repeat 0", "workers w x2 repeat 0:\n  SELECT 1;\n", 1,
            "bad repeat count '0': write repeat N with N from 1 to 1000000000");
        row("repeat abc", "workers w x2 repeat abc:\n  SELECT 1;\n", 1, "bad repeat count 'abc'");
        row("repeat missing", "workers w x2 repeat:\n  SELECT 1;\n", 1, "bad repeat count ''");
        row("repeat too big", "workers w x2 repeat 1000000001:\n  SELECT 1;\n", 1,
            "bad repeat count '1000000001'");
        row("workers without colon", "workers w x2\n  SELECT 1;\n", 1, "a workers line ends with ':'");
        row("workers junk", "workers w x2 forever:\n  SELECT 1;\n", 1,
            "unexpected 'forever:' in the workers line");
        row("workers sql after colon", "workers w x2: SELECT 1;\n", 1,
            "unexpected 'SELECT 1;' after ':' (the body goes on the indented lines below)");
        // retry clause
        row("retry without max", "workers w x2 retry(conflict):\n  SELECT 1;\n", 1,
            "bad retry clause: write retry(KINDS; max N), e.g. retry(conflict, busy; max 100)");
        row("retry without parens", "workers w x2 retry busy:\n  SELECT 1;\n", 1,
            "bad retry clause: write retry(KINDS; max N)");
        row("retry unclosed", "workers w x2 retry(busy; max 3:\n  SELECT 1;\n", 1,
            "bad retry clause: missing ')'");
        row("retry unknown kind", "workers w x2 retry(deadlock; max 3):\n  SELECT 1;\n", 1,
            "bad retry clause: unknown error kind 'deadlock' (use conflict, busy, busy_snapshot or any)");
        row("retry no kind", "workers w x2 retry(; max 3):\n  SELECT 1;\n", 1,
            "bad retry clause: missing error kind");
        row("retry kind twice", "workers w x2 retry(busy, busy; max 3):\n  SELECT 1;\n", 1,
            "bad retry clause: error kind 'busy' given twice");
        row("retry max 0", "workers w x2 retry(busy; max 0):\n  SELECT 1;\n", 1,
            "bad retry clause: max needs a whole number from 1 to 2147483647, got '0'");
        row("retry max word", "workers w x2 retry(busy; max lots):\n  SELECT 1;\n", 1, "got 'lots'");
        row("retry missing max", "workers w x2 retry(busy; backoff none):\n  SELECT 1;\n", 1,
            "bad retry clause: 'max N' is required");
        row("retry max twice", "workers w x2 retry(busy; max 1, max 2):\n  SELECT 1;\n", 1,
            "'max' given twice");
        row("retry unknown option", "workers w x2 retry(busy; max 3, jitter 2):\n  SELECT 1;\n", 1,
            "bad retry clause: unknown option 'jitter 2' (use max N and backoff SPEC)");
        row("retry empty option", "workers w x2 retry(busy; max 3,):\n  SELECT 1;\n", 1, "missing option");
        // backoff
        row("backoff missing kind", "workers w x2 retry(busy; max 3, backoff):\n  SELECT 1;\n", 1,
            "bad retry clause: backoff needs a kind: none, yield, fixed DURATION or exponential MIN..MAX");
        row("backoff unknown", "workers w x2 retry(busy; max 3, backoff linear 1ms):\n  SELECT 1;\n", 1,
            "bad retry clause: unknown backoff 'linear'");
        row("backoff none with arg", "workers w x2 retry(busy; max 3, backoff none 5ms):\n  SELECT 1;\n", 1,
            "bad retry clause: backoff none takes no argument");
        row("backoff fixed without unit", "workers w x2 retry(busy; max 3, backoff fixed 5):\n  SELECT 1;\n",
            1, "bad retry clause: backoff fixed: bad duration '5': missing unit (us, ms or s)");
        row("backoff fixed empty", "workers w x2 retry(busy; max 3, backoff fixed):\n  SELECT 1;\n", 1,
            "backoff fixed: bad duration ''");
        row("backoff exponential no range",
            "workers w x2 retry(busy; max 3, backoff exponential 1ms):\n  SELECT 1;\n", 1,
            "bad retry clause: backoff exponential needs a range MIN..MAX, e.g. 1ms..50ms");
        row("backoff exponential reversed",
            "workers w x2 retry(busy; max 3, backoff exponential 50ms..1ms):\n  SELECT 1;\n", 1,
            "bad retry clause: backoff exponential needs 0 < MIN <= MAX, got 50ms..1ms");
        row("backoff exponential zero",
            "workers w x2 retry(busy; max 3, backoff exponential 0ms..1ms):\n  SELECT 1;\n", 1,
            "backoff exponential needs 0 < MIN <= MAX");
        row("backoff exponential bad unit",
            "workers w x2 retry(busy; max 3, backoff exponential 1ms..5m):\n  SELECT 1;\n", 1,
            "bad duration '5m': unknown unit 'm' (use us, ms or s)");
        // expectations
        row("expectation empty", "setup:\n  SELECT 1;  -- expect:\n", 2,
            "bad expectation: empty expectation");
        row("expectation ok with junk", "setup:\n  SELECT 1;  -- expect: ok then\n", 2,
            "bad expectation: 'ok' takes nothing after it, got 'then'");
        row("expectation ragged rows", "setup:\n  SELECT 1;\n  SELECT 1;  -- expect: 1|2, 3\n", 3,
            "bad expectation: rows have different numbers of values in '1|2, 3'");
        row("expectation without colon", "T1: SELECT 1;  -- expect 1\n", 1,
            "write an expectation as '-- expect: X'");
        row("expectation on its own line", "setup:\n  SELECT 1;\n  -- expect: 1\n", 3,
            "'-- expect:' must follow the ';' of its statement on the same line");
        row("expectation before semicolon", "setup:\n  SELECT 1   -- expect: 1\n     ;\n", 2,
            "'-- expect:' must follow the ';' of its statement on the same line");
        row("expectation in trigger body",
            "setup:\n  CREATE TRIGGER a AFTER INSERT ON t BEGIN SELECT 1; -- expect: ok\n", 2,
            "'-- expect:' must follow the ';'");
        row("expectation on sleep", "setup:\n  sleep 5ms;  -- expect: ok\n", 2,
            "a sleep has no result to expect");
        // sleep
        row("sleep without unit", "T1: sleep 200;\n", 1,
            "sleep: bad duration '200': missing unit (us, ms or s)");
        row("sleep bad unit", "setup:\n  sleep 2h\n", 2,
            "sleep: bad duration '2h': unknown unit 'h' (use us, ms or s)");
        row("sleep negative", "setup:\n  sleep -5ms\n", 2,
            "sleep: bad duration '-5ms': write an integer and a unit, e.g. 200ms, 1s, 500us");
        row("sleep too long", "setup:\n  sleep 3601s\n", 2,
            "sleep: bad duration '3601s': longer than 1 hour");
        row("sleep huge", "setup:\n  sleep 99999999999999999999999us\n", 2, "longer than 1 hour");
        row("sleep without duration", "setup:\n  sleep;\n", 2,
            "sleep needs a duration, e.g. sleep 200ms, sleep 1s or sleep 500us");
        row("sleep then sql", "setup:\n  sleep 5ms COMMIT;\n", 2,
            "unexpected 'COMMIT;' after 'sleep 5ms' (end the sleep with ';' to write more on the line)");
        // variables
        row("worker variable in setup", "setup:\n  SELECT 1;\n  INSERT INTO t VALUES ($worker);\n", 3,
            "$worker is defined only inside a workers block");
        row("iter variable in step", "T1: SELECT\n   $iter;\n", 1,
            "$iter is defined only inside a workers block");
    }

    void errors()
    {
        QFETCH(QString, text);
        QFETCH(int, line);
        QFETCH(QString, message);
        auto r = parseWorkload(text.toStdString(), "bad.txs");
        QVERIFY2(!r.ok(), "parsed without error");
        QCOMPARE(q(r.error().file), QString("bad.txs"));
        QVERIFY2(q(r.error().message).contains(message), r.error().text().c_str());
        QCOMPARE(r.error().line, line);
        QCOMPARE(q(r.error().text()), QString("bad.txs:%1: %2").arg(line).arg(q(r.error().message)));
    }

    void fileErrorsNameTheFileAndCause()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string missing = dir.filePath("missing.txs").toStdString();
        auto r = parseWorkloadFile(missing);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().line, 0);
        QCOMPARE(q(r.error().text()), q(missing + ": cannot open the file: No such file or directory"));

        auto d = parseWorkloadFile(dir.path().toStdString());
        QVERIFY(!d.ok());
        QCOMPARE(q(d.error().text()), q(dir.path().toStdString() + ": cannot read the file: Is a directory"));

        const std::string good = dir.filePath("good.txs").toStdString();
        std::ofstream(good) << "T1: SELECT 1;  -- expect: 1\nT1: SELECT 'x\n";
        auto g = parseWorkloadFile(good);
        QVERIFY(!g.ok());
        QCOMPARE(q(g.error().text()), q(good + ":2: string literal (') is never closed"));
        std::ofstream(good) << "T1: SELECT 1;  -- expect: 1\n";
        auto ok = parseWorkloadFile(good);
        QVERIFY(ok.ok());
        QCOMPARE(q(ok.workload().fileName), q(good));
    }

    // Every file of the fuzzer's corpus: parsing never crashes and an error points into the file.
    void fuzzCorpus()
    {
        const QDir dir(QStringLiteral(TXSCOPE_SOURCE_DIR "/fuzz/corpus/workload"));
        const auto files = dir.entryInfoList(QDir::Files);
        QVERIFY2(files.size() >= 5, qPrintable(dir.path()));
        int parsed = 0, rejected = 0;
        for (const QFileInfo& info : files) {
            QFile f(info.filePath());
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            const auto lines = static_cast<int>(bytes.count('\n') + 1);
            auto r =
                parseWorkload(std::string_view(bytes.constData(), std::size_t(bytes.size())), "corpus.txs");
            if (r.ok()) {
                ++parsed;
                continue;
            }
            ++rejected;
            QVERIFY2(r.error().line >= 1 && r.error().line <= lines,
                     qPrintable(info.fileName() + ": " + q(r.error().text())));
            QVERIFY(!r.error().message.empty());
        }
        QVERIFY(parsed > 0 && rejected > 0);
    }
};

QTEST_GUILESS_MAIN(TestWorkloadParser)
#include "tst_workload_parser.moc"
