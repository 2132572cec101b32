// How long the workbench leaves an input event waiting while a long traced run goes on (issue
// 17: "the window stays responsive through a 16 x 200,000 run"; issue 18: input latency <= 50 ms
// during a traced 16-writer run). A timer asks the event loop to run a probe every 20 ms; how
// late each probe runs is how long a key press or a click arriving then would have waited, since
// input events and timers wait in the same loop. Reported: the run's wall time and the probes'
// lateness (median, p99, max, and how many were over 50 ms), while running and while the panels
// settle after the run.
//
//   QT_QPA_PLATFORM=offscreen build/default/bench/bench_window_latency [WORKERS [PER_WORKER [ENGINE]]]
//   (defaults 16 200000 mvcc; ENGINE mvcc | wal)

#include "app/gui/MainWindow.h"
#include "widgets/run/RunController.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

constexpr int kProbeMs = 20;

struct Lateness
{
    std::vector<double> ms;
    void report(const char* what) const
    {
        if (ms.empty()) {
            std::printf("%-10s no probes\n", what);
            return;
        }
        std::vector<double> sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        auto at = [&](double q) {
            return sorted[std::min(sorted.size() - 1, std::size_t(q * sorted.size()))];
        };
        const auto over = std::count_if(sorted.begin(), sorted.end(), [](double v) { return v > 50; });
        std::printf(
            "%-10s %6zu probes  lateness p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  over 50 ms: %lld\n", what,
            sorted.size(), at(0.5), at(0.99), sorted.back(), static_cast<long long>(over));
    }
};

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const int workers = argc > 1 ? std::atoi(argv[1]) : 16;
    const long perWorker = argc > 2 ? std::atol(argv[2]) : 200000;
    const QString engine = argc > 3 ? argv[3] : "mvcc";
    if (workers < 1 || perWorker < 1 || (engine != "mvcc" && engine != "wal")) {
        std::fprintf(stderr, "usage: bench_window_latency [WORKERS [PER_WORKER [mvcc|wal]]]\n");
        return 2;
    }
    const QString script =
        QString("journal_mode: %1\n"
                "busy_timeout: 5000\n"
                "synchronous: normal\n"
                "setup:\n"
                "  CREATE TABLE t (w INT, i INT, payload TEXT);\n"
                "workers writer x%2 repeat %3 retry(conflict, busy; max 1000):\n"
                "  %4;\n"
                "  INSERT INTO t VALUES ($worker, $iter, 'payload of a typical small row');\n"
                "  COMMIT;\n")
            .arg(engine)
            .arg(workers)
            .arg(perWorker)
            .arg(engine == "mvcc" ? "BEGIN CONCURRENT" : "BEGIN IMMEDIATE");

    QTemporaryDir dir;
    const QString path = dir.filePath("latency.txs");
    {
        QFile file(path);
        if (!dir.isValid() || !file.open(QIODevice::WriteOnly) || file.write(script.toUtf8()) < 0) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
            return 1;
        }
    }
    MainWindow window;
    window.resize(1280, 720);
    window.show();
    if (!window.openWorkload(path)) {
        std::fprintf(stderr, "cannot open %s\n", qPrintable(path));
        return 1;
    }
    QAction* run = nullptr;
    for (QAction* a : window.findChildren<QAction*>())
        if (a->shortcut() == QKeySequence(Qt::Key_F5)) run = a;
    if (!run) {
        std::fprintf(stderr, "no Run action (F5)\n");
        return 1;
    }

    Lateness running, settling;
    bool finished = false;
    QElapsedTimer clock;
    qint64 due = 0;
    QTimer probe;
    probe.setSingleShot(true);
    probe.setTimerType(Qt::PreciseTimer);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const double late = std::max<qint64>(clock.elapsed() - due, 0);
        const bool done = window.controller().state() == RunController::State::Finished;
        (done ? settling : running).ms.push_back(late);
        if (done && !finished) finished = true;
        if (done && window.isSettled()) {
            app.quit();
            return;
        }
        due = clock.elapsed() + kProbeMs;
        probe.start(kProbeMs);
    });
    QElapsedTimer wall;
    QTimer::singleShot(0, [&] {
        wall.start();
        clock.start();
        run->trigger();
        due = clock.elapsed() + kProbeMs;
        probe.start(kProbeMs);
    });
    app.exec();
    std::printf("%s, %d writers x %ld single-row INSERT transactions, traced, window 1280x720: %.1f s\n",
                engine.toUtf8().constData(), workers, perWorker, wall.elapsed() / 1000.0);
    running.report("running");
    settling.report("settling");
    return 0;
}
