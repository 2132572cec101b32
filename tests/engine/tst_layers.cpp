// The engine's layers only look down (DESIGN.md, docs/engine.md "Layers"): every
// `#include "engine/X/..."` in a source file of engine/Y must name a folder Y may use, and the
// engine never includes Qt. The rule is read from the sources themselves, so a forbidden include
// fails this test the moment it is written, not at a review.

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <map>
#include <set>

namespace {

// What each folder of engine/ may include besides itself. A new folder has no entry until its
// place among the layers is decided here; the test names it until then.
//   api      the ground: values, errors, the Connection and Database interfaces
//   trace    the event log and its projections
//   sqlutil  SQLite helpers shared by every layer that talks to SQLite (values, quoting,
//            statement handles, the lexer)
//   mvcc     the MVCC store, its durability file and schema reader; no SQL front end
//   sql      the SQL front end over the store
//   sqlite   real SQLite behind the API, traced through the VFS
//   backend  wires a store and its front end into a Database backend
//   explain  explanations of errors, from the log
//   workload the parser and the runner, on top of the Database API
//   record   the recorder of unmodified programs: their lock calls into the trace log, explained
//   analysis dependency graphs and anomalies from the log; the isolation matrix runs workloads
const std::map<QString, std::set<QString>>& allowed()
{
    static const std::map<QString, std::set<QString>> rules = {
        {"api", {}},
        {"trace", {"api"}},
        {"sqlutil", {"api"}},
        {"mvcc", {"api", "trace", "sqlutil"}},
        {"sql", {"api", "trace", "sqlutil", "mvcc"}},
        {"sqlite", {"api", "trace", "sqlutil"}},
        {"backend", {"api", "trace", "sqlutil", "mvcc", "sql", "sqlite"}},
        {"explain", {"api", "trace"}},
        {"workload", {"api", "trace", "sqlutil", "sqlite", "backend", "explain"}},
        {"record", {"api", "trace", "sqlutil", "explain"}},
        {"analysis", {"api", "trace", "workload"}},
    };
    return rules;
}

struct Violation
{
    QString file;
    int line;
    QString what;
};

// The violations in one file of engine/<folder>.
QList<Violation> check(const QString& path, const QString& relative, const QString& folder)
{
    static const QRegularExpression engineInclude(R"(^\s*#\s*include\s*"engine/([^/"]+)/)");
    static const QRegularExpression qtInclude(R"(^\s*#\s*include\s*<(Q[A-Za-z]*|qt[a-z]*)[/>.])");
    QList<Violation> out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {{relative, 0, "cannot be read"}};
    const auto rules = allowed().find(folder);
    int line = 0;
    while (!file.atEnd()) {
        const QString text = QString::fromUtf8(file.readLine());
        ++line;
        if (qtInclude.match(text).hasMatch())
            out.push_back({relative, line, "includes Qt: " + text.trimmed()});
        const auto m = engineInclude.match(text);
        if (!m.hasMatch()) continue;
        const QString target = m.captured(1);
        if (target == folder) continue;
        if (rules == allowed().end())
            out.push_back({relative, line, "engine/" + folder + " has no layer rule in tst_layers.cpp"});
        else if (!rules->second.count(target))
            out.push_back({relative, line, "engine/" + folder + " may not include engine/" + target});
    }
    return out;
}

QList<Violation> checkTree(const QString& engineDir)
{
    QList<Violation> out;
    QDirIterator it(engineDir, {"*.h", "*.cpp"}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = QDir(engineDir).relativeFilePath(path);
        const QString folder = relative.section('/', 0, 0);
        if (folder == relative) continue; // engine/CMakeLists.txt and the like
        out += check(path, "engine/" + relative, folder);
    }
    return out;
}

} // namespace

class TestLayers : public QObject
{
    Q_OBJECT

private slots:
    void engineIncludesOnlyLowerLayers()
    {
        const QString engineDir = QStringLiteral(TXSCOPE_SOURCE_DIR) + "/engine";
        QVERIFY(QDir(engineDir + "/mvcc").exists());
        const auto violations = checkTree(engineDir);
        for (const auto& v : violations)
            qWarning("%s:%d: %s", qPrintable(v.file), v.line, qPrintable(v.what));
        QCOMPARE(violations.size(), 0);
    }

    // The check itself can fail: a copy of a folder given a forbidden include is caught.
    void forbiddenIncludeIsCaught_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<QString>("line");
        QTest::addRow("mvcc reaches up into sql") << "mvcc"
                                                  << R"(#include "engine/sql/MvccConnection.h")";
        QTest::addRow("sqlite borrows from sql") << "sqlite"
                                                 << R"(#include "engine/sql/Upsert.h")";
        QTest::addRow("api reaches a backend") << "api"
                                               << R"(#include "engine/sqlite/SqliteBackend.h")";
        QTest::addRow("engine includes Qt") << "trace"
                                            << "#include <QString>";
        QTest::addRow("unknown folder") << "newpart"
                                        << R"(#include "engine/api/Value.h")";
    }
    void forbiddenIncludeIsCaught()
    {
        QFETCH(QString, folder);
        QFETCH(QString, line);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(QDir(dir.path()).mkpath(folder));
        QFile file(dir.path() + "/" + folder + "/Bad.cpp");
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(("// a file\n" + line + "\n").toUtf8());
        file.close();
        const auto violations = checkTree(dir.path());
        QCOMPARE(violations.size(), 1);
        QCOMPARE(violations[0].line, 2);
        QCOMPARE(violations[0].file, "engine/" + folder + "/Bad.cpp");
    }

    void allowedIncludePasses()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath("mvcc"));
        QFile file(dir.path() + "/mvcc/Good.cpp");
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("#include \"engine/sqlutil/SqliteValues.h\"\n#include \"engine/mvcc/MvccStore.h\"\n"
                   "#include <sqlite3.h>\n");
        file.close();
        QCOMPARE(checkTree(dir.path()).size(), 0);
    }
};

QTEST_APPLESS_MAIN(TestLayers)
#include "tst_layers.moc"
