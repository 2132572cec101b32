// The trace log's contract: a total order by seq, consistent prefixes for readers while many
// threads append, incremental reads equal to a snapshot, and per-(thread, log) buffers that never
// leak from one log into another.

#include "engine/trace/TraceLog.h"

#include <QTest>
#include <barrier>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace txs;

namespace {

Event numbered(std::uint32_t thread, std::int64_t n)
{
    Event e;
    e.kind = EventKind::Note;
    e.connection = thread;
    e.a = n;
    // Every so often a text too long for the small-string buffer, so copies touch the heap.
    if (n % 97 == 0) e.text = "thread " + std::to_string(thread) + " event " + std::to_string(n) + " (long)";
    return e;
}

bool sameEvent(const Event& x, const Event& y)
{
    return x.seq == y.seq && x.timeNs == y.timeNs && x.connection == y.connection && x.table == y.table &&
           x.txId == y.txId && x.rowid == y.rowid && x.a == y.a && x.b == y.b && x.kind == y.kind &&
           x.text == y.text;
}

// Checks that `events` continues the prefix [0, expectedSeq) with seqs expectedSeq, expectedSeq+1..
// and that each thread's events (connection = thread, a = its counter) follow on from `lastPerThread`.
// Returns an empty string or what is wrong.
std::string checkContinues(const std::vector<Event>& events, std::size_t from, std::uint64_t expectedSeq,
                           std::vector<std::int64_t>& lastPerThread)
{
    for (std::size_t i = from; i < events.size(); ++i, ++expectedSeq) {
        const Event& e = events[i];
        if (e.seq != expectedSeq)
            return "seq " + std::to_string(e.seq) + " where " + std::to_string(expectedSeq) + " was due";
        if (e.connection >= lastPerThread.size()) return "unknown thread " + std::to_string(e.connection);
        if (e.a != lastPerThread[e.connection] + 1)
            return "thread " + std::to_string(e.connection) + " event " + std::to_string(e.a) + " after " +
                   std::to_string(lastPerThread[e.connection]);
        lastPerThread[e.connection] = e.a;
    }
    return {};
}

} // namespace

class TestTraceLog : public QObject
{
    Q_OBJECT

private slots:
    void singleThreadKeepsAppendOrder()
    {
        TraceLog log;
        Event timed = numbered(0, 0);
        timed.timeNs = 42; // a caller-provided time is kept
        log.append(timed);
        for (int n = 1; n < 5000; ++n)
            log.append(numbered(0, n)); // crosses several chunks
        const std::int64_t after = log.now();

        const std::vector<Event> events = log.snapshot();
        QCOMPARE(events.size(), std::size_t{5000});
        QCOMPARE(log.appendedCount(), std::uint64_t{5000});
        QCOMPARE(events[0].timeNs, std::int64_t{42});
        for (std::size_t i = 0; i < events.size(); ++i) {
            QCOMPARE(events[i].seq, std::uint64_t(i));
            QCOMPARE(events[i].a, std::int64_t(i));
            if (i >= 2) QVERIFY(events[i].timeNs >= events[i - 1].timeNs);
            QVERIFY(events[i].timeNs <= after);
        }
        QCOMPARE(events[97].text, numbered(0, 97).text);
    }

    void emptyLogReadsNothing()
    {
        TraceLog log;
        std::vector<Event> out;
        QCOMPARE(log.readSince(0, out), std::uint64_t{0});
        QVERIFY(out.empty());
    }

