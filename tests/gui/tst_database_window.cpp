// The workbench never harms a user's database: Open Workload refuses a database (so Ctrl+S can
// never write editor text over it); a database opened as a copy or read-only keeps its sha256
// through runs and browsing; in place, only what the workload writes changes (journal mode and
// page size included); a database that cannot be opened is not kept attached. Offscreen, no
// sleeps: waits are QTRY_* on the run's state.

#include "app/gui/DatabaseActions.h"
#include "app/gui/MainWindow.h"
#include "engine/trace/JournalSetting.h"
#include "engine/trace/SessionProjection.h"
#include "tests/gui/support/Dialogs.h"
#include "tests/gui/support/WindowTest.h"
#include "widgets/database/DatabaseDock.h"
#include "widgets/database/ResultModel.h"
#include "widgets/database/SchemaModel.h"
#include "widgets/database/ShortRead.h"
#include "widgets/database/SqlConsole.h"
#include "widgets/database/TableRowsModel.h"
#include "widgets/editor/ScriptEditor.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/models/SessionLog.h"
#include "widgets/models/StatementLogModel.h"
#include "widgets/run/RunController.h"
#include "widgets/timeline/TimelineModel.h"
#include "widgets/timeline/TimelineWidget.h"
#include "widgets/views/HintedTableView.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCryptographicHash>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <memory>
#include <sqlite3.h>

using txs::database::AttachMode;

namespace {

constexpr int kRunTimeoutMs = 60'000;

QByteArray sha256(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
}

int exec(const QString& path, const char* sql)
{
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    sqlite3_close_v2(db);
    return rc;
}

// A user's database: accounts and an unrelated table, rollback journal, page size 1024.
void makeUserDatabase(const QString& path)
{
    QCOMPARE(exec(path, "PRAGMA page_size=1024; PRAGMA journal_mode=delete;"
                        "CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INT);"
                        "INSERT INTO accounts VALUES (1, 100), (2, 200);"
                        "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);"
                        "INSERT INTO notes VALUES (1, 'keep me'), (2, 'me too');"),
             SQLITE_OK);
}

QString rowsText(const QString& path, const QString& sql)
{
    QStringList out;
    for (const auto& row : txs::database::shortRead(path, sql).rows) {
        QStringList values;
        for (const auto& v : row)
            values << (v.isValid() ? v.toString() : "NULL");
        out << values.join('|');
    }
    return out.join(", ");
}

// Closes every message box the window opens, so a refusal never waits for a click; until the
// test function ends (init() starts a new generation).
int dialogGeneration = 0;

void closeDialogsSoon(int generation = dialogGeneration)
{
    QTimer::singleShot(0, [generation] {
        if (generation != dialogGeneration) return;
        for (QWidget* w : QApplication::topLevelWidgets())
            if (auto* box = qobject_cast<QMessageBox*>(w); box && box->isVisible()) box->reject();
        closeDialogsSoon(generation);
    });
}

} // namespace

class TestDatabaseWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void openingADatabaseAsAWorkloadIsRefused();
    void theRefusalOpensItAsADatabase();
    void openDatabaseDefaultsToACopy();
    void theMvccEngineTakesAnOpenedDatabase();
    void savingOverADatabaseIsRefused();
    void copyIsUnchangedAfterRunsAndBrowsing();
    void readOnlyIsUnchangedAfterRunsAndBrowsing();
    void inPlaceOnlyWhatTheWorkloadWritesChanges();
    void aWorkloadThatChangesTheJournalModeIsLogged();
    void aWorkloadThatChangesThePageSizeIsReported();
    void theIndicatorSaysWhatIsAttached();
    void aDatabaseTheRunCannotOpenIsDetached();
    void theFactsAreTheFilesOwn();
    void theConsoleGetsALaneOnTheTimeline();
    void screenshotsOfTheDock();

private:
    void runWorkload(const QString& text);
    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<MainWindow> window_;
};

void TestDatabaseWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("TxScopeTests");
    QCoreApplication::setApplicationName("tst_database_window");
}

void TestDatabaseWindow::init()
{
    ++dialogGeneration;
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    window_ = std::make_unique<MainWindow>();
    window_->resize(1400, 900);
    window_->show();
}

void TestDatabaseWindow::cleanup()
{
    window_.reset();
    dir_.reset();
}

void TestDatabaseWindow::runWorkload(const QString& text)
{
    const QString script = dir_->filePath("w.txs");
    QFile f(script);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text.toUtf8());
    f.close();
    QVERIFY(window_->openWorkload(script));
    QCOMPARE(window_->controller().state(), RunController::State::Ready);
    window_->controller().run();
    QTRY_COMPARE_WITH_TIMEOUT(window_->controller().state(), RunController::State::Finished, kRunTimeoutMs);
}

void TestDatabaseWindow::openingADatabaseAsAWorkloadIsRefused()
{
    const QString db = dir_->filePath("user.db");
    makeUserDatabase(db);
    const QByteArray before = sha256(db);
    window_->loadScenario("seed-concurrent-writes");
    const QString scenarioText = window_->editor().toPlainText();
    closeDialogsSoon();
    QVERIFY(!window_->openWorkload(db));
    // The editor still holds the scenario: Ctrl+S cannot write anything over the database.
    QCOMPARE(window_->editor().toPlainText(), scenarioText);
    QVERIFY(!window_->windowTitle().contains("user.db"));
    QTest::keySequence(window_.get(), QKeySequence::Save);
    QCOMPARE(sha256(db), before);
    QString error, text;
    QVERIFY(!window_->databaseActions().readWorkload(db, &text, &error, true));
    QVERIFY(error.contains("SQLite database"));
}

// The refusal's "Open as Database…" opens File › Open Database's question for that file; Enter
// there takes the default, a copy.
void TestDatabaseWindow::theRefusalOpensItAsADatabase()
{
    const QString db = dir_->filePath("user.db");
    makeUserDatabase(db);
    const QByteArray before = sha256(db);
    QStringList refused, asked;
    auto done = std::make_shared<bool>(false);
    txs::test::whenShown(
        [&](QWidget* w) {
            auto* box = qobject_cast<QMessageBox*>(w);
            if (!box) return false;
            for (QAbstractButton* b : box->buttons())
                if (b->text() == "Open as Database…") {
                    refused << box->text();
                    b->click();
                    return true;
                }
            asked << box->text();
            QTest::keyClick(box, Qt::Key_Return);
            return true;
        },
        done);
    QVERIFY(!window_->openWorkload(db));
    *done = true;
    QCOMPARE(refused.size(), 1);
    QVERIFY2(refused.first().contains("SQLite database"), qPrintable(refused.first()));
    QCOMPARE(asked.size(), 1);
    QVERIFY2(asked.first().contains("How should TxScope use user.db?"), qPrintable(asked.first()));
    const auto* attached = window_->databaseActions().attached();
    QVERIFY(attached);
    QCOMPARE(attached->mode(), AttachMode::Copy);
    QCOMPARE(QFileInfo(attached->source()).canonicalFilePath(), QFileInfo(db).canonicalFilePath());
    QCOMPARE(sha256(db), before);
}

