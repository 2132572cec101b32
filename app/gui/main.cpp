// txscope: the workbench. `txscope [FILE.txs] [--journal-mode M] [--run] [--screenshot OUT.png]`.
// With no file it opens the seed scenario on the MVCC engine.

#include "app/gui/MainWindow.h"
#include "widgets/run/RunController.h"
#include "widgets/timeline/TimelineWidget.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>
#include <cstdio>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("TxScope");
    QApplication::setOrganizationName("TxScope");
    QApplication::setApplicationVersion(TXSCOPE_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription("A workbench that makes database concurrency visible.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("FILE.txs", "The workload to open (default: the seed scenario).");
    QCommandLineOption mode("journal-mode", "Run on M: mvcc, wal or delete.", "M");
    QCommandLineOption run("run", "Run the workload at once.");
    QCommandLineOption screenshot("screenshot", "Run to the end, save the window as PNG to OUT and exit.",
                                  "OUT");
    parser.addOptions({mode, run, screenshot});
    parser.process(app);

    std::optional<txs::JournalMode> journalMode;
    if (parser.isSet(mode)) {
        journalMode = txs::parseJournalMode(parser.value(mode).toStdString());
        if (!journalMode) {
            std::fprintf(stderr, "txscope: unknown journal mode '%s' (use mvcc, wal or delete)\n",
                         qPrintable(parser.value(mode)));
            return 2;
        }
    }

    MainWindow window;
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty()) {
        window.loadScenario("seed-concurrent-writes");
    } else if (!window.openWorkload(files.first())) {
        std::fprintf(stderr, "txscope: cannot open %s\n", qPrintable(files.first()));
        return 2;
    }
    if (journalMode) window.setJournalMode(journalMode);
    window.resize(1600, 1000);
    window.show();

    if (parser.isSet(screenshot)) {
        const QString out = parser.value(screenshot);
        if (window.controller().state() != RunController::State::Ready) {
            std::fprintf(stderr, "txscope: the workload does not parse: %s\n",
                         qPrintable(window.controller().lastError()));
            return 2;
        }
        window.whenFinished([&window, out] {
            // Let the panels and plots lay out and paint the final state before grabbing.
            QTimer::singleShot(300, &window, [&window, out] {
                window.timeline().zoomToFit();
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
    return app.exec();
}