    void incrementalReadsEqualSnapshot()
    {
        TraceLog log;
        std::mt19937 random(20240611);
        std::vector<Event> incremental;
        std::uint64_t end = 0;
        std::int64_t n = 0;
        while (n < 20000) {
            const int batch = std::uniform_int_distribution<int>(0, 700)(random);
            for (int i = 0; i < batch; ++i)
                log.append(numbered(0, n++));
            const std::size_t before = incremental.size();
            end = log.readSince(end, incremental);
            QCOMPARE(end, std::uint64_t(n));
            QCOMPARE(incremental.size() - before, std::size_t(batch));
        }
        const std::vector<Event> all = log.snapshot();
        QCOMPARE(all.size(), incremental.size());
        for (std::size_t i = 0; i < all.size(); ++i)
            QVERIFY(sameEvent(all[i], incremental[i]));

        // Reading from the middle returns exactly the tail.
        std::vector<Event> tail;
        QCOMPARE(log.readSince(12345, tail), end);
        QCOMPARE(tail.size(), all.size() - 12345);
        QVERIFY(sameEvent(tail.front(), all[12345]));
    }

    // Bounded reads (the window's drain) of random sizes add up to the snapshot, each returning
    // at most its limit and ending where the next one starts.
    void boundedReadsEqualSnapshot()
    {
        TraceLog log;
        for (std::int64_t n = 0; n < 5000; ++n)
            log.append(numbered(static_cast<std::uint32_t>(n % 3), n));
        std::mt19937 random(20261204);
        std::vector<Event> bounded;
        std::uint64_t end = 0;
        while (end < 5000) {
            const std::size_t limit = std::uniform_int_distribution<std::size_t>(1, 900)(random);
            const std::size_t before = bounded.size();
            const std::uint64_t next = log.readSince(end, limit, bounded);
            QCOMPARE(bounded.size() - before, std::min<std::size_t>(limit, 5000 - end));
            QCOMPARE(next, end + (bounded.size() - before));
            end = next;
        }
        const std::vector<Event> all = log.snapshot();
        QCOMPARE(bounded.size(), all.size());
        for (std::size_t i = 0; i < all.size(); ++i)
            QVERIFY(sameEvent(all[i], bounded[i]));
    }

    void readersSeeConsistentPrefixesWhileEightThreadsAppend()
    {
        constexpr std::uint32_t kThreads = 8;
        constexpr std::int64_t kPerThread = 100000;
        constexpr std::uint64_t kTotal = kThreads * kPerThread;
        TraceLog log;

        // Incremental reader: every batch continues the previous prefix without a hole.
        std::string incrementalError;
        std::vector<Event> incremental;
        std::thread incrementalReader([&] {
            std::vector<std::int64_t> last(kThreads, -1);
            std::uint64_t end = 0;
            while (end < kTotal && incrementalError.empty()) {
                const std::size_t before = incremental.size();
                const std::uint64_t newEnd = log.readSince(end, incremental);
                if (newEnd < end)
                    incrementalError = "end went back";
                else if (incremental.size() - before != newEnd - end)
                    incrementalError = "count differs from end";
                else
                    incrementalError = checkContinues(incremental, before, end, last);
                end = newEnd;
                if (incremental.size() == before) std::this_thread::yield();
            }
        });

        // Snapshot reader: each whole snapshot is a prefix 0..end-1 in per-thread order.
        std::string snapshotError;
        std::thread snapshotReader([&] {
            for (int round = 0; round < 6 && snapshotError.empty(); ++round) {
                std::vector<std::int64_t> last(kThreads, -1);
                snapshotError = checkContinues(log.snapshot(), 0, 0, last);
            }
        });

        std::vector<std::thread> writers;
        for (std::uint32_t t = 0; t < kThreads; ++t)
            writers.emplace_back([&log, t] {
                for (std::int64_t n = 0; n < kPerThread; ++n)
                    log.append(numbered(t, n));
            });
        for (auto& w : writers)
            w.join();
        snapshotReader.join();
        incrementalReader.join();

        QVERIFY2(incrementalError.empty(), incrementalError.c_str());
        QVERIFY2(snapshotError.empty(), snapshotError.c_str());
        QCOMPARE(incremental.size(), std::size_t(kTotal));
        QCOMPARE(log.appendedCount(), kTotal);

        // After the writers are done (and gone) the whole log is one prefix, equal to what the
        // incremental reader collected.
        const std::vector<Event> all = log.snapshot();
        QCOMPARE(all.size(), std::size_t(kTotal));
        for (std::size_t i = 0; i < all.size(); ++i)
            QVERIFY(sameEvent(all[i], incremental[i]));
    }

