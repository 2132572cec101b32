// How long the workbench leaves an input event waiting while a long traced run goes on (issue
// 17: "the window stays responsive through a 16 x 200,000 run"; issue 18: input latency <= 50 ms
// during a traced 16-writer run). A timer asks the event loop to run a probe every 20 ms; how
// late each probe runs is how long a key press or a click arriving then would have waited, since
// input events and timers wait in the same loop. Reported: the run's wall time and the probes'
// lateness (median, p99, max, and how many were over 50 ms), while running and while the panels
// settle after the run.
//
// What the lateness is made of, from the kernel's accounting of the window's thread
// (/proc/self/task/TID/schedstat) over each probe's interval: the time it ran (our work), the
// time it was runnable but waited for a core (the workers and the machine's other load had
// them), and the rest, asleep (idle in the event loop, or blocked on a lock).
//
// Load-independent: the window thread's CPU time (CLOCK_THREAD_CPUTIME_ID) of each turn, a
// top-level event the loop delivers (a timer, a queued call, a paint), timed in notify(). The
// longest turns of the run say how long input can wait behind our own work whatever the load;
// the longest are listed with their receiver and event type (what the turn was made of).
//
//   QT_QPA_PLATFORM=offscreen build/default/bench/bench_window_latency [WORKERS [PER_WORKER [ENGINE
//   [PRIORITY]]]] (defaults 16 200000 mvcc 10; ENGINE mvcc | wal; PRIORITY the workers' nice value, or
//   "idle": SCHED_IDLE)
//
// Whether the window keeps up (issue 18: "the models and views drain >= 1 M events/s while
// painting"): the events the window's session applied while the run went on, per second of the
// run, beside the events the run appended; the backlog it had when the run finished and how long
// it took to apply it; and the events the trace log's window dropped before the session read them
// (skipped: never drained). Counted from SessionLog::eventsApplied, the signal every view is fed by.
//
// TXS_BENCH_REDRAW=1: once the run has settled, the timeline is redrawn from the whole log (a new
// lane rule: internal connections shown), and the probes go on until it is done; its slices are
// turns like any other ("timeline refill").

#include "app/gui/MainWindow.h"
#include "engine/trace/TraceLog.h"
#include "widgets/models/SessionLog.h"
#include "widgets/run/RunController.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QFile>
#include <QMetaObject>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr int kProbeMs = 20;

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

std::int64_t monotonicNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The calling thread's time on a core and time runnable on a run queue, in ms (schedstat).
struct SchedTimes
{
    double runMs = 0, waitMs = 0;
    static SchedTimes ofThisThread()
    {
        static const std::string path =
            "/proc/self/task/" + std::to_string(::syscall(SYS_gettid)) + "/schedstat";
        SchedTimes t;
        if (FILE* f = std::fopen(path.c_str(), "r")) {
            unsigned long long run = 0, wait = 0;
            if (std::fscanf(f, "%llu %llu", &run, &wait) == 2) {
                t.runMs = static_cast<double>(run) / 1e6;
                t.waitMs = static_cast<double>(wait) / 1e6;
            }
            std::fclose(f);
        }
        return t;
    }
};

struct Interval
{
    double wallMs = 0, runMs = 0, waitMs = 0;
    void add(double wall, SchedTimes from, SchedTimes to)
    {
        wallMs += wall;
        runMs += to.runMs - from.runMs;
        waitMs += to.waitMs - from.waitMs;
    }
    void print(const char* what) const
    {
        if (wallMs <= 0) return;
        const double sleep = std::max(0.0, wallMs - runMs - waitMs);
        std::printf("%-10s %s: ran %.0f%%, runnable waiting for a core %.0f%%, asleep or blocked %.0f%% "
                    "(of %.0f ms)\n",
                    "", what, 100 * runMs / wallMs, 100 * waitMs / wallMs, 100 * sleep / wallMs, wallMs);
    }
};

