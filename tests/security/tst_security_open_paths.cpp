// Every SQLite connection TxScope opens must be hardened (docs/security.md), and the way to
// be sure none is missed is that there is only one door: openHardened() in
// engine/api/Hardening.cpp. This test enumerates the product's sources (engine, app, widgets)
// and fails on any other call of sqlite3_open, sqlite3_open_v2 or sqlite3_open16, naming the
// file and line. It then checks, on a live connection of each kind that runs SQL from a
// workload or a file, that the hardening is in place.

#include "engine/api/Database.h"
#include "engine/api/Hardening.h"

#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace txs;

class SecurityOpenPaths : public QObject
{
    Q_OBJECT

private slots:
    void onlyOneDoor()
    {
        const QString root = QStringLiteral(TXSCOPE_SOURCE_DIR);
        const QRegularExpression open(QStringLiteral("\\bsqlite3_open(_v2|16)?\\s*\\("));
        QStringList offenders;
        int files = 0, doors = 0;
        for (const char* folder : {"engine", "app", "widgets"}) {
            QDirIterator it(root + "/" + folder, {"*.cpp", "*.h"}, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                const QString relative = path.mid(root.size() + 1);
                QFile f(path);
                QVERIFY(f.open(QIODevice::ReadOnly));
                ++files;
                int line = 0;
                while (!f.atEnd()) {
                    ++line;
                    const QString text = QString::fromUtf8(f.readLine());
                    if (!open.match(text).hasMatch()) continue;
                    if (relative == "engine/api/Hardening.cpp")
                        ++doors;
                    else
                        offenders << relative + ":" + QString::number(line) + ": " + text.trimmed();
                }
            }
        }
        QVERIFY(files > 50); // the walk found the sources
        QCOMPARE(doors, 1);
        QVERIFY2(offenders.isEmpty(),
                 qPrintable("open through openHardened() instead:\n" + offenders.join('\n')));
    }

    void openHardenedAppliesEverySetting()
    {
        sqlite3* db = nullptr;
        QCOMPARE(openHardened(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
                 SQLITE_OK);
        const std::pair<int, int> expected[] = {{SQLITE_DBCONFIG_DEFENSIVE, 1},
                                                {SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0},
                                                {SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0},
                                                {SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0}};
        for (auto [op, value] : expected) {
            int now = -1;
            QCOMPARE(sqlite3_db_config(db, op, -1, &now), SQLITE_OK); // -1: read only
            QCOMPARE(now, value);
        }
        char* message = nullptr;
        QCOMPARE(sqlite3_exec(db, "SELECT fts3_tokenizer('simple')", nullptr, nullptr, &message),
                 SQLITE_ERROR);
        sqlite3_free(message);
        QVERIFY(!lastRefusal().empty());
        refusalMessage(""); // consumes it
        QVERIFY(lastRefusal().empty());
        sqlite3_close(db);
    }

    // The connection kinds that run a workload's SQL: the SQLite backend's and the MVCC engine's
    // private handle (in memory and on a file, where the engine's own handle loads the schema).
    void everyWorkloadConnectionIsHardened_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<bool>("onFile");
        QTest::newRow("mvcc memory") << "mvcc" << false;
        QTest::newRow("mvcc file") << "mvcc" << true;
        QTest::newRow("wal") << "wal" << true;
        QTest::newRow("delete") << "delete" << true;
    }
    void everyWorkloadConnectionIsHardened()
    {
        QFETCH(QString, mode);
        QFETCH(bool, onFile);
        QTemporaryDir dir;
        const std::string path = onFile ? dir.filePath("x.db").toStdString() : ":memory:";
        Error error;
        auto db = Database::open(path, {*parseJournalMode(mode.toStdString()), nullptr}, &error);
        QVERIFY2(db, error.message.c_str());
        auto c = db->connect();
        const auto r = c->execute("SELECT load_extension('x')");
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error->message)
                     .contains("TxScope refuses the function load_extension()"),
                 r.error->message.c_str());
    }
};

QTEST_GUILESS_MAIN(SecurityOpenPaths)
#include "tst_security_open_paths.moc"