    // visitSince() hands over the same consistent prefixes as readSince(), in place: a reader
    // that visits while four threads append collects, batch by batch, exactly the final log.
    void visitingReaderSeesWhatReadersCopy()
    {
        constexpr std::uint32_t kThreads = 4;
        constexpr std::int64_t kPerThread = 50000;
        constexpr std::uint64_t kTotal = kThreads * kPerThread;
        TraceLog log;
        std::string error;
        std::vector<Event> visited;
        std::thread reader([&] {
            std::vector<std::int64_t> last(kThreads, -1);
            std::uint64_t end = 0;
            while (end < kTotal && error.empty()) {
                const std::size_t before = visited.size();
                const std::uint64_t newEnd =
                    log.visitSince(end, [&](const Event& e) { visited.push_back(e); });
                if (visited.size() - before != newEnd - end)
                    error = "count differs from end";
                else
                    error = checkContinues(visited, before, end, last);
                end = newEnd;
                if (visited.size() == before) std::this_thread::yield();
            }
        });
        std::vector<std::thread> writers;
        for (std::uint32_t t = 0; t < kThreads; ++t)
            writers.emplace_back([&log, t] {
                for (std::int64_t n = 0; n < kPerThread; ++n)
                    log.append(numbered(t, n));
            });
        for (auto& w : writers)
            w.join();
        reader.join();
        QVERIFY2(error.empty(), error.c_str());
        const std::vector<Event> all = log.snapshot();
        QCOMPARE(visited.size(), all.size());
        for (std::size_t i = 0; i < all.size(); ++i)
            QVERIFY(sameEvent(all[i], visited[i]));
        // From the middle: exactly the tail.
        std::uint64_t count = 0;
        QCOMPARE(log.visitSince(12345, [&](const Event& e) { QCOMPARE(e.seq, 12345 + count++); }), kTotal);
        QCOMPARE(count, kTotal - 12345);
        // visitFieldsSince() (the explainer's read): the same events, as typed fields with an empty
        // text and the text alongside as a view.
        std::vector<Event> fields;
        QCOMPARE(log.visitFieldsSince(0,
                                      [&](const Event& e, std::string_view text) {
                                          Event copy = e;
                                          // A text must come only as the view.
                                          if (!e.text.empty()) copy.seq = ~std::uint64_t{0};
                                          copy.text = std::string(text);
                                          fields.push_back(std::move(copy));
                                      }),
                 kTotal);
        QCOMPARE(fields.size(), all.size());
        for (std::size_t i = 0; i < all.size(); ++i)
            QVERIFY(sameEvent(all[i], fields[i]));
    }

    // One thread's run of events, across many chunks, read as runs along each chunk; a read
    // for a few kinds visits exactly the events of those kinds, in order, and ends where a read
    // of every kind ends.
    void visitFieldsPassesOverOtherKinds()
    {
        TraceLog log;
        constexpr std::int64_t kEvents = 20000;
        const EventKind kinds[] = {EventKind::Note, EventKind::LockAcquire, EventKind::StatementBegin};
        for (std::int64_t n = 0; n < kEvents; ++n) {
            Event e = numbered(1, n);
            e.kind = kinds[n % 3];
            log.append(e);
        }
        const std::vector<Event> all = log.snapshot();
        QCOMPARE(all.size(), std::size_t{kEvents});
        for (const std::uint64_t from : {std::uint64_t{0}, std::uint64_t{12345}}) {
            std::vector<Event> wanted;
            for (const Event& e : all)
                if (e.seq >= from &&
                    (e.kind == EventKind::LockAcquire || e.kind == EventKind::StatementBegin))
                    wanted.push_back(e);
            std::vector<Event> visited;
            const std::uint64_t end = log.visitFieldsSince(
                from,
                [&](const Event& e, std::string_view text) {
                    Event copy = e;
                    copy.text = std::string(text);
                    visited.push_back(std::move(copy));
                },
                nullptr, EventKindSet{EventKind::LockAcquire, EventKind::StatementBegin});
            QCOMPARE(end, std::uint64_t{kEvents});
            QCOMPARE(visited.size(), wanted.size());
            for (std::size_t i = 0; i < wanted.size(); ++i)
                QVERIFY(sameEvent(wanted[i], visited[i]));
        }
    }

