// What the session models cost the GUI thread, on logs recorded from real MVCC runs with 16
// worker threads:
// 1. draining 100k events into the SessionLog with every model attached, as live mode does: the
//    log grows by 5000 events (50 ms at 100k events/s) between drains; and as a backlog;
// 2. moving the instant across a 1M-event log: random jumps and a drag (small steps in order).
// Prints wall-clock figures; the machines are shared, so read them as orders of magnitude.
//
// Usage: bench_models [events-for-drain=100000] [events-for-time-travel=1000000]

#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"
#include "widgets/models/ExplanationsModel.h"
#include "widgets/models/LocksModel.h"
#include "widgets/models/MetricsModel.h"
#include "widgets/models/SessionLog.h"
#include "widgets/models/StatementLogModel.h"
#include "widgets/models/TransactionsModel.h"
#include "widgets/models/VersionChainModel.h"
#include "widgets/views/SessionTable.h"

#include <QApplication>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTreeView>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>

using namespace txs;
using namespace txs::models;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// 16 writers, each transaction an INSERT and an UPDATE of one of 500 rows the writers share
// (conflicts, retries, doomed transactions and ended versions for the garbage collector).
std::shared_ptr<TraceLog> record(std::uint64_t wantedEvents, double& seconds)
{
    const std::uint64_t perTx = 15; // about: the events of one transaction of this body
    const std::uint64_t repeat = std::max<std::uint64_t>(1, wantedEvents / perTx / 16);
    const std::string text =
        "journal_mode: mvcc\nsetup:\n  CREATE TABLE hits (id INTEGER PRIMARY KEY, val INTEGER);\n"
        "  INSERT INTO hits VALUES (1, 0);\n"
        "workers writer x16 repeat " +
        std::to_string(repeat) +
        " retry(conflict, busy; max 100000):\n"
        "  BEGIN CONCURRENT;\n"
        "  INSERT INTO hits (val) VALUES ($worker);\n"
        "  UPDATE hits SET val = val + 1 WHERE id = ($worker * 7 + $iter) % 500 + 1;\n"
        "  COMMIT;\n";
    auto parsed = parseWorkload(text, "bench.txs");
    if (!parsed.ok()) std::abort();
    Runner runner(parsed.workload(), {});
    const auto start = Clock::now();
    runner.run();
    seconds = msSince(start) / 1000;
    return runner.trace();
}

struct Models
{
    explicit Models(SessionLog* s)
        : transactions(s), locks(s), versions(s), explanations(s), statements(s), metrics(s)
    {}
    TransactionsModel transactions;
    LocksModel locks;
    VersionChainModel versions;
    ExplanationsModel explanations;
    StatementLogModel statements;
    MetricsModel metrics;
};

struct Stats
{
    double mean = 0, p50 = 0, max = 0;
};

Stats stats(std::vector<double> values)
{
    Stats s;
    if (values.empty()) return s;
    std::sort(values.begin(), values.end());
    for (double v : values)
        s.mean += v;
    s.mean /= static_cast<double>(values.size());
    s.p50 = values[values.size() / 2];
    s.max = values.back();
    return s;
}

// ModelsAndViews paints after every tick; ModelsAndViewsPerFrame is the window's way: the tables
// refresh (and so repaint) at most once per frameMs() (SessionLog::setViewRefreshMs), set up as
// the window sets them up (SessionTable.h: PlainTextDelegate). QtDelegatePerFrame: the same with
// Qt's own item delegate, as before PlainTextDelegate.
enum class Consumers { ProjectionsOnly, Models, ModelsAndViews, QtDelegatePerFrame, ModelsAndViewsPerFrame };
// The refresh period: the window's 33 ms, or BENCH_FRAME_MS (to see what a longer one gives).
int frameMs()
{
    const int ms = qEnvironmentVariableIntValue("BENCH_FRAME_MS");
    return ms > 0 ? ms : 33;
}

