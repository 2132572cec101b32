// REAL values print as SQLite prints them ("%!.15g": 1.0e+20, not 1e+20), checked against the
// real sqlite3 shell and against the MVCC engine's results, which reach the user through Value.

#include "engine/api/RealFormat.h"
#include "engine/api/Result.h"
#include "engine/api/Value.h"
#include "support/TestDb.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <cmath>
#include <limits>

using namespace txs;

namespace {
// Each column a REAL the shell prints in its own way; the same text feeds every check.
const char* const kSelect = "select 1e20, 0.1, 1.0/3, -0.0, 1e-7, 2.0, 123456789012345678.0, -1.5e-300";
const char* const kShell = "1.0e+20|0.1|0.333333333333333|0.0|1.0e-07|2.0|1.23456789012346e+17|-1.5e-300";
} // namespace

class TestValueFormat : public QObject
{
    Q_OBJECT

private slots:
    // What a query read, for the trace: rows as in expectations, cut with the row count.
    void rowsPreview()
    {
        Result r;
        QCOMPARE(r.rowsPreview(), std::string()); // no result columns: not a query
        r.columns = {"id", "v"};
        QCOMPARE(r.rowsPreview(), std::string("no rows"));
        r.rows = {{Value(1), Value(11)}, {Value(2), Value("x")}};
        QCOMPARE(r.rowsPreview(), std::string("1|11, 2|x"));
        r.rows.clear();
        for (int i = 0; i < 40; ++i)
            r.rows.push_back({Value(i), Value("\xc3\xa9t\xc3\xa9")}); // "été"
        const std::string cut = r.rowsPreview(20);
        QVERIFY2(cut.ends_with("\u2026 (40 rows)"), cut.c_str());
        QVERIFY(cut.size() <= 20 + 16);
        // Cut on a character boundary: the text before the ellipsis is valid UTF-8.
        const std::string head = cut.substr(0, cut.find("\u2026"));
        QVERIFY(QString::fromUtf8(head.data(), qsizetype(head.size())).toUtf8() ==
                QByteArray(head.data(), qsizetype(head.size())));
    }

    void formatsLikeSqlite()
    {
        QCOMPARE(formatReal(1e20), std::string("1.0e+20"));
        QCOMPARE(formatReal(0.1), std::string("0.1"));
        QCOMPARE(formatReal(1.0 / 3), std::string("0.333333333333333"));
        QCOMPARE(formatReal(-0.0), std::string("0.0"));
        QCOMPARE(formatReal(1e-7), std::string("1.0e-07"));
        QCOMPARE(formatReal(2.0), std::string("2.0"));
        QCOMPARE(formatReal(std::numeric_limits<double>::infinity()), std::string("Inf"));
        QCOMPARE(formatReal(-std::numeric_limits<double>::infinity()), std::string("-Inf"));
        QCOMPARE(formatReal(std::nan("")), std::string("NULL"));
        QCOMPARE(Value(1e20).asText(), std::string("1.0e+20"));
        QCOMPARE(Value(1e20).display(), std::string("1.0e+20"));
    }

    // The expected line above is what the sqlite3 shell prints; keep it honest where the shell
    // is installed.
    void theShellAgrees()
    {
        const QString shell = QStandardPaths::findExecutable("sqlite3");
        if (shell.isEmpty()) QSKIP("no sqlite3 shell on PATH");
        QProcess p;
        p.start(shell, {":memory:", kSelect});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(QString::fromUtf8(p.readAllStandardOutput()).trimmed(), QString(kShell));
    }

    void mvccResultsPrintLikeTheShell()
    {
        auto db = test::openMvcc();
        auto c = db->connect("T1");
        QCOMPARE_ROWS(*c, kSelect, kShell);
        MUST(*c, "CREATE TABLE r (x REAL)");
        MUST(*c, "INSERT INTO r VALUES (1e20), (-0.0)");
        QCOMPARE_ROWS(*c, "SELECT x FROM r ORDER BY rowid", "1.0e+20, 0.0");
    }
};

QTEST_GUILESS_MAIN(TestValueFormat)
#include "tst_value_format.moc"