    void oneThreadWritesTwoLogs()
    {
        TraceLog first;
        TraceLog second;
        std::thread other([&] {
            for (int n = 0; n < 3000; ++n) {
                first.append(numbered(1, n));
                second.append(numbered(1, n));
            }
        });
        for (int n = 0; n < 3000; ++n) {
            first.append(numbered(0, n));
            if (n % 3 == 0) second.append(numbered(0, n / 3));
        }
        other.join();

        std::vector<std::int64_t> last(2, -1);
        const std::vector<Event> a = first.snapshot();
        QCOMPARE(a.size(), std::size_t{6000});
        const std::string errorA = checkContinues(a, 0, 0, last);
        QVERIFY2(errorA.empty(), errorA.c_str());

        last.assign(2, -1);
        const std::vector<Event> b = second.snapshot();
        QCOMPARE(b.size(), std::size_t{4000});
        const std::string errorB = checkContinues(b, 0, 0, last);
        QVERIFY2(errorB.empty(), errorB.c_str());
    }

    // A log destroyed and another built in the same storage, written by the same threads: each
    // new log must start empty and get every event, not one of them lost into a dead buffer.
    void logRecreatedAtSameAddressOnSameThreads()
    {
        constexpr std::uint32_t kThreads = 4;
        constexpr int kRounds = 25;
        constexpr std::int64_t kPerRound = 500;
        std::optional<TraceLog> log;
        log.emplace();
        const TraceLog* address = &*log;

        std::barrier sync(kThreads + 1);
        std::vector<std::thread> writers;
        for (std::uint32_t t = 0; t < kThreads; ++t)
            writers.emplace_back([&, t] {
                for (int round = 0; round < kRounds; ++round) {
                    sync.arrive_and_wait(); // the round's log exists
                    for (std::int64_t n = 0; n < kPerRound; ++n)
                        log->append(numbered(t, n));
                    sync.arrive_and_wait(); // done with it
                }
            });

        // Failures are collected, not returned on, so the writers never wait at the barrier alone.
        std::string failure;
        for (int round = 0; round < kRounds; ++round) {
            sync.arrive_and_wait();
            // The main thread writes too, so it is also one of "the same threads".
            for (std::int64_t n = 0; n < kPerRound; ++n)
                log->append(numbered(kThreads, n));
            sync.arrive_and_wait();

            std::vector<std::int64_t> last(kThreads + 1, -1);
            const std::vector<Event> events = log->snapshot();
            std::string error = checkContinues(events, 0, 0, last);
            if (error.empty() && events.size() != std::size_t((kThreads + 1) * kPerRound))
                error = std::to_string(events.size()) + " events";
            if (failure.empty() && !error.empty()) failure = "round " + std::to_string(round) + ": " + error;

            log.reset();
            log.emplace();
            if (&*log != address) failure = "the new log is elsewhere: the test proves nothing";
        }
        for (auto& w : writers)
            w.join();
        QVERIFY2(failure.empty(), failure.c_str());
    }
};

QTEST_GUILESS_MAIN(TestTraceLog)
#include "tst_trace_log.moc"