// Item views on every model, shown (offscreen) so that processing events paints them.
struct Views
{
    Views(Models& m, bool qtDelegate)
    {
        for (QAbstractItemModel* model : std::initializer_list<QAbstractItemModel*>{
                 &m.transactions, &m.locks, &m.explanations, &m.statements, &m.metrics}) {
            auto view = std::make_unique<QTableView>();
            view->setModel(model);
            setUpSessionTable(view.get());
            if (qtDelegate) view->setItemDelegate(new QStyledItemDelegate(view.get()));
            tables.push_back(std::move(view));
        }
        tree.setModel(&m.versions);
        setUpSessionTree(&tree);
        if (qtDelegate) tree.setItemDelegate(new QStyledItemDelegate(&tree));
        for (auto& view : tables) {
            view->resize(900, 500);
            view->show();
        }
        tree.resize(900, 500);
        tree.show();
    }
    std::vector<std::unique_ptr<QTableView>> tables;
    QTreeView tree;
};

// Live: the recorded events are appended to a fresh log 5000 at a time (what 50 ms of a
// 100k events/s run publishes) and each slice is drained as one tick (with views: and painted).
std::vector<double> liveTicks(const std::vector<Event>& recorded, Consumers consumers)
{
    auto log = std::make_shared<TraceLog>();
    SessionLog session(log);
    session.setBatchLimit(5000);
    std::unique_ptr<Models> models;
    std::unique_ptr<Views> views;
    if (consumers != Consumers::ProjectionsOnly) models = std::make_unique<Models>(&session);
    const bool perFrame =
        consumers == Consumers::ModelsAndViewsPerFrame || consumers == Consumers::QtDelegatePerFrame;
    if (perFrame) session.setViewRefreshMs(frameMs());
    if (consumers == Consumers::ModelsAndViews || perFrame) {
        views = std::make_unique<Views>(*models, consumers == Consumers::QtDelegatePerFrame);
        QCoreApplication::processEvents();
    }
    std::vector<double> ticks;
    for (std::size_t from = 0; from < recorded.size(); from += 5000) {
        const std::size_t to = std::min(recorded.size(), from + 5000);
        for (std::size_t i = from; i < to; ++i)
            log->append(recorded[i]); // keeps the recorded time
        const auto tick = Clock::now();
        session.drain();
        if (views) QCoreApplication::processEvents();
        ticks.push_back(msSince(tick));
    }
    if (views) { // the last frame: what the run ended with, painted
        const auto tick = Clock::now();
        session.flushViews();
        QCoreApplication::processEvents();
        ticks.back() += msSince(tick);
        // BENCH_PAINTS=1: what one repaint of each view costs, at the end of the drain.
        if (qEnvironmentVariableIntValue("BENCH_PAINTS") > 0) {
            std::vector<QAbstractItemView*> all;
            for (auto& t : views->tables)
                all.push_back(t.get());
            all.push_back(&views->tree);
            const char* names[] = {"transactions", "locks",   "explanations",
                                   "statements",   "metrics", "versions"};
            for (std::size_t i = 0; i < all.size(); ++i) {
                const auto start = Clock::now();
                for (int k = 0; k < 10; ++k)
                    all[i]->viewport()->repaint();
                std::printf("  one repaint of %-12s %.2f ms\n", names[i], msSince(start) / 10);
            }
        }
    }
    return ticks;
}

