// The trace log's memory bound: with a small cap it keeps a window of the newest events, drops
// older ones a chunk at a time and counts them, keeps exact per-kind counts, and readers still
// see a consistent window (every seq in [from or the drop floor, end), no holes) while many
// threads append. Run under TSan and ASan with the other engine tests.

#include "engine/trace/ChunkGeometry.h"
#include "engine/trace/TraceLog.h"

#include <QTest>
#include <algorithm>
#include <atomic>
#include <barrier>
#include <bit>
#include <string>
#include <thread>
#include <vector>

using namespace txs;

namespace {

EventKind kindOf(std::int64_t n)
{
    static constexpr EventKind kinds[] = {EventKind::StatementBegin, EventKind::StatementEnd,
                                          EventKind::TxCommit, EventKind::LockAcquire, EventKind::Note};
    return kinds[n % 5];
}

Event numbered(std::uint32_t thread, std::int64_t n)
{
    Event e;
    e.kind = kindOf(n);
    e.connection = thread;
    e.a = n;
    // Texts on the heap too, so that dropping a chunk must free them (ASan sees a leak otherwise).
    if (n % 7 == 0)
        e.text = "thread " + std::to_string(thread) + " event " + std::to_string(n) + " (long text)";
    return e;
}

} // namespace

class TestTraceWindow : public QObject
{
    Q_OBJECT

private slots:
    // kEventKindCount counts every kind: each one below it has a name, the value after it none;
    // and each kind is counted as itself (the kinds added after Note were counted as Note).
    void everyKindIsCountedAsItself()
    {
        for (std::size_t k = 0; k < kEventKindCount; ++k)
            QVERIFY2(std::string(eventKindName(static_cast<EventKind>(k))) != "?",
                     qPrintable(QString::number(k)));
        QCOMPARE(std::string(eventKindName(static_cast<EventKind>(kEventKindCount))), std::string("?"));
        TraceLog log;
        for (std::size_t k = 0; k < kEventKindCount; ++k)
            for (std::size_t n = 0; n <= k; ++n) {
                Event e;
                e.kind = static_cast<EventKind>(k);
                log.append(e);
            }
        for (std::size_t k = 0; k < kEventKindCount; ++k)
            QCOMPARE(log.countOf(static_cast<EventKind>(k)), std::uint64_t{k + 1});
    }

    void geometryRingHoldsTheWindow()
    {
        for (std::size_t cap : {16u, 1000u, 2000u, 1'000'000u}) {
            const ChunkGeometry g = ChunkGeometry::forCap(cap);
            QVERIFY(g.largest <= std::max<std::size_t>(cap / 8, 2));
            // Powers of two (position() shifts): every slot of a chunk maps to it, in order.
            QVERIFY(std::has_single_bit(g.first) && std::has_single_bit(g.largest));
            for (std::size_t slot = 0; slot < g.chunkStart(g.doublings + 3); ++slot) {
                const ChunkGeometry::Position p = g.position(slot);
                QCOMPARE(g.chunkStart(p.chunk) + p.offset, slot);
                QVERIFY(p.offset < g.chunkSize(p.chunk));
            }
            // Slots map to chunks and back without a gap or an overlap.
            for (std::size_t chunk = 0; chunk < g.doublings + 5; ++chunk) {
                QCOMPARE(g.chunkStart(chunk + 1), g.chunkStart(chunk) + g.chunkSize(chunk));
                QCOMPARE(g.position(g.chunkStart(chunk)).chunk, chunk);
                QCOMPARE(g.position(g.chunkStart(chunk)).offset, std::size_t{0});
                QCOMPARE(g.position(g.chunkStart(chunk + 1) - 1).chunk, chunk);
            }
            // The ring outlasts the window: its chunks beyond the small ones hold more than cap.
            QVERIFY((g.ringSize - 1 - g.doublings) * g.largest >= cap + 2 * g.largest);
        }
    }

