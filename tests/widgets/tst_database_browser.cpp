// The Database dock's parts without the window: the workload-file gate, the schema tree, the
// lazily paged rows grid (checked row by row against a plain ORDER BY), the console's results,
// the copies' private folder, and the promise that browsing holds no lock between queries —
// checked the way a user's application would notice: another connection takes an EXCLUSIVE
// lock and writes, with no busy timeout, while the browser has rows on screen.

#include "engine/api/Database.h"
#include "engine/trace/TraceLog.h"
#include "widgets/database/AttachedDatabase.h"
#include "widgets/database/DatabaseInfo.h"
#include "widgets/database/ResultModel.h"
#include "widgets/database/SchemaModel.h"
#include "widgets/database/ShortRead.h"
#include "widgets/database/SqlConsole.h"
#include "widgets/database/TableRowsModel.h"
#include "widgets/database/WorkloadFile.h"

#include <QAbstractItemModelTester>
#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <sqlite3.h>
#include <string>
#include <sys/stat.h>

using namespace txs::database;

namespace {

// A plain connection of "another application": no busy timeout, so any lock TxScope held
// would show as SQLITE_BUSY at once.
class OtherApp
{
public:
    explicit OtherApp(const QString& path)
    {
        sqlite3_open_v2(path.toUtf8().constData(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    }
    ~OtherApp() { sqlite3_close_v2(db_); }
    int exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); }
    sqlite3* db() const { return db_; }

private:
    sqlite3* db_ = nullptr;
};

int modeBits(const QString& path)
{
    struct stat st
    {};
    return ::lstat(path.toLocal8Bit().constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

QByteArray sha256(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

// rows(id INTEGER PRIMARY KEY, grp, name) with duplicate and NULL groups, `n` rows.
void makeRowsTable(const QString& path, int n, const char* journalMode = "delete")
{
    OtherApp app(path);
    QCOMPARE(app.exec(QString("PRAGMA journal_mode=%1").arg(journalMode).toUtf8().constData()), SQLITE_OK);
    QCOMPARE(app.exec("CREATE TABLE rows(id INTEGER PRIMARY KEY, grp INT, name TEXT);"
                      "CREATE INDEX rows_grp ON rows(grp);"
                      "CREATE VIEW odd AS SELECT * FROM rows WHERE id % 2 = 1;"
                      "CREATE TRIGGER rows_touch AFTER UPDATE ON rows BEGIN SELECT 1; END;"),
             SQLITE_OK);
    const QString insert =
        QString("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %1) "
                "INSERT INTO rows SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE i % 5 END, "
                "'name ' || i FROM c")
            .arg(n);
    QCOMPARE(app.exec(insert.toUtf8().constData()), SQLITE_OK);
}

QVector<qlonglong> expectedIds(const QString& path, const QString& orderAndWhere)
{
    QVector<qlonglong> ids;
    for (const auto& row : shortRead(path, "SELECT id FROM rows " + orderAndWhere).rows)
        ids << row.value(0).toLongLong();
    return ids;
}

qlonglong idAt(const TableRowsModel& model, int row)
{
    return model.index(row, 0).data(TableRowsModel::ValueRole).toLongLong();
}

} // namespace

class TestDatabaseBrowser : public QObject
{
    Q_OBJECT

private slots:
    void init();

    void workloadGateRefusesADatabase();
    void workloadGateRefusesBinaryAndBadText();
    void workloadGateKeepsText();

    void schemaListsEveryKind();
    void rowsMatchAPlainQueryInAnyOrderOfAccess();
    void rowsSortAndFilter();
    void filterInBackgroundPagesByItsMatches();
    void resultModelIsAValidModel();

    void browsingHoldsNoLockBetweenQueries_data();
    void browsingHoldsNoLockBetweenQueries();
    void aLockHeldIsNoticed();
    void consoleHoldsOnlyItsOpenTransaction();
    void consoleOnTheRunsDatabaseIsTraced();
    void browsingAWalDatabaseChangesNoFile();
    void infoCountsPagesAndFreePages();

    void copyLivesInAPrivateFolder();
    void notADatabaseIsNotAttached();
    void newDatabaseIsCreatedEmpty();

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString path(const QString& name) const { return dir_->filePath(name); }
};

void TestDatabaseBrowser::init()
{
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
}

void TestDatabaseBrowser::workloadGateRefusesADatabase()
{
    const QString db = path("user.db");
    makeRowsTable(db, 10);
    const QByteArray before = sha256(db);
    const auto file = readWorkloadFile(db);
    QCOMPARE(file.problem, WorkloadFileProblem::SqliteDatabase);
    QVERIFY(file.text.isEmpty());
    QVERIFY(file.message.contains("Open Database"));
    QCOMPARE(sha256(db), before);
}

void TestDatabaseBrowser::workloadGateRefusesBinaryAndBadText()
{
    writeFile(path("nul.txs"), QByteArray("setup:\n  SELECT 1;\0\n", 20));
    QCOMPARE(readWorkloadFile(path("nul.txs")).problem, WorkloadFileProblem::Binary);
    writeFile(path("latin1.txs"), QByteArray("-- caf\xe9\nT1: SELECT 1;\n"));
    QCOMPARE(readWorkloadFile(path("latin1.txs")).problem, WorkloadFileProblem::NotUtf8);
    QCOMPARE(readWorkloadFile(path("missing.txs")).problem, WorkloadFileProblem::Unreadable);
    QCOMPARE(readWorkloadFile(dir_->path()).problem, WorkloadFileProblem::Unreadable);
}

// The editor gets '\n' line ends and no byte order mark; how the file wrote them is kept, and
// encodeWorkload writes the same bytes back. Mixed line ends could not be: refused.
void TestDatabaseBrowser::workloadGateKeepsText()
{
    const QString expected = QString::fromUtf8("# caf\xc3\xa9 \xe2\x9c\x93\nT1: SELECT 1;\n");
    const struct
    {
        const char* name;
        QByteArray bytes;
        TextForm form;
    } cases[] = {
        {"lf.txs", "# caf\xc3\xa9 \xe2\x9c\x93\nT1: SELECT 1;\n", {false, false}},
        {"crlf.txs", "# caf\xc3\xa9 \xe2\x9c\x93\r\nT1: SELECT 1;\r\n", {false, true}},
        {"bom.txs", "\xef\xbb\xbf# caf\xc3\xa9 \xe2\x9c\x93\nT1: SELECT 1;\n", {true, false}},
        {"both.txs", "\xef\xbb\xbf# caf\xc3\xa9 \xe2\x9c\x93\r\nT1: SELECT 1;\r\n", {true, true}},
    };
    for (const auto& c : cases) {
        writeFile(path(c.name), c.bytes);
        const auto file = readWorkloadFile(path(c.name));
        QVERIFY2(file.ok(), qPrintable(file.message));
        QCOMPARE(file.text, expected);
        QVERIFY2(file.form == c.form, c.name);
        QCOMPARE(encodeWorkload(file.text, file.form), c.bytes);
    }
    for (const QByteArray& mixed :
         {QByteArray("T1: SELECT 1;\r\nT2: SELECT 2;\n"), QByteArray("T1: SELECT 1;\r")}) {
        writeFile(path("mixed.txs"), mixed);
        const auto file = readWorkloadFile(path("mixed.txs"));
        QCOMPARE(file.problem, WorkloadFileProblem::MixedLineEnds);
        QVERIFY2(file.message.contains("save back unchanged"), qPrintable(file.message));
    }
}

void TestDatabaseBrowser::schemaListsEveryKind()
{
    const QString db = path("s.db");
    makeRowsTable(db, 3);
    SchemaModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.load(db));
    QCOMPARE(model.names(SchemaModel::Tables), QStringList{"rows"});
    QCOMPARE(model.names(SchemaModel::Views), QStringList{"odd"});
    QCOMPARE(model.names(SchemaModel::Indexes), QStringList{"rows_grp"});
    QCOMPARE(model.names(SchemaModel::Triggers), QStringList{"rows_touch"});
    const QModelIndex tables = model.index(SchemaModel::Tables, 0);
    QVERIFY(model.index(0, SchemaModel::SqlColumn, tables).data().toString().startsWith("CREATE TABLE rows"));
    QVERIFY(!model.load(path("missing.db")));
    QVERIFY(model.names(SchemaModel::Tables).isEmpty());
}

void TestDatabaseBrowser::rowsMatchAPlainQueryInAnyOrderOfAccess()
{
    const QString db = path("r.db");
    const int n = 10 * TableRowsModel::PageRows + 17; // a short last page
    makeRowsTable(db, n);
    TableRowsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.setSource(db, "rows"));
    QCOMPARE(model.rowCount(), n);
    QCOMPARE(model.columnCount(), 3);
    QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QString("name"));
    const auto expected = expectedIds(db, "ORDER BY rowid");
    // Forwards (keyset from the page before), backwards (keyset from the page after) and
    // random jumps (OFFSET from either end), each compared with the plain query.
    for (int row = 0; row < n; ++row)
        QCOMPARE(idAt(model, row), expected[row]);
    model.refresh();
    for (int row = n - 1; row >= 0; --row)
        QCOMPARE(idAt(model, row), expected[row]);
    model.refresh();
    QRandomGenerator random(42);
    for (int i = 0; i < 300; ++i) {
        const int row = int(random.bounded(n));
        QCOMPARE(idAt(model, row), expected[row]);
    }
    // The cache is bounded, and a page is one read.
    QVERIFY(model.reads() < 4 + 3 * (n / TableRowsModel::PageRows + 1) + 300);
    QCOMPARE(model.index(6, 1).data(TableRowsModel::NullRole).toBool(), true); // id 7: grp NULL
    QCOMPARE(model.index(6, 1).data().toString(), QString("NULL"));
}