void drainBench(std::uint64_t events)
{
    double runSeconds = 0;
    auto log = record(events, runSeconds);
    const auto recorded = log->snapshot();
    std::printf("drain: recorded %zu events in %.2f s of run (%.0f events/s)\n", recorded.size(), runSeconds,
                static_cast<double>(recorded.size()) / runSeconds);
    // Interleaved rounds, medians: the machine is shared.
    const Consumers kinds[] = {Consumers::ProjectionsOnly, Consumers::Models, Consumers::ModelsAndViews,
                               Consumers::QtDelegatePerFrame, Consumers::ModelsAndViewsPerFrame};
    constexpr int kKinds = 5;
    // BENCH_ONLY=K: only consumer K (0..4), for a profiler.
    const int only =
        qEnvironmentVariableIsSet("BENCH_ONLY") ? qEnvironmentVariableIntValue("BENCH_ONLY") : -1;
    std::vector<double> totals[kKinds], allTicks[kKinds];
    for (int round = 0; round < 3; ++round) {
        for (int k = 0; k < kKinds; ++k) {
            if (only >= 0 && k != only) continue;
            const auto ticks = liveTicks(recorded, kinds[k]);
            double total = 0;
            for (double t : ticks)
                total += t;
            totals[k].push_back(total);
            allTicks[k].insert(allTicks[k].end(), ticks.begin(), ticks.end());
        }
    }
    const char* names[] = {"projections only               ", "projections + six models       ",
                           "models + views, painted        ", "views per frame, Qt's delegate ",
                           "models + views, per frame      "};
    for (int k = 0; k < kKinds; ++k) {
        if (totals[k].empty()) continue;
        const double total = stats(totals[k]).p50;
        const Stats t = stats(allTicks[k]);
        std::printf("drain live, %s: %.1f ms per %zu events (%.2f Mevents/s); per 5000-event tick: "
                    "p50 %.2f ms, mean %.2f ms, max %.2f ms\n",
                    names[k], total, recorded.size(), static_cast<double>(recorded.size()) / total / 1000,
                    t.p50, t.mean, t.max);
    }
    // A backlog: everything published before the first drain (the GUI was busy, or opened a
    // finished run). Each drain reads only its slice out of TraceLog.
    SessionLog session(log);
    session.setBatchLimit(5000);
    Models models(&session);
    std::vector<double> slices;
    const auto start = Clock::now();
    for (;;) {
        const auto slice = Clock::now();
        if (session.drain() == 0) break;
        slices.push_back(msSince(slice));
    }
    const double total = msSince(start);
    const Stats s = stats(slices);
    std::printf("drain backlog, six models: %.1f ms; per 5000-event slice: first %.2f ms, p50 %.2f ms, "
                "max %.2f ms\n",
                total, slices.empty() ? 0.0 : slices.front(), s.p50, s.max);
}

void timeTravelBench(std::uint64_t events)
{
    double runSeconds = 0;
    auto log = record(events, runSeconds);
    SessionLog session(log);
    session.setBatchLimit(5000);
    Models models(&session);
    auto start = Clock::now();
    session.drainAll();
    const double drained = msSince(start);
    const auto& p = session.projection();
    std::printf("time travel: %llu events (%zu transactions, %zu versions, %zu statements), drained live in "
                "%.0f ms\n",
                static_cast<unsigned long long>(p.eventCount()), p.transactions.all().size(),
                p.versions.versions().size(), p.statements.all().size(), drained);

    const std::int64_t end = p.latestNs();
    std::mt19937_64 random(42);
    std::uniform_int_distribution<std::int64_t> anywhere(0, end);
    std::vector<double> jumps;
    for (int i = 0; i < 50; ++i) {
        const auto t = Clock::now();
        session.setInstant(anywhere(random));
        jumps.push_back(msSince(t));
    }
    const Stats j = stats(jumps);
    std::printf("time travel: random jump (50): mean %.1f ms, p50 %.1f ms, max %.1f ms\n", j.mean, j.p50,
                j.max);

    std::vector<double> drag;
    const std::int64_t from = end / 2, step = std::max<std::int64_t>(1, end / 2000);
    for (int i = 0; i < 100; ++i) {
        const auto t = Clock::now();
        session.setInstant(from + i * step);
        drag.push_back(msSince(t));
    }
    const Stats d = stats(drag);
    std::printf(
        "time travel: drag, 100 steps of %.3f ms of log time: mean %.2f ms, p50 %.2f ms, max %.2f ms\n",
        static_cast<double>(step) / 1e6, d.mean, d.p50, d.max);

    start = Clock::now();
    session.followLive();
    std::printf("time travel: back to live: %.1f ms\n", msSince(start));
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const std::uint64_t drainEvents = argc > 1 ? std::stoull(argv[1]) : 100'000;
    const std::uint64_t travelEvents = argc > 2 ? std::stoull(argv[2]) : 1'000'000;
    drainBench(drainEvents);
    if (travelEvents > 0) timeTravelBench(travelEvents);
    return 0;
}