    void keepsTheNewestEventsAndCountsTheRest()
    {
        constexpr std::size_t kCap = 1000;
        constexpr std::int64_t kAppends = 100'000;
        TraceLog log(TraceLogLimits{kCap});
        const std::size_t chunk = ChunkGeometry::forCap(kCap).largest;
        for (std::int64_t n = 0; n < kAppends; ++n) {
            log.append(numbered(1, n));
            // Never more than the cap plus the chunk being filled and the one before it.
            const std::uint64_t held = log.appendedCount() - log.droppedCount();
            QVERIFY2(held <= kCap + 2 * chunk, qPrintable(QString::number(held)));
        }

        QCOMPARE(log.appendedCount(), std::uint64_t{kAppends});
        const std::uint64_t dropped = log.droppedCount();
        QVERIFY(dropped >= kAppends - kCap - 2 * chunk);
        QVERIFY(dropped <= kAppends - kCap); // at least the newest kCap are kept

        // What is kept is exactly [dropped, appended), in order, with its own payload.
        const std::vector<Event> kept = log.snapshot();
        QCOMPARE(kept.size(), static_cast<std::size_t>(kAppends - dropped));
        for (std::size_t i = 0; i < kept.size(); ++i) {
            QCOMPARE(kept[i].seq, dropped + i);
            QCOMPARE(kept[i].a, static_cast<std::int64_t>(dropped + i));
            QCOMPARE(kept[i].text, numbered(1, kept[i].a).text);
        }
        // Most of those events live in chunks the window dropped and the log reused (ChunkPool):
        // what they read back above is their own, not what the chunk held before.
        QVERIFY(log.chunksReused() > 0);

        // A reader that asked for dropped events is told how many it missed.
        std::vector<Event> out;
        std::uint64_t skipped = 0;
        QCOMPARE(log.readSince(0, out, &skipped), std::uint64_t{kAppends});
        QCOMPARE(skipped, dropped);
        QCOMPARE(out.front().seq, dropped);

        // The per-kind counts are exact, dropped events included.
        for (EventKind kind : {EventKind::StatementBegin, EventKind::StatementEnd, EventKind::TxCommit,
                               EventKind::LockAcquire, EventKind::Note})
            QCOMPARE(log.countOf(kind), std::uint64_t{kAppends / 5});
        QCOMPARE(log.countOf(EventKind::Busy), std::uint64_t{0});
    }