// File › Open Database…: the file chosen, the question names it; Enter takes the default, a copy
// (in place and read-only are explicit choices).
void TestDatabaseWindow::openDatabaseDefaultsToACopy()
{
    const QString db = dir_->filePath("user.db");
    makeUserDatabase(db);
    const QByteArray before = sha256(db);
    QAction* open = txs::test::findAction(window_.get(), "Open Database…");
    QVERIFY(open);
    QStringList asked;
    QString defaultButton;
    auto done = std::make_shared<bool>(false);
    txs::test::whenShown(
        [&](QWidget* w) {
            if (auto* files = qobject_cast<QFileDialog*>(w)) {
                if (files->property("answered").toBool()) return false;
                files->setProperty("answered", true);
                files->selectFile(db);
                static_cast<QDialog*>(files)->accept();
                return true;
            }
            auto* box = qobject_cast<QMessageBox*>(w);
            if (!box) return false;
            asked << box->text();
            defaultButton = box->defaultButton() ? box->defaultButton()->text() : QString();
            QTest::keyClick(box, Qt::Key_Return);
            return true;
        },
        done);
    open->trigger();
    *done = true;
    QCOMPARE(asked.size(), 1);
    QVERIFY2(asked.first().contains("user.db"), qPrintable(asked.first()));
    QCOMPARE(defaultButton, QString("Work on a copy"));
    const auto* attached = window_->databaseActions().attached();
    QVERIFY(attached);
    QCOMPARE(attached->mode(), AttachMode::Copy);
    QVERIFY(attached->workingPath() != attached->source());
    QVERIFY(window_->databaseActions().indicatorText().startsWith("user.db · copy"));
    QCOMPARE(sha256(db), before);
}

// Issue 15's last path: File › Open Database (a copy, the default) and the Engine box set to MVCC.
// The run takes the file's own tables, its index, view and trigger (whose INSERT gets its
// DEFAULT), two BEGIN CONCURRENT writers commit, and the copy the run leaves is a plain SQLite
// file holding them (the run ends with a checkpoint): the stock library, and so the Database
// dock, reads the new rows, integrity_check is ok and the schema is unchanged but for the
// engine's record. The user's file keeps every byte.
void TestDatabaseWindow::theMvccEngineTakesAnOpenedDatabase()
{
    const QString db = dir_->filePath("user.db");
    makeUserDatabase(db);
    QCOMPARE(
        exec(db, "CREATE INDEX notes_body ON notes(body);"
                 "CREATE VIEW rich AS SELECT id FROM accounts WHERE balance > 150;"
                 "CREATE TABLE moves(n INTEGER PRIMARY KEY, account INT, what TEXT NOT NULL DEFAULT 'moved');"
                 "CREATE TRIGGER moved AFTER UPDATE ON accounts BEGIN "
                 "INSERT INTO moves(account) VALUES (NEW.id); END;"),
        SQLITE_OK);
    const QByteArray before = sha256(db);
    const char* schema = "SELECT type, name, sql FROM sqlite_schema WHERE tbl_name <> '__txscope_mvcc_meta' "
                         "ORDER BY name";
    const QString schemaBefore = rowsText(db, schema);
    auto& actions = window_->databaseActions();
    QString error;
    QVERIFY2(actions.attach(db, AttachMode::Copy, &error), qPrintable(error));
    const QString copy = actions.attached()->workingPath();

    const QString script = dir_->filePath("mvcc.txs");
    {
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("T1: BEGIN CONCURRENT;\n"
                "T1: UPDATE accounts SET balance = balance + 100 WHERE id = 1;\n"
                "T2: BEGIN CONCURRENT;\n"
                "T2: UPDATE accounts SET balance = balance - 50 WHERE id = 2;\n"
                "T1: COMMIT;\n"
                "T2: COMMIT;\n"

                "check:\n"
                "  SELECT * FROM rich;                          -- expect: 1\n"
                "  SELECT account, what FROM moves ORDER BY n;  -- expect: 1|moved, 2|moved\n"
                "  SELECT id FROM notes WHERE body = 'me too';  -- expect: 2\n");
    }
    QVERIFY(window_->openWorkload(script));
    window_->setJournalMode(txs::JournalMode::Mvcc);
    QCOMPARE(window_->controller().journalMode(), txs::JournalMode::Mvcc);
    window_->controller().run();
    QTRY_COMPARE_WITH_TIMEOUT(window_->controller().state(), RunController::State::Finished, kRunTimeoutMs);
    const auto* summary = window_->controller().summary();
    QVERIFY(summary);
    QVERIFY2(summary->ok(),
             qPrintable(QString::number(summary->expectationsFailed) + " expectations failed"));
    QCOMPARE(summary->expectationsPassed, 3);
    QCOMPARE(summary->journalMode, txs::JournalMode::Mvcc);

    // The copy, read by the stock library once the run has ended, and by the dock's browser.
    actions.dock()->browseTable("accounts");
    QCOMPARE(actions.dock()->rows().rowCount(), 2);
    QCOMPARE(actions.dock()->rows().index(0, 1).data().toString(), QString("200"));
    QCOMPARE(rowsText(copy, "SELECT * FROM accounts ORDER BY id"), QString("1|200, 2|150"));
    QCOMPARE(rowsText(copy, "SELECT account, what FROM moves ORDER BY n"), QString("1|moved, 2|moved"));
    QCOMPARE(rowsText(copy, "PRAGMA integrity_check"), QString("ok"));
    QCOMPARE(rowsText(copy, schema).split(", "), schemaBefore.split(", "));
    QCOMPARE(sha256(db), before);
    actions.detach();
    QCOMPARE(sha256(db), before);
}

