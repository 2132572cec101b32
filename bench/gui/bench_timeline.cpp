// Timeline cost with a million events: building the model, appending live batches, replotting
// at full view and zoomed in, moving the cursor; and QCPBars drawing the same spans, as the
// alternative the span plottable replaces. Prints times and the ratios that matter (the machine
// is shared and noisy: compare within one run, not across runs).
//
// Run: QT_QPA_PLATFORM=offscreen ./bench/bench_timeline [events=1000000] [lanes=16] [png-folder]
// With a folder, the full and the 1% views are saved there as PNG to look at.

#include "widgets/timeline/TimelineWidget.h"

#include <QApplication>
#include <QElapsedTimer>
#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

using namespace txs;

namespace {

// A worker-like run: per lane, transactions BEGIN CONCURRENT / UPDATE / COMMIT with the commit
// lock, one in eight doomed by a conflict, rolled back and retried. About ten events per
// transaction; lanes interleave in time as the threads of a real run would.
std::vector<Event> syntheticRun(std::size_t target, std::uint32_t lanes)
{
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<int> gap(2'000, 30'000); // ns between events
    std::vector<Event> events;
    events.reserve(target + 64);
    std::vector<std::int64_t> clock(lanes + 1, 0);
    std::uint64_t tx = 0;
    auto add = [&](std::uint32_t c, EventKind kind, std::uint64_t txId, std::int64_t a = 0,
                   std::int64_t b = 0, const char* text = "") {
        clock[c] += gap(rng);
        Event e;
        e.timeNs = clock[c];
        e.connection = c;
        e.txId = txId;
        e.kind = kind;
        e.a = a;
        e.b = b;
        e.text = text;
        events.push_back(std::move(e));
    };
    for (std::uint32_t c = 1; c <= lanes; ++c)
        add(c, EventKind::ConnectionOpen, 0, 0, 0, "worker");
    const auto commitLock = static_cast<std::int64_t>(LockResource::MvccCommit);
    while (events.size() < target) {
        for (std::uint32_t c = 1; c <= lanes; ++c) {
            const std::uint64_t id = ++tx;
            add(c, EventKind::StatementBegin, id, 0, 0, "BEGIN CONCURRENT");
            add(c, EventKind::TxBegin, id, 4, static_cast<std::int64_t>(id));
            add(c, EventKind::StatementEnd, id);
            add(c, EventKind::StatementBegin, id, 0, 0, "UPDATE acct SET balance = balance + 1 WHERE id = 1");
            if (rng() % 8 == 0) {
                add(c, EventKind::Conflict, id, static_cast<std::int64_t>(id - 1), 0, "Write-write conflict");
                add(c, EventKind::TxDoomed, id, 1, 0, "Write-write conflict");
                add(c, EventKind::StatementEnd, id, 1, 0, "Write-write conflict");
                add(c, EventKind::StatementBegin, id, 0, 0, "ROLLBACK");
                add(c, EventKind::TxRollback, id, 1);
                add(c, EventKind::StatementEnd, id);
                add(c, EventKind::TxRetry, 0, 1, 0, "TXSCOPE_CONFLICT");
                continue;
            }
            add(c, EventKind::StatementEnd, id, 0, 1);
            add(c, EventKind::StatementBegin, id, 0, 0, "COMMIT");
            add(c, EventKind::LockAcquire, id, commitLock, 1);
            add(c, EventKind::LockRelease, id, commitLock, 0);
            add(c, EventKind::TxCommit, id, static_cast<std::int64_t>(id), 1);
            add(c, EventKind::StatementEnd, id);
        }
    }
    // The log's order is by time across threads; each lane's own events stay in order.
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.timeNs < b.timeNs; });
    for (std::size_t i = 0; i < events.size(); ++i)
        events[i].seq = i;
    return events;
}

double ms(const QElapsedTimer& t)
{
    return static_cast<double>(t.nsecsElapsed()) / 1e6;
}

