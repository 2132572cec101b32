// txscope: the workbench. `txscope [FILE.txs | SESSION] [--journal-mode M] [--run] [--screenshot OUT.png]
// [--theme system|light|dark] [--presentation] [--window-size WxH] [--show-dock NAME]`;
// `txscope --record -- COMMAND`.
// With no file it opens the seed scenario on the MVCC engine.

#include "app/gui/DatabaseActions.h"
#include "app/gui/MainWindow.h"
#include "engine/api/RunJournalModes.h"
#include "widgets/database/DatabaseDock.h"
#include "widgets/run/RunController.h"
#include "widgets/style/Theme.h"
#include "widgets/timeline/TimelineWidget.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QFile>
#include <QRegularExpression>
#include <QSettings>
#include <QTimer>
#include <cstdio>

namespace {
// A recorded session (engine/trace/SessionFile: its first line names the format) rather than a
// workload: decided by the file's content, not its name, since `txscope-cli record -o` takes any.
bool isSessionFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return false;
    return file.read(16).startsWith("TXSCOPE-SESSION ");
}
} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("TxScope");
    QApplication::setOrganizationName("TxScope");
    QApplication::setApplicationVersion(TXSCOPE_VERSION);
    // Lets desktops match the window to its .desktop file and icon.
    QGuiApplication::setDesktopFileName("io.github.txscope.TxScope");

    QCommandLineParser parser;
    parser.setApplicationDescription("A workbench that makes database concurrency visible.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("FILE", "The workload (.txs) or recorded session (.txsession) to open "
                                         "(default: the seed scenario).");
    QCommandLineOption mode("journal-mode", "Run on M: mvcc, wal or delete.", "M");
    QCommandLineOption run("run", "Run the workload at once.");
    QCommandLineOption screenshot("screenshot",
                                  "Run to the end, save the window as PNG to OUT and exit. The panels "
                                  "frame the run's story: the Dependencies panel when it has an "
                                  "anomaly, else the Explanations when it has errors.",
                                  "OUT");
    QCommandLineOption database(
        "database", "Attach the SQLite database PATH as a copy and show it in the Database dock.", "PATH");
    QCommandLineOption theme("theme", "Colours: system (the desktop's), light or dark.", "THEME");
    QCommandLineOption presentation("presentation",
                                    "Presentation mode for projectors: larger fonts, high contrast.");
    QCommandLineOption windowSize("window-size",
                                  "Open the window at W x H (e.g. 1280x720), for screenshots; "
                                  "by default it fits the screen.",
                                  "WxH");
    QCommandLineOption steps("steps",
                             "With --screenshot: step N times (F10), a pause between steps as in a "
                             "lesson, instead of running to the end; then save the window.",
                             "N");
    QCommandLineOption record("record",
                              "Record a real program live: txscope --record -- COMMAND [ARGS...] runs COMMAND "
                              "under the probe and shows its SQLite locks, statements and errors as it runs "
                              "(with --screenshot: once it has ended).");
    QCommandLineOption showDock("show-dock",
                                "Bring the panel NAME to the front (also in --screenshot): dependencies, "
                                "explanations, transactions, log, locks, versions, metrics, database, "
                                "result or script.",
                                "NAME");
    parser.addOptions({mode, run, screenshot, database, theme, presentation, windowSize, steps, record, showDock});
    parser.process(app);

    // The appearance comes before any widget, so every panel is built with its fonts and colours.
    txs::style::Appearance appearance;
    const QString themeName = parser.isSet(theme)
                                  ? parser.value(theme)
                                  : QSettings().value("appearance/theme", "system").toString();
    if (const auto t = txs::style::parseTheme(themeName)) {
        appearance.theme = *t;
    } else if (parser.isSet(theme)) {
        std::fprintf(stderr, "txscope: unknown theme '%s' (use system, light or dark)\n",
                     qPrintable(themeName));
        return 2;
    }
    appearance.presentation = parser.isSet(presentation);
    txs::style::apply(app, appearance);

    QSize forcedSize;
    if (parser.isSet(windowSize)) {
        const auto m = QRegularExpression("^(\\d{2,5})[xX](\\d{2,5})$").match(parser.value(windowSize));
        if (!m.hasMatch()) {
            std::fprintf(stderr, "txscope: --window-size wants WxH, e.g. 1280x720\n");
            return 2;
        }
        forcedSize = QSize(m.captured(1).toInt(), m.captured(2).toInt());
    }

    std::optional<txs::JournalMode> journalMode;
    if (parser.isSet(mode)) {
        journalMode = txs::parseRunJournalMode(parser.value(mode).toStdString());
        if (!journalMode) {
            std::fprintf(stderr, "txscope: unknown journal mode '%s' (use %s)\n",
                         qPrintable(parser.value(mode)), txs::runJournalModeChoices());
            return 2;
        }
    }

    MainWindow window;
    // Docks are named NAME + "Dock" (MainWindow::buildDocks).
    QDockWidget* wantedDock = nullptr;
    if (parser.isSet(showDock)) {
        wantedDock = window.dock(parser.value(showDock).toLower() + "Dock");
        if (!wantedDock) {
            std::fprintf(stderr, "txscope: no panel '%s' (--help lists them)\n",
                         qPrintable(parser.value(showDock)));
            return 2;
        }
    }
    auto frame = [&window, wantedDock] {
        window.focusOnStory();
        if (wantedDock) {
            wantedDock->show();
            wantedDock->raise();
        }
    };
    const QStringList files = parser.positionalArguments();
    if (parser.isSet(record)) {
        if (files.isEmpty()) {
            std::fprintf(stderr,
                         "txscope: --record wants a command: txscope --record -- COMMAND [ARGS...]\n");
            return 2;
        }
        if (forcedSize.isValid()) window.resize(forcedSize);
        window.show();
        QString error;
        if (!window.startRecording(files, QString(), &error)) {
            std::fprintf(stderr, "txscope: cannot record: %s\n", qPrintable(error));
            return 2;
        }
        if (parser.isSet(screenshot)) {
            const QString out = parser.value(screenshot);
            window.whenRecordingFinished([&window, out] {
                // The save prompt is not part of the picture.
                for (QWidget* w : QApplication::topLevelWidgets())
                    if (w->objectName() == "saveRecordingPrompt") w->close();
                QTimer::singleShot(300, &window, [&window, out] {
                    window.focusOnStory();
                    QTimer::singleShot(200, &window, [&window, out] {
                        const bool saved = window.grab().save(out);
                        if (!saved) std::fprintf(stderr, "txscope: cannot write %s\n", qPrintable(out));
                        QApplication::exit(saved ? 0 : 1);
                    });
                });
            });
        }
        return app.exec();
    }
    if (files.isEmpty()) {
        window.loadScenario("seed-concurrent-writes");
    } else if (isSessionFile(files.first())) {
        QString error;
        if (!window.openSession(files.first(), &error)) {
            std::fprintf(stderr, "txscope: cannot open the session %s: %s\n", qPrintable(files.first()),
                         qPrintable(error));
            return 2;
        }
    } else if (!window.openWorkload(files.first())) {
        std::fprintf(stderr, "txscope: cannot open %s\n", qPrintable(files.first()));
        return 2;
    }
    if (parser.isSet(database)) {
        QString error;
        if (!window.databaseActions().attach(parser.value(database), txs::database::AttachMode::Copy,
                                             &error)) {
            std::fprintf(stderr, "txscope: %s\n", qPrintable(error));
            return 2;
        }
        if (QDockWidget* dock = window.findChild<QDockWidget*>("databaseDock")) dock->raise();
        window.databaseActions().dock()->showTab(1);
    }
    if (journalMode) window.setJournalMode(journalMode);
    // Otherwise the window has fitted itself to the screen (WindowGeometry).
    if (forcedSize.isValid()) window.arrangeForSize(forcedSize);
    window.show();

    if (parser.isSet(screenshot) && window.isReplaying()) {
        // A replayed session is already whole: frame its story, paint, save.
        const QString out = parser.value(screenshot);
        QTimer::singleShot(300, &window, [&window, out, frame] {
            frame();
            QTimer::singleShot(200, &window, [&window, out] {
                const bool saved = window.grab().save(out);
                if (!saved) std::fprintf(stderr, "txscope: cannot write %s\n", qPrintable(out));
                QApplication::exit(saved ? 0 : 1);
            });
        });
        return app.exec();
    }
    if (parser.isSet(screenshot)) {
        const QString out = parser.value(screenshot);
        if (window.controller().state() != RunController::State::Ready) {
            std::fprintf(stderr, "txscope: the workload does not parse: %s\n",
                         qPrintable(window.controller().lastError()));
            return 2;
        }
        if (parser.isSet(steps)) {
            // Steps a few hundred milliseconds apart, like a teacher pressing F10, then the picture.
            const int count = std::max(1, parser.value(steps).toInt());
            auto* timer = new QTimer(&window);
            timer->setInterval(300);
            QObject::connect(timer, &QTimer::timeout, &window,
                             [&window, timer, count, out, wantedDock, taken = 0]() mutable {
                                 RunController& c = window.controller();
                                 if (c.isBusy()) return;
                                 if (taken < count && c.state() != RunController::State::Finished) {
                                     c.step();
                                     ++taken;
                                     return;
                                 }
                                 timer->stop();
                                 if (wantedDock) wantedDock->raise();
                                 QTimer::singleShot(300, &window, [&window, out] {
                                     const bool saved = window.grab().save(out);
                                     if (!saved)
                                         std::fprintf(stderr, "txscope: cannot write %s\n", qPrintable(out));
                                     QApplication::exit(saved ? 0 : 1);
                                 });
                             });
            timer->start();
            return app.exec();
        }
        const bool showDatabase = parser.isSet(database);
        window.whenFinished([&window, out, frame, showDatabase] {
            // Let the panels and plots lay out and paint the final state before grabbing.
            QTimer::singleShot(300, &window, [&window, out, frame, showDatabase] {
                frame();
                // The story raises the Locks panel; a database asked for stays in front.
                if (QDockWidget* dock = window.dock("databaseDock"); dock && showDatabase) dock->raise();
                QTimer::singleShot(200, &window, [&window, out] {
                    const bool saved = window.grab().save(out);
                    if (!saved) std::fprintf(stderr, "txscope: cannot write %s\n", qPrintable(out));
                    QApplication::exit(saved ? 0 : 1);
                });
            });
        });
        QTimer::singleShot(0, &window, [&window] { window.controller().run(); });
    } else if (parser.isSet(run)) {
        QTimer::singleShot(0, &window, [&window] { window.controller().run(); });
    }
    if (wantedDock && !parser.isSet(screenshot)) wantedDock->raise();
    return app.exec();
}