// The other way to the corruption path: Save As (Ctrl+Shift+S) onto a database, the user
// confirming the replacement. The script is not written over a database or a binary file, nor
// over the attached database's files; a workload file is replaced as usual.
void TestDatabaseWindow::savingOverADatabaseIsRefused()
{
    const QString loose = dir_->filePath("user.db");
    makeUserDatabase(loose);
    const QString attached = dir_->filePath("attached.db");
    makeUserDatabase(attached);
    QCOMPARE(exec(attached, "PRAGMA journal_mode=wal; INSERT INTO notes VALUES (3, 'after wal');"),
             SQLITE_OK);
    QString error;
    QVERIFY2(window_->databaseActions().attach(attached, AttachMode::InPlace, &error), qPrintable(error));
    const QString binary = dir_->filePath("picture.png");
    {
        QFile f(binary);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    }
    QAction* saveAs = nullptr;
    for (QAction* a : window_->findChildren<QAction*>())
        if (a->text() == "Save Workload &As…") saveAs = a;
    QVERIFY(saveAs);
    window_->loadScenario("seed-concurrent-writes");
    window_->editor().appendPlainText("# edited");
    QVERIFY(window_->isWindowModified());
    for (const QString& target : {loose, attached, binary}) {
        const QByteArray before = sha256(target);
        auto answers = std::make_shared<txs::test::SaveAsAnswers>();
        auto done = std::make_shared<bool>(false);
        txs::test::saveAsSoon(target, answers, done);
        saveAs->trigger();
        *done = true;
        QCOMPARE(sha256(target), before);
        QCOMPARE(answers->refusals.size(), 1);
        QVERIFY2(answers->refusals.first().contains("not saved"), qPrintable(answers->refusals.first()));
        QVERIFY(window_->isWindowModified()); // still unsaved: the title keeps its "*"
    }
    // A file that is text is replaced as usual.
    const QString script = dir_->filePath("mine.txs");
    {
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("T1: SELECT 1;\n");
    }
    auto answers = std::make_shared<txs::test::SaveAsAnswers>();
    auto done = std::make_shared<bool>(false);
    txs::test::saveAsSoon(script, answers, done);
    saveAs->trigger();
    *done = true;
    QVERIFY2(answers->refusals.isEmpty(), qPrintable(answers->refusals.join('\n')));
    QCOMPARE(answers->questions.size(), 1); // "mine.txs already exists", answered Yes
    QVERIFY(!window_->isWindowModified());
    QFile saved(script);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QVERIFY(saved.readAll().contains("# edited"));
    // The attached database still answers: nothing of it was read and closed under SQLite.
    QCOMPARE(rowsText(attached, "SELECT body FROM notes WHERE id = 3"), QString("after wal"));
}