struct Lateness
{
    std::vector<double> ms;
    std::vector<double> cpuMs; // the window thread's CPU time over each probe's interval
    Interval all, late;        // the window's thread over the probes' intervals, and those late > 50 ms
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
        std::vector<double> cpu = cpuMs;
        std::sort(cpu.begin(), cpu.end());
        if (!cpu.empty())
            std::printf("%-10s window thread CPU per %d ms probe interval: p50 %.1f  p99 %.1f  max %.1f ms\n",
                        "", kProbeMs, cpu[cpu.size() / 2],
                        cpu[std::min(cpu.size() - 1, cpu.size() * 99 / 100)], cpu.back());
        all.print("window thread, every interval");
        late.print("window thread, late intervals");
    }
};

// Times every top-level event the GUI thread's loop delivers (nested deliveries belong to their
// parent's turn) in thread CPU time.
class TimedApplication : public QApplication
{
public:
    using QApplication::QApplication;
    struct Turn
    {
        double cpuMs;
        std::string what;
        std::int64_t startNs = 0, endNs = 0; // CLOCK_MONOTONIC, to match a profiler's samples
    };
    bool recording = false;
    std::vector<double> turns;        // CPU ms of each turn while recording
    std::vector<Turn> longest;        // turns over 10 ms, with what they were
    std::map<std::string, double> by; // CPU ms of turns over 10 ms, by what

    bool notify(QObject* receiver, QEvent* event) override
    {
        if (depth_ > 0 || !recording) {
            ++depth_;
            const bool r = QApplication::notify(receiver, event);
            --depth_;
            return r;
        }
        ++depth_;
        const std::int64_t startNs = monotonicNs();
        const double start = threadCpuMs();
        const bool r = QApplication::notify(receiver, event);
        const double cpu = threadCpuMs() - start;
        --depth_;
        turns.push_back(cpu);
        if (cpu > 10) {
            // The receiver's class and object name, and the event's type: which timer, queued
            // call or paint the long turn was.
            std::string what = std::string(receiver->metaObject()->className());
            if (!receiver->objectName().isEmpty()) what += " '" + receiver->objectName().toStdString() + "'";
            if (QObject* parent = receiver->parent())
                what += std::string(" in ") + parent->metaObject()->className();
            what += " / event " + std::to_string(static_cast<int>(event->type()));
            longest.push_back({cpu, what, startNs, monotonicNs()});
            by[what] += cpu;
        }
        return r;
    }
    void report() const
    {
        if (turns.empty()) return;
        std::vector<double> sorted = turns;
        std::sort(sorted.begin(), sorted.end());
        auto at = [&](double q) {
            return sorted[std::min(sorted.size() - 1, std::size_t(q * sorted.size()))];
        };
        double total = 0;
        for (double v : sorted)
            total += v;
        const auto over = [&](double ms) {
            return static_cast<long long>(
                std::count_if(sorted.begin(), sorted.end(), [&](double v) { return v > ms; }));
        };
        std::printf("turns (window thread CPU per top-level event, run and settle): %zu, %.0f ms in all; p50 "
                    "%.2f  p99 %.1f  p99.9 %.1f  max %.1f ms; over 12 ms: %lld, over 30 ms: %lld\n",
                    sorted.size(), total, at(0.5), at(0.99), at(0.999), sorted.back(), over(12), over(30));
        // The turns of interest are the long ones: their distribution, and what they were.
        std::vector<double> longTurns;
        for (const Turn& t : longest)
            longTurns.push_back(t.cpuMs);
        std::sort(longTurns.begin(), longTurns.end());
        if (!longTurns.empty())
            std::printf("  turns over 10 ms: %zu; p50 %.1f  p90 %.1f  p99 %.1f  max %.1f ms\n",
                        longTurns.size(), longTurns[longTurns.size() / 2],
                        longTurns[std::min(longTurns.size() - 1, longTurns.size() * 9 / 10)],
                        longTurns[std::min(longTurns.size() - 1, longTurns.size() * 99 / 100)],
                        longTurns.back());
        std::vector<Turn> top = longest;
        std::sort(top.begin(), top.end(), [](const Turn& a, const Turn& b) { return a.cpuMs > b.cpuMs; });
        for (std::size_t i = 0; i < std::min<std::size_t>(top.size(), 8); ++i)
            std::printf("    longest %zu: %.1f ms  %s\n", i + 1, top[i].cpuMs, top[i].what.c_str());
        // TXS_BENCH_TURNS=FILE: every turn over 30 ms CPU with its CLOCK_MONOTONIC span, to cut a
        // `perf record -k CLOCK_MONOTONIC` of the window's thread into turns (which stacks made
        // the long ones).
        if (const char* file = std::getenv("TXS_BENCH_TURNS"))
            if (FILE* f = std::fopen(file, "w")) {
                for (const Turn& t : longest)
                    if (t.cpuMs > 30)
                        std::fprintf(f, "%.9f %.9f %.1f %s\n", static_cast<double>(t.startNs) / 1e9,
                                     static_cast<double>(t.endNs) / 1e9, t.cpuMs, t.what.c_str());
                std::fclose(f);
            }
        std::vector<std::pair<double, std::string>> kinds;
        for (const auto& [what, ms] : by)
            kinds.push_back({ms, what});
        std::sort(kinds.rbegin(), kinds.rend());
        for (const auto& [ms, what] : kinds) {
            const auto n =
                std::count_if(longest.begin(), longest.end(), [&](const Turn& t) { return t.what == what; });
            std::printf("    %8.0f ms in %5lld turns over 10 ms: %s\n", ms, static_cast<long long>(n),
                        what.c_str());
        }
    }

private:
    int depth_ = 0;
};

} // namespace