void TestDatabaseBrowser::rowsSortAndFilter()
{
    const QString db = path("sf.db");
    const int n = 3 * TableRowsModel::PageRows + 5;
    makeRowsTable(db, n);
    TableRowsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.setSource(db, "rows"));
    model.sort(1, Qt::DescendingOrder);
    auto expected = expectedIds(db, "ORDER BY grp DESC, rowid DESC");
    for (int row : {0, 1, n / 2, n - 2, n - 1, 300, 5})
        QCOMPARE(idAt(model, row), expected[row]);
    model.sort(1, Qt::AscendingOrder);
    expected = expectedIds(db, "ORDER BY grp ASC, rowid ASC");
    for (int row = 0; row < n; ++row)
        QCOMPARE(idAt(model, row), expected[row]);

    model.sort(-1);
    model.setFilter("name 1", 2); // "name 1", "name 10".. in column name
    expected = expectedIds(db, "WHERE name LIKE '%name 1%' ORDER BY rowid");
    QCOMPARE(model.rowCount(), int(expected.size()));
    for (int row = expected.size() - 1; row >= 0; --row)
        QCOMPARE(idAt(model, row), expected[row]);
    model.setFilter("50_%"); // wildcards are matched literally
    QCOMPARE(model.rowCount(), 0);
    model.setFilter({});
    QCOMPARE(model.rowCount(), n);

    // A view has no rowid: it pages by OFFSET alone.
    QVERIFY(model.setSource(db, "odd"));
    // Its order is whatever SQLite's plan for `SELECT *` gives; the same plan pages it.
    expected.clear();
    for (const auto& row : shortRead(db, "SELECT * FROM odd").rows)
        expected << row.value(0).toLongLong();
    QCOMPARE(model.rowCount(), int(expected.size()));
    QCOMPARE(idAt(model, model.rowCount() - 1), expected.last());
    QVERIFY(!model.setSource(db, "no_such_table"));
    QVERIFY(!model.error().isEmpty());
    QCOMPARE(model.rowCount(), 0);
}