void TestDatabaseWindow::copyIsUnchangedAfterRunsAndBrowsing()
{
    const QString db = dir_->filePath("user.db");
    makeUserDatabase(db);
    const QByteArray before = sha256(db);
    auto& actions = window_->databaseActions();
    QString error;
    QVERIFY2(actions.attach(db, AttachMode::Copy, &error), qPrintable(error));
    const QString copy = actions.attached()->workingPath();
    const QString folder = actions.attached()->privateFolder();
    QVERIFY(copy != db);
    runWorkload("setup:\n  INSERT INTO accounts VALUES (3, 300);\ncheck:\n  SELECT count(*) FROM accounts; "
                "-- expect: 3\n");
    QVERIFY(window_->controller().summary()->ok());
    auto* dock = actions.dock();
    dock->browseTable("accounts");
    QCOMPARE(dock->rows().rowCount(), 3); // the browser shows the copy the run changed
    dock->setConsoleText("UPDATE notes SET body = 'changed'; SELECT * FROM notes;");
    dock->runConsole();
    QCOMPARE(rowsText(copy, "SELECT body FROM notes ORDER BY id"),
             QString("changed|changed").replace('|', ", "));
    QCOMPARE(sha256(db), before);
    actions.detach();
    QVERIFY(!QFileInfo::exists(folder));
    QCOMPARE(sha256(db), before);
}

void TestDatabaseWindow::readOnlyIsUnchangedAfterRunsAndBrowsing()
{
    const QString db = dir_->filePath("user.db");
    makeUserDatabase(db);
    const QByteArray before = sha256(db);
    auto& actions = window_->databaseActions();
    QVERIFY(actions.attach(db, AttachMode::ReadOnly));
    // Runs use a fresh database: the workload's own table, not the user's.
    runWorkload(
        "journal_mode: delete\nsetup:\n  CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INT);\n"
        "  INSERT INTO accounts VALUES (9, 9);\n");
    auto* dock = actions.dock();
    dock->browseTable("accounts");
    QCOMPARE(dock->rows().rowCount(), 2);
    dock->rows().index(1, 1).data();
    dock->setConsoleText("DELETE FROM notes");
    dock->runConsole();
    QVERIFY(dock->consoleMessage().contains("Error"));
    QCOMPARE(rowsText(db, "SELECT count(*) FROM notes"), QString("2"));
    QCOMPARE(sha256(db), before);
}

void TestDatabaseWindow::inPlaceOnlyWhatTheWorkloadWritesChanges()
{
    const QString db = dir_->filePath("user.db");
    makeUserDatabase(db);
    auto& actions = window_->databaseActions();
    QVERIFY(actions.attach(db, AttachMode::InPlace));
    QCOMPARE(window_->controller().journalMode(), txs::JournalMode::Delete); // what the file uses
    // The script asks for WAL in its header; the Engine box was set to the file's mode, so
    // the run keeps the file's rollback journal.
    runWorkload("journal_mode: wal\nsetup:\n  UPDATE accounts SET balance = balance + 1 WHERE id = 2;\n");
    actions.detach();
    QCOMPARE(rowsText(db, "SELECT * FROM accounts ORDER BY id"), QString("1|100, 2|201"));
    QCOMPARE(rowsText(db, "SELECT * FROM notes ORDER BY id"), QString("1|keep me, 2|me too"));
    QCOMPARE(rowsText(db, "SELECT name FROM sqlite_schema ORDER BY name"), QString("accounts, notes"));
    QCOMPARE(rowsText(db, "PRAGMA journal_mode"), QString("delete"));
    QCOMPARE(rowsText(db, "PRAGMA page_size"), QString("1024"));
    QVERIFY(!QFileInfo::exists(db + "-wal"));
    // Nothing in the log says the journal mode changed: it did not.
    for (const auto& s : window_->session().projection().statements.all())
        QCOMPARE(s.journalTo, std::uint8_t{0});
}