int main(int argc, char** argv)
{
    TimedApplication app(argc, argv);
    const int workers = argc > 1 ? std::atoi(argv[1]) : 16;
    const long perWorker = argc > 2 ? std::atol(argv[2]) : 200000;
    const QString engine = argc > 3 ? argv[3] : "mvcc";
    const QString priority = argc > 4 ? argv[4] : "10";
    const bool idle = priority == "idle";
    const int nice = idle ? 0 : priority.toInt();
    if (workers < 1 || perWorker < 1 || (engine != "mvcc" && engine != "wal")) {
        std::fprintf(stderr, "usage: bench_window_latency [WORKERS [PER_WORKER [mvcc|wal [NICE|idle]]]]\n");
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
    window.controller().setWorkerIdleScheduling(idle);
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

    // What the session applied, and when (the clock below), split at the run's end.
    struct Drained
    {
        std::uint64_t whileRunning = 0, after = 0;
        qint64 lastAppliedMs = 0;
        qint64 finishedAtMs = -1;
        std::uint64_t appendedAtFinish = 0, backlogAtFinish = 0;
        double windowCpuAtStartMs = 0;
    } drained;
    QElapsedTimer clock;
    QObject::connect(&window.session(), &txs::models::SessionLog::eventsApplied, &window,
                     [&](quint64 first, quint64 end) {
                         const std::uint64_t n = end - first;
                         (drained.finishedAtMs < 0 ? drained.whileRunning : drained.after) += n;
                         drained.lastAppliedMs = clock.elapsed();
                     });

    Lateness running, settling;
    bool finished = false;
    const bool redraw = std::getenv("TXS_BENCH_REDRAW") != nullptr;
    bool redrawn = false;
    qint64 due = 0, armed = 0;
    SchedTimes armedTimes;
    double armedCpu = 0;
    QTimer probe;
    probe.setSingleShot(true);
    probe.setTimerType(Qt::PreciseTimer);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const double late = std::max<qint64>(clock.elapsed() - due, 0);
        const bool done = window.controller().state() == RunController::State::Finished;
        Lateness& phase = done ? settling : running;
        phase.ms.push_back(late);
        phase.cpuMs.push_back(threadCpuMs() - armedCpu);
        const double wallMs = static_cast<double>(clock.elapsed() - armed);
        const SchedTimes now = SchedTimes::ofThisThread();
        phase.all.add(wallMs, armedTimes, now);
        if (late > 50) phase.late.add(wallMs, armedTimes, now);
        if (done && !finished) {
            finished = true;
            drained.finishedAtMs = clock.elapsed();
            if (const auto& log = window.session().log()) drained.appendedAtFinish = log->appendedCount();
            drained.backlogAtFinish = window.session().backlog();
        }
        if (done && window.isSettled() && !window.isTimelineRedrawing()) {
            // TXS_BENCH_REDRAW=1: then the timeline is redrawn from the whole log (View › show
            // internal connections: a new lane rule), its slices timed like every other turn.
            if (redraw && !redrawn) {
                redrawn = true;
                window.setShowInternalConnections(true);
            } else {
                app.quit();
                return;
            }
        }
        armed = clock.elapsed();
        armedTimes = SchedTimes::ofThisThread();
        armedCpu = threadCpuMs();
        due = armed + kProbeMs;
        probe.start(kProbeMs);
    });
    QElapsedTimer wall;
    QTimer::singleShot(0, [&] {
        wall.start();
        clock.start();
        drained.windowCpuAtStartMs = threadCpuMs();
        app.recording = true;
        run->trigger();
        armed = clock.elapsed();
        armedTimes = SchedTimes::ofThisThread();
        armedCpu = threadCpuMs();
        due = armed + kProbeMs;
        probe.start(kProbeMs);
    });
    app.exec();
    app.recording = false;
    double load[3] = {0, 0, 0};
    getloadavg(load, 3);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("%s, %d writers (%s) x %ld single-row INSERT transactions, traced, window 1280x720: %.1f "
                "s; peak RSS %.2f GB; load %.1f %.1f %.1f\n",
                engine.toUtf8().constData(), workers, idle ? "SCHED_IDLE" : qPrintable("nice " + priority),
                perWorker, wall.elapsed() / 1000.0, static_cast<double>(usage.ru_maxrss) / 1024 / 1024,
                load[0], load[1], load[2]);
    {
        const std::uint64_t appended = window.session().log() ? window.session().log()->appendedCount() : 0;
        const std::uint64_t applied = drained.whileRunning + drained.after;
        const double runS = static_cast<double>(std::max<qint64>(drained.finishedAtMs, 1)) / 1000.0;
        std::printf(
            "drained: %llu of %llu events (%llu never read: dropped by the log's window first); while "
            "running %llu in %.1f s (%.2f M events/s, the run appended %.2f M/s); at the finish %llu "
            "waiting, all applied %.0f ms after it\n",
            static_cast<unsigned long long>(applied), static_cast<unsigned long long>(appended),
            static_cast<unsigned long long>(appended > applied ? appended - applied : 0),
            static_cast<unsigned long long>(drained.whileRunning), runS,
            static_cast<double>(drained.whileRunning) / runS / 1e6,
            static_cast<double>(drained.appendedAtFinish) / runS / 1e6,
            static_cast<unsigned long long>(drained.backlogAtFinish),
            static_cast<double>(std::max<qint64>(drained.lastAppliedMs - drained.finishedAtMs, 0)));
        // Load-independent: what the window's thread did (drains, every panel's handlers, the
        // paints, the probes) per event, so the rate one core of it sustains.
        const double windowCpuS = (threadCpuMs() - drained.windowCpuAtStartMs) / 1000.0;
        std::printf("window thread: %.2f s of CPU for %llu events applied: %.2f M events per CPU-second "
                    "(drains, panels, paints)\n",
                    windowCpuS, static_cast<unsigned long long>(applied),
                    windowCpuS > 0 ? static_cast<double>(applied) / windowCpuS / 1e6 : 0.0);
    }
    running.report("running");
    settling.report("settling");
    app.report();
    return 0;
}
