// Files, driven like a user: Save As (Ctrl+Shift+S, pressed) adds .txs and asks before it
// replaces a file; Save writes a file back as it was written (byte order mark, CRLF); a replay
// never saves over the workload shown before it and asks before dropping unsaved changes; the
// Help menu's actions open their pages. Modal dialogs are answered as a user would
// (support/Dialogs.h); offscreen, no sleeps.

#include "app/gui/HelpPages.h"
#include "app/gui/MainWindow.h"
#include "engine/trace/SessionFile.h"
#include "tests/gui/support/Dialogs.h"
#include "tests/gui/support/WindowTest.h"
#include "widgets/editor/ScriptEditor.h"
#include "widgets/models/SessionLog.h"

#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QFileDialog>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>
#include <memory>

namespace {

using txs::test::findAction;

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes), bytes.size());
}

QByteArray contents(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The window's shortcuts need it active, which a closed modal dialog may have left otherwise.
bool activate(QWidget* window)
{
    window->activateWindow();
    return QTest::qWaitForWindowActive(window);
}

} // namespace

class TestFiles : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { txs::test::isolateSettings("tst_files"); }
    void init()
    {
        window_ = txs::test::showMainWindow({}, true);
        QVERIFY(window_);
    }
    void cleanup() { window_.reset(); }

    // Save As with Ctrl+Shift+S, pressed: the dialog adds .txs to a name typed without it and,
    // when that file exists, asks before replacing it; No leaves the file as it was.
    void titleShowsUnsavedChangesAndSaveAsAddsTxs()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("start.txs");
        writeFile(path, "setup:\n  CREATE TABLE t (x);\n");
        QVERIFY(window_->openWorkload(path));
        QVERIFY(window_->windowTitle().startsWith("start.txs[*]"));
        QVERIFY(!window_->isWindowModified());
        window_->editor().setFocus();
        window_->editor().moveCursor(QTextCursor::End);
        QTest::keyClicks(&window_->editor(), "# a change");
        QVERIFY(window_->isWindowModified());
        QAction* saveAs = findAction(window_.get(), "Save Workload As…");
        QVERIFY(saveAs);
        QVERIFY(saveAs->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)));

        const QString mine = dir.filePath("mine.txs");
        auto answers = std::make_shared<txs::test::SaveAsAnswers>();
        auto done = std::make_shared<bool>(false);
        txs::test::saveAsSoon(dir.filePath("mine"), answers, done);
        QTest::keyClick(window_.get(), Qt::Key_S, Qt::ControlModifier | Qt::ShiftModifier);
        *done = true;
        QCOMPARE(answers->fileDialogs, 1);
        QVERIFY2(answers->questions.isEmpty() && answers->refusals.isEmpty(),
                 qPrintable((answers->questions + answers->refusals).join('\n')));
        QVERIFY(QFile::exists(mine));
        QVERIFY(!QFile::exists(dir.filePath("mine")));
        QVERIFY(window_->windowTitle().startsWith("mine.txs[*]"));
        QVERIFY(!window_->isWindowModified());
        const QByteArray saved = contents(mine);
        QVERIFY(saved.endsWith("# a change"));

        // Again, over mine.txs by typing "mine": asked; No keeps the file and the changes unsaved.
        QTest::keyClicks(&window_->editor(), " and another");
        QVERIFY(window_->isWindowModified());
        answers = std::make_shared<txs::test::SaveAsAnswers>();
        answers->replace = false;
        done = std::make_shared<bool>(false);
        txs::test::saveAsSoon(dir.filePath("mine"), answers, done);
        QVERIFY(activate(window_.get()));
        QTest::keyClick(window_.get(), Qt::Key_S, Qt::ControlModifier | Qt::ShiftModifier);
        *done = true;
        QCOMPARE(answers->fileDialogs, 1);
        QCOMPARE(answers->questions.size(), 1);
        QVERIFY2(answers->questions.first().contains("mine.txs"), qPrintable(answers->questions.first()));
        QCOMPARE(contents(mine), saved);
        QVERIFY(window_->isWindowModified());
    }

    // Save writes the file back as it was written: a UTF-8 byte order mark and CRLF line ends are
    // kept, unedited (the same bytes) and edited (every line end CRLF).
    void saveKeepsTheFilesByteOrderMarkAndLineEnds()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("windows.txs");
        const QByteArray original = "\xef\xbb\xbfsetup:\r\n  CREATE TABLE t (x);\r\n";
        writeFile(path, original);
        QVERIFY(window_->openWorkload(path));
        QCOMPARE(window_->editor().toPlainText(), QString("setup:\n  CREATE TABLE t (x);\n"));
        QTest::keySequence(window_.get(), QKeySequence::Save);
        QCOMPARE(contents(path), original);
        window_->editor().moveCursor(QTextCursor::End);
        QTest::keyClicks(&window_->editor(), "# more");
        QTest::keyClick(&window_->editor(), Qt::Key_Return);
        QTest::keySequence(window_.get(), QKeySequence::Save);
        QVERIFY(!window_->isWindowModified());
        QCOMPARE(contents(path), original + "# more\r\n");
    }

    // After a replay the editor holds the session's script, no file's: Save asks for a name
    // instead of writing over the workload opened before. And Replay asks before it drops
    // unsaved changes.
    void aReplayNeverWritesOverTheWorkload()
    {
        QTemporaryDir dir;
        window_->loadScenario("lost-update");
        QVERIFY(txs::test::runToTheEnd(*window_));
        const QString session = dir.filePath("run.txsession");
        QVERIFY(!txs::writeSession({"lost-update.txs", window_->editor().toPlainText().toStdString(), "mvcc",
                                    window_->session().log()->snapshot()},
                                   session.toStdString()));
        const QString workload = dir.filePath("w.txs");
        writeFile(workload, "setup:\n  CREATE TABLE t (x);\n");
        QVERIFY(window_->openWorkload(workload));
        window_->editor().moveCursor(QTextCursor::End);
        QTest::keyClicks(&window_->editor(), "# unsaved");

        QStringList asked;
        int fileDialogs = 0;
        auto answer = [&](QWidget* w) {
            if (auto* box = qobject_cast<QMessageBox*>(w)) {
                asked << box->text();
                if (QAbstractButton* cancel = box->button(QMessageBox::Cancel))
                    cancel->click();
                else
                    box->reject();
                return true;
            }
            if (auto* files = qobject_cast<QFileDialog*>(w)) {
                ++fileDialogs;
                files->reject();
                return true;
            }
            return false;
        };
        auto done = std::make_shared<bool>(false);
        txs::test::whenShown(answer, done);
        QAction* replay = findAction(window_.get(), "Replay Recorded Session…");
        QVERIFY(replay);
        replay->trigger();
        *done = true;
        QCOMPARE(asked.size(), 1); // "Save the changes to the workload first?", cancelled
        QCOMPARE(fileDialogs, 0);
        QVERIFY(window_->editor().toPlainText().endsWith("# unsaved"));
        QVERIFY(!window_->isReplaying());

        QVERIFY(activate(window_.get()));
        QTest::keySequence(window_.get(), QKeySequence::Save); // the file it came from
        const QByteArray saved = contents(workload);
        QVERIFY(saved.endsWith("# unsaved"));
        QString error;
        QVERIFY2(window_->openSession(session, &error), qPrintable(error));
        QVERIFY(!window_->windowTitle().startsWith("w.txs"));
        done = std::make_shared<bool>(false);
        txs::test::whenShown(answer, done);
        QVERIFY(activate(window_.get()));
        QTest::keySequence(window_.get(), QKeySequence::Save);
        *done = true;
        QCOMPARE(fileDialogs, 1); // asked for a name, cancelled
        QCOMPARE(contents(workload), saved);
    }

    // Help's two actions, triggered as from the menu: each opens its page in a window of its
    // own; a scenario clicked in the list opens in the editor.
    void helpMenuOpensTheReferenceAndTheScenarios()
    {
        QVERIFY(HelpPages::workloadFormatMarkdown().contains("journal_mode"));
        QVERIFY(!window_->editor().document()->isModified()); // a fresh window has nothing to save
        QAction* format = findAction(window_.get(), "Workload Format Reference");
        QVERIFY(format);
        QCOMPARE(format->shortcut(), QKeySequence(QKeySequence::HelpContents));
        format->trigger();
        auto* reference = window_->findChild<QDialog*>("workloadFormatHelp");
        QVERIFY(reference);
        QVERIFY(reference->isVisible());
        QVERIFY(reference->findChild<QTextBrowser*>()->toPlainText().contains("workers"));
        QAction* scenarios = findAction(window_.get(), "Built-in Scenarios");
        QVERIFY(scenarios);
        scenarios->trigger();
        auto* list = window_->findChild<QDialog*>("scenarioListHelp");
        QVERIFY(list);
        QVERIFY(list->isVisible());
        QTextBrowser* browser = list->findChild<QTextBrowser*>();
        QVERIFY(browser->toHtml().contains("scenario:write-skew"));
        QStringList asked; // nothing to save: no question (a box would be cancelled and kept here)
        auto done = std::make_shared<bool>(false);
        txs::test::whenShown(
            [&](QWidget* w) {
                auto* box = qobject_cast<QMessageBox*>(w);
                if (!box) return false;
                asked << box->text();
                box->reject();
                return true;
            },
            done);
        emit browser->anchorClicked(QUrl("scenario:write-skew"));
        *done = true;
        QVERIFY2(asked.isEmpty(), qPrintable(asked.join('\n')));
        auto* picker = window_->findChild<QComboBox*>("scenarioPicker");
        QCOMPARE(picker->currentData().toString(), QString("write-skew"));
        QVERIFY(window_->windowTitle().startsWith("write-skew.txs"));
    }

private:
    std::unique_ptr<MainWindow> window_;
};

QTEST_MAIN(TestFiles)
#include "tst_files.moc"