// "Nothing changes the file's journal mode ... unless the workload does it, and the log says so
// when it does": a workload's PRAGMA journal_mode = wal on a database opened in place switches
// the file (the run does what the workload says), and the statement log's row for it says so,
// from the typed journal-mode Note (the statement's record), not from the pragma's text.
void TestDatabaseWindow::aWorkloadThatChangesTheJournalModeIsLogged()
{
    const QString db = dir_->filePath("user.db");
    makeUserDatabase(db);
    auto& actions = window_->databaseActions();
    QVERIFY(actions.attach(db, AttachMode::InPlace));
    QCOMPARE(window_->controller().journalMode(), txs::JournalMode::Delete);
    runWorkload("setup:\n  PRAGMA journal_mode = wal;\n  UPDATE accounts SET balance = 7 WHERE id = 1;\n");

    // The typed record: one statement changed the mode, from the file's delete to wal.
    const auto& statements = window_->session().projection().statements.all();
    const auto changed =
        std::find_if(statements.begin(), statements.end(), [](const auto& s) { return s.journalTo != 0; });
    QVERIFY(changed != statements.end());
    QCOMPARE(static_cast<txs::JournalSetting>(changed->journalFrom), txs::JournalSetting::Delete);
    QCOMPARE(static_cast<txs::JournalSetting>(changed->journalTo), txs::JournalSetting::Wal);
    QVERIFY(changed->journalFileChanged);
    QCOMPARE(
        std::count_if(statements.begin(), statements.end(), [](const auto& s) { return s.journalTo != 0; }),
        1);

    // The statement log (what the user reads) has the row, saying so.
    auto* log = window_->findChild<QTableView*>("statementLogView");
    QVERIFY(log);
    QAbstractItemModel* model = log->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    const quint64 seq = changed->seq;
    auto rowsSaying = [model, seq] {
        QStringList said;
        for (int row = 0; row < model->rowCount(); ++row)
            if (model->index(row, 0).data(txs::models::SeqRole).toULongLong() == seq)
                said << model->index(row, txs::models::StatementLogModel::ResultColumn).data().toString();
        return said;
    };
    const QString expected = txs::models::StatementLogModel::journalChangeText(*changed);
    QTRY_COMPARE(rowsSaying(), QStringList{expected});
    QVERIFY2(expected.startsWith(QString("journal mode changed: delete → wal")), qPrintable(expected));
    QVERIFY(expected.contains("stays in WAL"));

    actions.detach();
    QCOMPARE(rowsText(db, "PRAGMA journal_mode"), QString("wal")); // the workload did it
    QCOMPARE(rowsText(db, "SELECT * FROM accounts ORDER BY id"), QString("1|7, 2|200"));
}

// A page-size change (PRAGMA page_size, then VACUUM: SQLite applies it there) made by a
// workload on a database opened in place: the file has the new size, and the window says so
// once the run is over, as it does for a journal-mode change (the engine traces no event for
// it, so the statement log cannot).
void TestDatabaseWindow::aWorkloadThatChangesThePageSizeIsReported()
{
    const QString db = dir_->filePath("user.db");
    makeUserDatabase(db);
    auto& actions = window_->databaseActions();
    QVERIFY(actions.attach(db, AttachMode::InPlace));
    runWorkload("setup:\n  PRAGMA page_size = 4096;\n  VACUUM;\n");
    QVERIFY(window_->controller().summary()->ok());
    QTRY_VERIFY2(window_->statusBar()->currentMessage().contains("page size 1024 → 4096"),
                 qPrintable(window_->statusBar()->currentMessage()));
    QVERIFY(!window_->statusBar()->currentMessage().contains("journal mode"));
    actions.detach();
    QCOMPARE(rowsText(db, "PRAGMA page_size"), QString("4096"));
    QCOMPARE(rowsText(db, "SELECT * FROM notes ORDER BY id"), QString("1|keep me, 2|me too"));
}

