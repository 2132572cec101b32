// How long the workbench leaves an input event waiting while a long traced run goes on (issue
// 17: "the window stays responsive through a 16 x 200,000 run"; issue 18: input latency <= 50 ms
// during a traced 16-writer run). A timer asks the event loop to run a probe every 20 ms; how
// late each probe runs is how long a key press or a click arriving then would have waited, since
// input events and timers wait in the same loop. Reported: the run's wall time and the probes'
// lateness (median, p99, max, and how many were over 50 ms), while running and while the panels
// settle after the run.
//
// What the lateness is made of: the window's thread CPU time over each probe's interval. Near
// the interval, the thread was busy (our work); far below it, the thread was runnable but not
// running (the workers and the machine's other load had the cores).
//
//   QT_QPA_PLATFORM=offscreen build/default/bench/bench_window_latency [WORKERS [PER_WORKER [ENGINE [NICE]]]]
//   (defaults 16 200000 mvcc 10; ENGINE mvcc | wal; NICE the workers' nice value)

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
#include <ctime>
#include <sys/resource.h>
#include <vector>

namespace {

constexpr int kProbeMs = 20;

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Lateness
{
    std::vector<double> ms;
    double wallMs = 0, cpuMs = 0;         // the window's thread over the probes' intervals
    double lateWallMs = 0, lateCpuMs = 0; // the same over the intervals of probes late > 50 ms
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
        std::printf("%-10s window thread busy %.0f%% of the time; in the intervals of late probes %.0f%% "
                    "(the rest it waited for a core)\n",
                    "", wallMs > 0 ? 100 * cpuMs / wallMs : 0.0,
                    lateWallMs > 0 ? 100 * lateCpuMs / lateWallMs : 0.0);
    }
};

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const int workers = argc > 1 ? std::atoi(argv[1]) : 16;
    const long perWorker = argc > 2 ? std::atol(argv[2]) : 200000;
    const QString engine = argc > 3 ? argv[3] : "mvcc";
    const int nice = argc > 4 ? std::atoi(argv[4]) : 10;
    if (workers < 1 || perWorker < 1 || (engine != "mvcc" && engine != "wal")) {
        std::fprintf(stderr, "usage: bench_window_latency [WORKERS [PER_WORKER [mvcc|wal [NICE]]]]\n");
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
    window.controller().setWorkerNiceness(nice);
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
    qint64 due = 0, armed = 0;
    double armedCpu = 0;
    QTimer probe;
    probe.setSingleShot(true);
    probe.setTimerType(Qt::PreciseTimer);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const double late = std::max<qint64>(clock.elapsed() - due, 0);
        const bool done = window.controller().state() == RunController::State::Finished;
        Lateness& phase = done ? settling : running;
        phase.ms.push_back(late);
        const double wallMs = static_cast<double>(clock.elapsed() - armed), cpuMs = threadCpuMs() - armedCpu;
        phase.wallMs += wallMs;
        phase.cpuMs += cpuMs;
        if (late > 50) {
            phase.lateWallMs += wallMs;
            phase.lateCpuMs += cpuMs;
        }
        if (done && !finished) finished = true;
        if (done && window.isSettled()) {
            app.quit();
            return;
        }
        armed = clock.elapsed();
        armedCpu = threadCpuMs();
        due = armed + kProbeMs;
        probe.start(kProbeMs);
    });
    QElapsedTimer wall;
    QTimer::singleShot(0, [&] {
        wall.start();
        clock.start();
        run->trigger();
        armed = clock.elapsed();
        armedCpu = threadCpuMs();
        due = armed + kProbeMs;
        probe.start(kProbeMs);
    });
    app.exec();
    double load[3] = {0, 0, 0};
    getloadavg(load, 3);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf(
        "%s, %d writers (nice %d) x %ld single-row INSERT transactions, traced, window 1280x720: %.1f "
        "s; peak RSS %.2f GB; load %.1f %.1f %.1f\n",
        engine.toUtf8().constData(), workers, nice, perWorker, wall.elapsed() / 1000.0,
        static_cast<double>(usage.ru_maxrss) / 1024 / 1024, load[0], load[1], load[2]);
    running.report("running");
    settling.report("settling");
    return 0;
}