template <class F> double medianMs(int repeats, F&& f)
{
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i) {
        QElapsedTimer t;
        t.start();
        f(i);
        times.push_back(ms(t));
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

void replotNow(QCustomPlot& plot)
{
    plot.replot(QCustomPlot::rpImmediateRefresh);
}

// The alternative: one QCPBars per lane, one bar per transaction (bars share a width, so the
// picture is approximate; the cost is what matters).
double barsReplotMs(const timeline::TimelineModel& model, std::size_t spanLimit)
{
    QCustomPlot plot;
    plot.resize(1600, 900);
    plot.show();
    std::size_t spans = 0;
    double lane = 0;
    for (const auto& l : model.lanes()) {
        auto* bars = new QCPBars(plot.xAxis, plot.yAxis);
        bars->setBaseValue(lane);
        QVector<double> keys, values;
        for (const auto& s : l.track(timeline::Track::Transaction)) {
            if (spans++ >= spanLimit) break;
            keys << (s.startNs + s.endNs) / 2e6;
            values << 0.8;
        }
        bars->setData(keys, values, true);
        bars->setWidth(0.02);
        bars->setPen(Qt::NoPen);
        bars->setBrush(QColor("#2e9a4a"));
        lane += 1;
    }
    plot.rescaleAxes();
    replotNow(plot);
    return medianMs(5, [&](int) { replotNow(plot); });
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const std::size_t target = argc > 1 ? std::stoul(argv[1]) : 1'000'000;
    const auto lanes = static_cast<std::uint32_t>(argc > 2 ? std::stoul(argv[2]) : 16);

    QElapsedTimer t;
    t.start();
    const std::vector<Event> all = syntheticRun(target, lanes);
    std::printf("events: %zu on %u lanes, %.1f ms of run time (generated in %.0f ms)\n", all.size(), lanes,
                static_cast<double>(all.back().timeNs) / 1e6, ms(t));

    // -- model --------------------------------------------------------------------------------
    const std::size_t tail = std::min<std::size_t>(100'000, all.size() / 10);
    const std::vector<Event> head(all.begin(), all.end() - static_cast<std::ptrdiff_t>(tail));
    const std::vector<Event> last(all.end() - static_cast<std::ptrdiff_t>(tail), all.end());

    timeline::TimelineModel model;
    const double buildMs = medianMs(3, [&](int) {
        model.clear();
        model.append(all);
    });
    std::size_t spans = 0, markers = 0;
    for (const auto& l : model.lanes()) {
        for (const auto& track : l.tracks)
            spans += track.size();
        markers += l.markers.size();
    }
    std::printf("model: %zu spans, %zu markers\n", spans, markers);
    std::printf("  build from %zu events          %8.1f ms  (%.0f ns/event)\n", all.size(), buildMs,
                buildMs * 1e6 / static_cast<double>(all.size()));
    timeline::TimelineModel live;
    live.append(head);
    t.restart();
    live.append(last);
    const double appendModelMs = ms(t);
    std::printf("  append %zu to %zu events      %8.1f ms  (%.3f of a full build)\n", tail, head.size(),
                appendModelMs, appendModelMs / buildMs);

    // -- widget -------------------------------------------------------------------------------
    TimelineWidget widget;
    widget.resize(1600, 900);
    widget.show();
    t.restart();
    widget.appendEvents(head);
    replotNow(widget);
    std::printf("widget: first %zu events shown in %.0f ms\n", head.size(), ms(t));
    t.restart();
    widget.appendEvents(last);
    const double appendOnlyMs = ms(t);
    replotNow(widget);
    const double appendWidgetMs = ms(t);
    std::printf("  appendEvents(%zu)               %8.1f ms  (+ replot: %.1f ms)\n", tail, appendOnlyMs,
                appendWidgetMs);

    widget.setFollowLive(false);
    widget.zoomToFit();
    replotNow(widget);
    const double fullMs = medianMs(9, [&](int) { replotNow(widget); });
    const QString pngFolder = argc > 3 ? QString::fromLocal8Bit(argv[3]) : QString();
    if (!pngFolder.isEmpty()) widget.grab().save(pngFolder + "/bench_timeline_full.png");
    const auto [from, to] = widget.visibleTime();
    const qint64 width = (to - from) / 100;
    const qint64 middle = (from + to) / 2;
    widget.setVisibleTime(middle - width / 2, middle + width / 2);
    replotNow(widget);
    const double zoomMs = medianMs(9, [&](int) { replotNow(widget); });
    if (!pngFolder.isEmpty()) widget.grab().save(pngFolder + "/bench_timeline_zoomed.png");
    // Moving through the run zoomed in: each step binary-searches to a new place.
    const double panMs = medianMs(9, [&](int i) {
        const qint64 at = from + (to - from) * (i + 1) / 11;
        widget.setVisibleTime(at, at + width);
        replotNow(widget);
    });
    widget.zoomToFit();
    replotNow(widget);
    const double cursorMs = medianMs(31, [&](int i) {
        widget.setCursorTime(from + (to - from) * i / 31);
        widget.repaint();
    });
    std::printf("  replot, full view (all %zu)   %8.2f ms\n", all.size(), fullMs);
    std::printf("  replot, zoomed to 1%%           %8.2f ms  (%.2f of full view)\n", zoomMs, zoomMs / fullMs);
    std::printf("  pan + replot, zoomed to 1%%     %8.2f ms\n", panMs);
    std::printf("  cursor move (buffered layer)   %8.2f ms  (%.2f of a full replot)\n", cursorMs,
                cursorMs / fullMs);

    // -- the alternative ----------------------------------------------------------------------
    timeline::TimelineModel small;
    small.append(all);
    std::size_t txSpans = 0;
    for (const auto& l : small.lanes())
        txSpans += l.track(timeline::Track::Transaction).size();
    const std::size_t compared = std::min<std::size_t>(txSpans, 100'000);
    const double barsMs = barsReplotMs(small, compared);
    std::printf(
        "QCPBars, %zu transaction bars only %6.2f ms  (%.1fx the timeline's full view of every track)\n",
        compared, barsMs, barsMs / fullMs);
    return 0;
}