void TestDatabaseWindow::theIndicatorSaysWhatIsAttached()
{
    auto& actions = window_->databaseActions();
    QVERIFY(actions.indicatorText().startsWith("No database attached"));
    const QString db = dir_->filePath("walled.db");
    QCOMPARE(exec(db, "PRAGMA journal_mode=wal; CREATE TABLE t(x);"), SQLITE_OK);
    QVERIFY(actions.attach(db, AttachMode::Copy));
    QCOMPARE(actions.indicatorText(), QString("walled.db · copy · wal · TxScope holds: nothing"));
    QVERIFY(actions.dock()->headerText().contains("a copy"));
    actions.dock()->setConsoleText("BEGIN IMMEDIATE; INSERT INTO t VALUES (1);");
    actions.dock()->runConsole();
    QVERIFY(actions.indicatorText().contains("console's open transaction"));
    actions.dock()->setConsoleText("ROLLBACK");
    actions.dock()->runConsole();
    QVERIFY(actions.indicatorText().endsWith("TxScope holds: nothing"));
    // Picking another engine is a switch the indicator warns about before it happens.
    window_->loadScenario("seed-concurrent-writes");
    window_->setJournalMode(txs::JournalMode::Delete);
    QVERIFY(actions.indicatorText().contains("the next run switches it to delete"));
    actions.detach();
    QVERIFY(actions.indicatorText().startsWith("No database attached"));
    QVERIFY(!actions.attach(dir_->filePath("missing.db"), AttachMode::InPlace));
    QVERIFY(!actions.attached());
}

// The dock's facts line shows the attached file's journal mode, page count and size, and free
// pages, as SQLite reports them (a DELETE of many rows leaves pages on the freelist).
void TestDatabaseWindow::theFactsAreTheFilesOwn()
{
    const QString db = dir_->filePath("facts.db");
    makeUserDatabase(db);
    QCOMPARE(exec(db, "WITH RECURSIVE c(i) AS (SELECT 3 UNION ALL SELECT i + 1 FROM c WHERE i < 3000) "
                      "INSERT INTO notes SELECT i, printf('%0200d', i) FROM c;"
                      "DELETE FROM notes WHERE id > 2;"),
             SQLITE_OK);
    const auto pragma = [&](const QString& name) { return rowsText(db, "PRAGMA " + name).toLongLong(); };
    const qint64 pages = pragma("page_count"), freePages = pragma("freelist_count");
    QVERIFY2(freePages > 0, "the DELETE left no free page: nothing to show");
    auto& actions = window_->databaseActions();
    QVERIFY(actions.attach(db, AttachMode::Copy));
    auto* facts = actions.dock()->findChild<QLabel*>("databaseFacts");
    QVERIFY(facts);
    const QLocale locale;
    const QString expected =
        QString("journal delete · %1 pages × %2 B").arg(locale.toString(pages), locale.toString(1024));
    QVERIFY2(facts->text().startsWith(expected), qPrintable(facts->text() + " / " + expected));
    QVERIFY2(facts->text().contains(QString(" · %1 free · ").arg(locale.toString(freePages))),
             qPrintable(facts->text()));
    actions.detach();
}