// The Database dock's filter: found on a worker thread (no rows while filtering), then paged by
// the rowids of its matches in any order of access; a filter superseded while running is dropped;
// with a sort, the same rows in the sorted order.
void TestDatabaseBrowser::filterInBackgroundPagesByItsMatches()
{
    const QString db = path("bg.db");
    const int n = 6 * TableRowsModel::PageRows + 3;
    makeRowsTable(db, n);
    TableRowsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy finished(&model, &TableRowsModel::filterFinished);
    QVERIFY(model.setSource(db, "rows"));
    model.setFilterInBackground("name 2"); // superseded before its result can arrive
    model.setFilterInBackground("1", 2);   // "name 1..": spans several pages
    QVERIFY(model.filtering());
    QCOMPARE(model.rowCount(), 0);
    QTRY_VERIFY(!model.filtering());
    QCOMPARE(finished.size(), 1); // the first filter's result was dropped
    const auto expected = expectedIds(db, "WHERE name LIKE '%1%' ORDER BY rowid");
    QVERIFY(expected.size() > 2 * TableRowsModel::PageRows);
    QCOMPARE(model.rowCount(), int(expected.size()));
    QCOMPARE(finished.first().at(0).toInt(), int(expected.size()));
    // Backwards, then random jumps: each page read by its matches' rowid range.
    for (int row = expected.size() - 1; row >= 0; row -= 7)
        QCOMPARE(idAt(model, row), expected[row]);
    QRandomGenerator random(12);
    for (int i = 0; i < 200; ++i) {
        const int row = int(random.bounded(quint32(expected.size())));
        QCOMPARE(idAt(model, row), expected[row]);
    }
    // The synchronous filter and the background one agree.
    TableRowsModel same;
    QVERIFY(same.setSource(db, "rows"));
    same.setFilter("1", 2);
    QCOMPARE(same.rowCount(), model.rowCount());
    QCOMPARE(idAt(same, same.rowCount() - 1), expected.last());
    // Sorted (grp has no index), the same matches in the sorted order: read again once, on the
    // worker thread, then each page by its rowids: one read a page, also at the end.
    model.sort(1, Qt::DescendingOrder);
    QVERIFY(model.filtering());
    QCOMPARE(model.rowCount(), 0);
    QTRY_VERIFY(!model.filtering());
    QCOMPARE(finished.size(), 2);
    const auto sorted = expectedIds(db, "WHERE name LIKE '%1%' ORDER BY grp DESC, rowid DESC");
    QCOMPARE(model.rowCount(), int(sorted.size()));
    for (int row : {int(sorted.size()) - 1, 0, 1, int(sorted.size()) / 2}) {
        const int reads = model.reads();
        QCOMPARE(idAt(model, row), sorted[row]);
        QVERIFY(model.reads() - reads <= 1);
    }
    for (int i = 0; i < 100; ++i) {
        const int row = int(random.bounded(quint32(sorted.size())));
        QCOMPARE(idAt(model, row), sorted[row]);
    }
    // The synchronous filter sorts the same way, at once.
    same.sort(1, Qt::DescendingOrder);
    QVERIFY(!same.filtering());
    QCOMPARE(idAt(same, same.rowCount() - 1), sorted.last());
    // The filter cleared while sorted: all rows, in the sorted order, read once on the worker
    // thread (grp has no index: a page at an OFFSET would scan and sort the table each time).
    model.setFilterInBackground({});
    QVERIFY(model.filtering());
    QTRY_VERIFY(!model.filtering());
    QCOMPARE(finished.size(), 3);
    const auto all = expectedIds(db, "ORDER BY grp DESC, rowid DESC");
    QCOMPARE(model.rowCount(), n);
    for (int row : {n - 1, 0, n / 2, n - TableRowsModel::PageRows - 1}) {
        const int reads = model.reads();
        QCOMPARE(idAt(model, row), all[row]);
        QVERIFY(model.reads() - reads <= 1);
    }
    // Sorted again with reads in the background (as the Database dock sets): the worker again.
    model.sort(1, Qt::AscendingOrder);
    QVERIFY(model.filtering());
    QTRY_VERIFY(!model.filtering());
    const auto ascending = expectedIds(db, "ORDER BY grp ASC, rowid ASC");
    QCOMPARE(idAt(model, n - 1), ascending.last());
    QCOMPARE(idAt(model, 0), ascending.first());
    // No filter, no sort: every row at once, no worker.
    model.sort(-1);
    model.setFilterInBackground({});
    QVERIFY(!model.filtering());
    QCOMPARE(model.rowCount(), n);
    // A source changed while filtering drops the filter's result: the rows shown are the new
    // source's, filtered by the filter asked for on it.
    model.setFilterInBackground("name");
    QVERIFY(model.setSource(db, "odd"));
    QVERIFY(!model.filtering());
    model.setFilterInBackground("name 1", 2);
    QTRY_VERIFY(!model.filtering());
    QCOMPARE(finished.size(), 6); // "1", its sort, "" while sorted, the new sort, "" unsorted, "name 1"
    QVector<qlonglong> odd;
    for (const auto& row : shortRead(db, "SELECT id FROM odd WHERE name LIKE '%name 1%'").rows)
        odd << row.value(0).toLongLong();
    QCOMPARE(model.rowCount(), int(odd.size()));
    QCOMPARE(idAt(model, 0), odd.first());
}