    void readersSeeAConsistentWindowWhileThreadsAppend()
    {
        constexpr std::size_t kCap = 2000;
        constexpr int kThreads = 6;
        constexpr std::int64_t kPerThread = 40'000;
        TraceLog log(TraceLogLimits{kCap});
        const std::size_t chunk = ChunkGeometry::forCap(kCap).largest;

        std::barrier start(kThreads + 1);
        std::atomic<int> writing{kThreads};
        std::vector<std::thread> writers;
        for (int t = 0; t < kThreads; ++t)
            writers.emplace_back([&, t] {
                start.arrive_and_wait();
                for (std::int64_t n = 0; n < kPerThread; ++n)
                    log.append(numbered(static_cast<std::uint32_t>(t), n));
                --writing;
            });

        // The reader follows the log. Each read must continue the previous one, or skip exactly
        // the events reported dropped, and each thread's events must come in its own order.
        std::string problem;
        std::uint64_t from = 0, seen = 0, skippedTotal = 0;
        std::vector<std::int64_t> last(kThreads, -1);
        std::vector<bool> gapSince(kThreads, false);
        start.arrive_and_wait();
        bool lastRound = false;
        while (problem.empty()) {
            lastRound = writing.load() == 0;
            std::vector<Event> batch;
            std::uint64_t skipped = 0;
            const std::uint64_t end = log.readSince(from, batch, &skipped);
            skippedTotal += skipped;
            std::uint64_t expected = from + skipped;
            if (skipped > 0) gapSince.assign(kThreads, true);
            for (const Event& e : batch) {
                if (e.seq != expected++) problem = "hole before seq " + std::to_string(e.seq);
                // Without a gap a thread's next event is its very next one; after a gap, a later one.
                const bool inOrder =
                    gapSince[e.connection] ? e.a > last[e.connection] : e.a == last[e.connection] + 1;
                if (!inOrder)
                    problem = "thread " + std::to_string(e.connection) + " event " + std::to_string(e.a) +
                              " after " + std::to_string(last[e.connection]);
                // Chunks are reused once dropped: an event read is the one written, text included.
                if (e.a % 7 == 0 && e.text != numbered(e.connection, e.a).text)
                    problem = "thread " + std::to_string(e.connection) + " event " + std::to_string(e.a) +
                              " reads back another text";
                last[e.connection] = e.a;
                gapSince[e.connection] = false;
            }
            if (end != expected) problem = "end does not follow the batch";
            seen += batch.size();
            from = end;
            if (lastRound) break;
        }
        for (auto& w : writers)
            w.join();
        QVERIFY2(problem.empty(), problem.c_str());

        const std::uint64_t total = std::uint64_t{kThreads} * kPerThread;
        QCOMPARE(log.appendedCount(), total);
        QCOMPARE(from, total); // the last read, after every writer was done, reached the end
        QCOMPARE(seen + skippedTotal, total);
        QVERIFY(log.droppedCount() > 0);
        QVERIFY(log.chunksReused() > 0);
        const std::uint64_t held = total - log.droppedCount();
        QVERIFY2(held >= kCap && held <= kCap + (kThreads + 1) * chunk, qPrintable(QString::number(held)));
        std::uint64_t counted = 0;
        for (std::size_t k = 0; k < kEventKindCount; ++k)
            counted += log.countOf(static_cast<EventKind>(k));
        QCOMPARE(counted, total);
        QCOMPARE(log.countOf(EventKind::Note), total / 5);
    }

    // A pinned reader (the --trace export) misses nothing: writers that would drop what it has
    // not read wait for it, and what it has read is still dropped, so memory stays bounded.
    void pinnedReaderMissesNothing()
    {
        constexpr std::size_t kCap = 1000;
        constexpr int kThreads = 4;
        constexpr std::int64_t kPerThread = 20'000;
        TraceLog log(TraceLogLimits{kCap});
        const std::size_t chunk = ChunkGeometry::forCap(kCap).largest;
        log.pin(0);

        std::atomic<int> writing{kThreads};
        std::vector<std::thread> writers;
        for (int t = 0; t < kThreads; ++t)
            writers.emplace_back([&, t] {
                for (std::int64_t n = 0; n < kPerThread; ++n)
                    log.append(numbered(static_cast<std::uint32_t>(t), n));
                --writing;
            });

        std::uint64_t from = 0, skippedTotal = 0, maxHeld = 0;
        std::vector<std::int64_t> last(kThreads, -1);
        std::string problem;
        bool lastRound = false;
        while (!lastRound) {
            lastRound = writing.load() == 0;
            std::vector<Event> batch;
            std::uint64_t skipped = 0;
            from = log.readSince(from, batch, &skipped);
            skippedTotal += skipped;
            for (const Event& e : batch) {
                if (e.a != last[e.connection] + 1) problem = "a thread's event is missing";
                last[e.connection] = e.a;
            }
            log.pin(from);
            maxHeld = std::max(maxHeld, log.appendedCount() - log.droppedCount());
        }
        for (auto& w : writers)
            w.join();
        log.unpin();

        QVERIFY2(problem.empty(), problem.c_str());
        QCOMPARE(skippedTotal, std::uint64_t{0});
        QCOMPARE(from, std::uint64_t{kThreads} * kPerThread);
        QVERIFY(log.droppedCount() > 0);
        QVERIFY2(maxHeld <= kCap + (kThreads + 1) * chunk, qPrintable(QString::number(maxHeld)));
    }
};

QTEST_GUILESS_MAIN(TestTraceWindow)
#include "tst_trace_window.moc"