// A console statement on the run's database is traced like a workload's: after the run, the
// console's connection gets its own lane on the timeline, with its lock.
void TestDatabaseWindow::theConsoleGetsALaneOnTheTimeline()
{
    const QString db = dir_->filePath("console.db");
    makeUserDatabase(db);
    auto& actions = window_->databaseActions();
    QVERIFY(actions.attach(db, AttachMode::Copy));
    runWorkload("setup:\n  SELECT count(*) FROM accounts;\n");
    const auto consoleLane = [&]() -> const txs::timeline::Lane* {
        for (const auto& lane : window_->timeline().model().lanes())
            if (lane.name == "console") return &lane;
        return nullptr;
    };
    QVERIFY(!consoleLane());
    actions.dock()->setConsoleText("INSERT INTO notes VALUES (9, 'from the console')");
    actions.dock()->runConsole();
    QTRY_VERIFY_WITH_TIMEOUT(consoleLane() != nullptr, kRunTimeoutMs);
    QVERIFY(consoleLane()->connection != 0);
    QVERIFY(!consoleLane()->track(txs::timeline::Track::Statement).empty());
    // The INSERT wrote the (rollback-journal) file: its lock is on the lane's database-lock row.
    QVERIFY(!consoleLane()->track(txs::timeline::Track::LockDb).empty());
    actions.detach();
}

void TestDatabaseWindow::aDatabaseTheRunCannotOpenIsDetached()
{
    const QString db = dir_->filePath("locked.db");
    makeUserDatabase(db);
    auto& actions = window_->databaseActions();
    QVERIFY(actions.attach(db, AttachMode::InPlace));
    // Another application holds it exclusively: the run cannot even read the schema.
    sqlite3* other = nullptr;
    sqlite3_open_v2(db.toUtf8().constData(), &other, SQLITE_OPEN_READWRITE, nullptr);
    QCOMPARE(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
    closeDialogsSoon();
    const QString script = dir_->filePath("w.txs");
    QFile f(script);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("setup:\n  SELECT 1;\n");
    f.close();
    QVERIFY(window_->openWorkload(script));
    window_->controller().run();
    QTRY_VERIFY_WITH_TIMEOUT(!actions.attached(), kRunTimeoutMs);
    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close_v2(other);
}

// Saves the dock's three tabs as PNGs (test-artifacts/) for a person to look at, and checks that
// each shows what it is for: the tree lists the tables, the grid has rows, the console a result.
void TestDatabaseWindow::screenshotsOfTheDock()
{
    const QString db = dir_->filePath("shop.db");
    QCOMPARE(exec(db, "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT, city TEXT);"
                      "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 5000) "
                      "INSERT INTO customers SELECT i, 'customer ' || i, CASE i % 4 WHEN 0 THEN NULL "
                      "WHEN 1 THEN 'Lyon' WHEN 2 THEN 'Oslo' ELSE 'Porto' END FROM c;"
                      "CREATE INDEX customers_city ON customers(city);"
                      "CREATE VIEW lyon AS SELECT * FROM customers WHERE city = 'Lyon';"),
             SQLITE_OK);
    auto& actions = window_->databaseActions();
    QVERIFY(actions.attach(db, AttachMode::Copy));
    auto* dock = actions.dock();
    auto* dockWidget = window_->findChild<QDockWidget*>("databaseDock");
    QVERIFY(dockWidget);
    dockWidget->setFloating(true);
    dockWidget->resize(700, 600);
    dockWidget->show();
    const QString out = QStringLiteral(TXSCOPE_BINARY_DIR "/test-artifacts");
    QDir().mkpath(out);
    dock->showTab(0);
    QCOMPARE(dock->schema().names(txs::database::SchemaModel::Tables), QStringList{"customers"});
    QVERIFY(dockWidget->grab().save(out + "/database-structure.png"));
    dock->showTab(1);
    dock->browseTable("customers");
    QCOMPARE(dock->rows().rowCount(), 5000);
    QVERIFY(!dock->rowsView().showsHint());
    QVERIFY(dockWidget->grab().save(out + "/database-browse.png"));
    dock->showTab(2);
    dock->setConsoleText("SELECT city, count(*) AS customers FROM customers GROUP BY city ORDER BY 2 DESC;");
    dock->runConsole();
    QCOMPARE(dock->results().rowCount(), 4);
    QVERIFY(dockWidget->grab().save(out + "/database-sql.png"));
}

QTEST_MAIN(TestDatabaseWindow)
#include "tst_database_window.moc"