void TestDatabaseBrowser::resultModelIsAValidModel()
{
    ResultModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setResult({"a", "b"}, {{1, QVariant()}, {QByteArray("\x01\x02", 2), "x\ny"}});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, 1).data().toString(), QString("NULL"));
    QVERIFY(model.index(1, 0).data().toString().startsWith("x'0102'"));
    QVERIFY(!model.index(1, 1).data().toString().contains('\n'));
    model.clear();
    QCOMPARE(model.columnCount(), 0);
}

void TestDatabaseBrowser::browsingHoldsNoLockBetweenQueries_data()
{
    QTest::addColumn<QString>("journalMode");
    QTest::newRow("rollback journal") << "delete";
    QTest::newRow("wal") << "wal";
}

void TestDatabaseBrowser::browsingHoldsNoLockBetweenQueries()
{
    QFETCH(QString, journalMode);
    const QString db = path("busy.db");
    makeRowsTable(db, 5 * TableRowsModel::PageRows, journalMode.toUtf8().constData());
    SchemaModel schema;
    QVERIFY(schema.load(db));
    QVERIFY(readDatabaseInfo(db).ok());
    TableRowsModel rows;
    QVERIFY(rows.setSource(db, "rows"));
    QCOMPARE(idAt(rows, 0), 1);
    QCOMPARE(idAt(rows, rows.rowCount() - 1), qlonglong(rows.rowCount()));
    // The grid shows rows; the user's application writes with an exclusive lock, at once.
    OtherApp app(db);
    QCOMPARE(app.exec("BEGIN EXCLUSIVE"), SQLITE_OK);
    QCOMPARE(app.exec("INSERT INTO rows(grp, name) VALUES (1, 'from the app')"), SQLITE_OK);
    QCOMPARE(app.exec("COMMIT"), SQLITE_OK);
    // Even what needs every other connection gone works: leaving WAL needs an exclusive lock
    // on the file, which any idle connection kept open on a WAL database would prevent.
    QCOMPARE(app.exec("PRAGMA journal_mode=delete"), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(app.db(), "PRAGMA journal_mode", -1, &stmt, nullptr);
    QCOMPARE(sqlite3_step(stmt), SQLITE_ROW);
    QCOMPARE(QString(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))), QString("delete"));
    sqlite3_finalize(stmt);
    rows.refresh();
    QCOMPARE(rows.rowCount(), 5 * TableRowsModel::PageRows + 1);
}

