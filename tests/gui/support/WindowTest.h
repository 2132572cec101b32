#pragma once
// What the window tests (tests/gui/tst_*.cpp) share: settings kept apart from the user's, a main
// window shown at a chosen size, finding a menu action by its text, and running the loaded
// script to its end as a user would (F5). Header-only: each test is its own executable.

#include "app/gui/MainWindow.h"
#include "widgets/run/RunController.h"

#include <QAction>
#include <QCoreApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>
#include <memory>

namespace txs::test {

// A run takes well under a second; the machine may be loaded.
inline constexpr int kRunTimeoutMs = 60'000;

// Settings in a test location under `application`'s own name, emptied: no test sees the user's
// saved layout or theme, nor another test's.
inline void isolateSettings(const char* application, bool clear = true)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("TxScopeTests");
    QCoreApplication::setApplicationName(application);
    if (clear) QSettings().clear();
}

// The menu or toolbar action whose text, without its '&' mnemonics, is `text`.
inline QAction* findAction(QWidget* window, const QString& text)
{
    for (QAction* a : window->findChildren<QAction*>())
        if (a->text().remove('&') == text) return a;
    return nullptr;
}

// A main window, shown (at `size` when valid) and exposed. Returns null, after a failed QVERIFY,
// when the window never appeared.
inline std::unique_ptr<MainWindow> showMainWindow(QSize size = {}, bool activate = false)
{
    auto window = std::make_unique<MainWindow>();
    if (size.isValid()) window->resize(size);
    window->show();
    if (activate) {
        window->activateWindow();
        if (!QTest::qWaitForWindowActive(window.get())) return nullptr;
    } else if (!QTest::qWaitForWindowExposed(window.get())) {
        return nullptr;
    }
    return window;
}

// Runs the loaded script with F5 and waits until the run has finished and the panels settled.
// Use with QVERIFY: false when it did not finish in time.
inline bool runToTheEnd(MainWindow& window)
{
    // F5 is a window shortcut: it acts only in the active window. An appearance switch moves
    // docks (a dock in motion is briefly a window of its own), which under load can leave another
    // window active (tst_result_pane's run once waited the whole timeout for a run F5 never
    // started); a user would click into the window first.
    window.activateWindow();
    if (!QTest::qWaitForWindowActive(&window)) return false;
    QTest::keyClick(&window, Qt::Key_F5);
    // run() changes the state before it returns: a run that did not start fails here, at once.
    if (window.controller().state() == RunController::State::Ready) {
        qWarning("runToTheEnd: F5 started no run");
        return false;
    }
    if (!QTest::qWaitFor([&] { return window.controller().state() == RunController::State::Finished; },
                         kRunTimeoutMs))
        return false;
    return QTest::qWaitFor([&] { return window.isSettled(); });
}

} // namespace txs::test
