// The window remembers its size and its docks across a restart, as a user arranged them: closing
// saves them (MainWindow::closeEvent), the next window restores them, fitted to the screen it
// opens on; View › Reset Layout forgets them, so the window after it starts from the default
// arrangement again. Offscreen, settings kept apart from the user's (WindowTest.h).

#include "app/gui/MainWindow.h"
#include "tests/gui/support/WindowTest.h"
#include "widgets/editor/ScriptEditor.h"

#include <QDockWidget>
#include <QScreen>
#include <QtTest>
#include <memory>

class TestLayoutMemory : public QObject
{
    Q_OBJECT

private slots:
    void init() { txs::test::isolateSettings("tst_layout_memory"); }

    // A fresh window has nothing to save: no '*' in its title, and closing it asks nothing (the
    // editor's setup once counted as an edit, and every close of a new window asked to save).
    void aFreshWindowHasNothingToSave()
    {
        auto window = txs::test::showMainWindow();
        QVERIFY(window);
        QVERIFY(!window->editor().document()->isModified());
        QVERIFY(!window->isWindowModified());
    }

    void aRestartKeepsTheSizeAndTheDocks()
    {
        const QRect screen = QGuiApplication::primaryScreen()->availableGeometry();
        QSize arranged;
        {
            auto first = txs::test::showMainWindow();
            QVERIFY(first);
            // Between the window's least size and the screen, and not the size it opened at, so
            // that neither the default nor the fitting could explain it.
            const QSize least = first->minimumSizeHint().expandedTo(first->minimumSize());
            arranged = QSize((least.width() + screen.width()) / 2, (least.height() + screen.height()) / 2);
            if (arranged == first->size()) arranged -= QSize(8, 0);
            QVERIFY2(arranged.width() >= least.width() && arranged.width() <= screen.width(),
                     "no room between the least size and the screen to arrange the window in");
            first->resize(arranged);
            QTRY_COMPARE(first->size(), arranged);
            first->dock("locksDock")->setFloating(true);
            first->dock("logDock")->hide();
            QVERIFY(first->close());
        }
        auto second = txs::test::showMainWindow();
        QVERIFY(second);
        QCOMPARE(second->size(), arranged);
        QVERIFY(screen.contains(second->geometry().topLeft()));
        QVERIFY(second->dock("locksDock")->isFloating());
        QVERIFY(second->dock("logDock")->isHidden());
        QVERIFY(!second->dock("scriptDock")->isHidden());
        QVERIFY(!second->dock("scriptDock")->isFloating());
    }

    void resetLayoutIsForgottenToo()
    {
        {
            auto first = txs::test::showMainWindow();
            QVERIFY(first);
            first->dock("locksDock")->setFloating(true);
            QAction* reset = txs::test::findAction(first.get(), "Reset Layout");
            QVERIFY(reset);
            reset->trigger();
            QVERIFY(!first->dock("locksDock")->isFloating());
            QVERIFY(first->close());
        }
        auto second = txs::test::showMainWindow();
        QVERIFY(second);
        QVERIFY(!second->dock("locksDock")->isFloating());
        QVERIFY(!second->dock("logDock")->isHidden());
    }
};

QTEST_MAIN(TestLayoutMemory)
#include "tst_layout_memory.moc"