// The check above can fail: a browser that kept its statement open (as QSqlQueryModel does
// while it fetches lazily) makes the same exclusive lock fail with SQLITE_BUSY.
void TestDatabaseBrowser::aLockHeldIsNoticed()
{
    const QString db = path("held.db");
    makeRowsTable(db, 1000);
    sqlite3* browser = nullptr;
    QCOMPARE(sqlite3_open_v2(db.toUtf8().constData(), &browser, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(browser, "SELECT * FROM rows", -1, &stmt, nullptr);
    QCOMPARE(sqlite3_step(stmt), SQLITE_ROW); // a page fetched, the statement left open
    OtherApp app(db);
    QCOMPARE(app.exec("BEGIN EXCLUSIVE"), SQLITE_BUSY);
    sqlite3_finalize(stmt);
    sqlite3_close_v2(browser);
    QCOMPARE(app.exec("BEGIN EXCLUSIVE"), SQLITE_OK);
    QCOMPARE(app.exec("ROLLBACK"), SQLITE_OK);
}

void TestDatabaseBrowser::consoleHoldsOnlyItsOpenTransaction()
{
    const QString db = path("console.db");
    makeRowsTable(db, 10);
    SqlConsole console;
    QSignalSpy changed(&console, &SqlConsole::transactionChanged);
    console.setFile(db, false);
    auto out = console.execute("SELECT count(*) FROM rows; -- a comment");
    QVERIFY2(out.ok(), qPrintable(out.error));
    QCOMPARE(out.rows.value(0).value(0).toLongLong(), 10);
    QVERIFY(!out.traced);
    OtherApp app(db);
    QCOMPARE(app.exec("BEGIN EXCLUSIVE; ROLLBACK;"), SQLITE_OK); // idle console: nothing held
    out = console.execute("BEGIN IMMEDIATE; INSERT INTO rows(grp) VALUES (9);");
    QVERIFY2(out.ok(), qPrintable(out.error));
    QVERIFY(console.inTransaction());
    QCOMPARE(changed.count(), 1);
    QCOMPARE(app.exec("BEGIN EXCLUSIVE"), SQLITE_BUSY); // the console's transaction holds RESERVED
    out = console.execute("ROLLBACK");
    QVERIFY(!console.inTransaction());
    QCOMPARE(app.exec("BEGIN EXCLUSIVE; ROLLBACK;"), SQLITE_OK);
    out = console.execute("SELEKT 1");
    QVERIFY(!out.ok());

    // Read-only: the console cannot write the file.
    console.setFile(db, true);
    out = console.execute("INSERT INTO rows(grp) VALUES (1)");
    QVERIFY(!out.ok());
    QVERIFY(out.error.contains("readonly", Qt::CaseInsensitive) || out.error.contains("read-only"));
    // Hardened: no ATTACH of another file.
    out = console.execute(QString("ATTACH '%1' AS other").arg(path("elsewhere.db")));
    QVERIFY(!out.ok());
    QVERIFY(!QFile::exists(path("elsewhere.db")));
}

void TestDatabaseBrowser::consoleOnTheRunsDatabaseIsTraced()
{
    const QString db = path("traced.db");
    makeRowsTable(db, 10, "wal");
    auto trace = std::make_shared<txs::TraceLog>();
    txs::Error error;
    auto database = txs::Database::open(db.toStdString(), {txs::JournalMode::Wal, trace}, &error);
    QVERIFY2(database, error.describe().c_str());
    SqlConsole console;
    console.setFile(db, false);
    console.setTracedDatabase(database.get());
    const auto out = console.execute("INSERT INTO rows(grp, name) VALUES (1, 'console')");
    QVERIFY2(out.ok(), qPrintable(out.error));
    QVERIFY(out.traced);
    std::uint32_t consoleId = 0;
    bool locked = false;
    for (const auto& e : trace->snapshot()) {
        if (e.kind == txs::EventKind::ConnectionOpen && e.text == "console") consoleId = e.connection;
        if (consoleId && e.connection == consoleId && e.kind == txs::EventKind::LockAcquire) locked = true;
    }
    QVERIFY(consoleId != 0);
    QVERIFY(locked); // its locks are on the timeline like any connection's
    console.close();
}

void TestDatabaseBrowser::browsingAWalDatabaseChangesNoFile()
{
    const QString db = path("wal.db");
    makeRowsTable(db, 2000, "wal");
    // Leave frames in the WAL: a connection that checkpointed on close would move them into
    // the database file and change it.
    {
        OtherApp app(db);
        QCOMPARE(app.exec("PRAGMA wal_autocheckpoint=0"), SQLITE_OK);
        sqlite3_db_config(app.db(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        QCOMPARE(app.exec("UPDATE rows SET name = 'changed' WHERE id < 500"), SQLITE_OK);
    }
    QVERIFY(QFileInfo(db + "-wal").size() > 0);
    const QByteArray dbBefore = sha256(db), walBefore = sha256(db + "-wal");
    SchemaModel schema;
    QVERIFY(schema.load(db));
    TableRowsModel rows;
    QVERIFY(rows.setSource(db, "rows"));
    QCOMPARE(rows.index(0, 2).data().toString(), QString("changed"));
    QCOMPARE(idAt(rows, rows.rowCount() - 1), 2000);
    const auto info = readDatabaseInfo(db);
    QCOMPARE(info.journalMode, QString("wal"));
    QVERIFY(info.walBytes > 0);
    QCOMPARE(sha256(db), dbBefore);
    QCOMPARE(sha256(db + "-wal"), walBefore);
}

// The Database dock's facts are the file's own: its page size and count and its free pages, as
// SQLite's PRAGMAs report them to another connection (a DELETE leaves pages on the freelist).
void TestDatabaseBrowser::infoCountsPagesAndFreePages()
{
    const QString db = path("free.db");
    makeRowsTable(db, 3000);
    OtherApp app(db);
    QCOMPARE(app.exec("DELETE FROM rows WHERE id > 100"), SQLITE_OK);
    const auto pragma = [&](const char* name) {
        sqlite3_stmt* st = nullptr;
        qint64 value = -1;
        if (sqlite3_prepare_v2(app.db(), (std::string("PRAGMA ") + name).c_str(), -1, &st, nullptr) ==
                SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            value = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return value;
    };
    const qint64 freePages = pragma("freelist_count");
    QVERIFY2(freePages > 0, "the DELETE left no free page: nothing to show");
    const auto info = readDatabaseInfo(db);
    QVERIFY2(info.ok(), qPrintable(info.error));
    QCOMPARE(info.journalMode, QString("delete"));
    QCOMPARE(info.pageSize, pragma("page_size"));
    QCOMPARE(info.pageCount, pragma("page_count"));
    QCOMPARE(info.freelistCount, freePages);
    QCOMPARE(info.walBytes, qint64(-1));
    QVERIFY(!info.mvcc);
}

void TestDatabaseBrowser::copyLivesInAPrivateFolder()
{
    const QString db = path("source.db");
    makeRowsTable(db, 100);
    QVERIFY(QFile::setPermissions(db, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup));
    const QByteArray before = sha256(db);
    QString folder, copy;
    {
        QString error;
        auto attached = AttachedDatabase::attach(db, AttachMode::Copy, &error);
        QVERIFY2(attached, qPrintable(error));
        folder = attached->privateFolder();
        copy = attached->workingPath();
        QVERIFY(copy.startsWith(folder));
        QCOMPARE(attached->runPath(), copy);
        QCOMPARE(modeBits(folder), 0700);
        QCOMPARE(modeBits(copy), 0640); // the source's permissions
        QCOMPARE(attached->info().journalMode, QString("delete"));
        OtherApp app(copy);
        QCOMPARE(app.exec("DELETE FROM rows"), SQLITE_OK); // the copy changes, never the source
    }
    QVERIFY(!QFileInfo::exists(folder)); // removed when detached
    QCOMPARE(sha256(db), before);
    QString error;
    auto readOnly = AttachedDatabase::attach(db, AttachMode::ReadOnly, &error);
    QVERIFY(readOnly);
    QVERIFY(readOnly->runPath().isEmpty());
    QCOMPARE(readOnly->workingPath(), QFileInfo(db).absoluteFilePath());
}

void TestDatabaseBrowser::notADatabaseIsNotAttached()
{
    writeFile(path("notes.txt"), QByteArray(4096, 'x'));
    QString error;
    for (auto mode : {AttachMode::Copy, AttachMode::InPlace, AttachMode::ReadOnly}) {
        error.clear();
        QVERIFY(!AttachedDatabase::attach(path("notes.txt"), mode, &error));
        QVERIFY(error.contains("notes.txt"));
    }
    QVERIFY(!AttachedDatabase::attach(path("missing.db"), AttachMode::InPlace, &error));
    QVERIFY(!QFile::exists(path("missing.db"))); // not created by trying
}

void TestDatabaseBrowser::newDatabaseIsCreatedEmpty()
{
    QString error;
    auto created = AttachedDatabase::create(path("fresh.db"), &error);
    QVERIFY2(created, qPrintable(error));
    QCOMPARE(created->mode(), AttachMode::InPlace);
    QCOMPARE(created->info().journalMode, QString("delete"));
    SchemaModel schema;
    QVERIFY(schema.load(created->workingPath()));
    QVERIFY(schema.names(SchemaModel::Tables).isEmpty());
    QVERIFY(!AttachedDatabase::create(path("fresh.db"), &error)); // never over an existing file
}

QTEST_MAIN(TestDatabaseBrowser)
#include "tst_database_browser.moc"
