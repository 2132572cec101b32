// The process's pool of trace-log chunks (ChunkPool::process()): a log that dies leaves its
// chunks to the next log of the process, which reads back its own events, not the old ones; the
// pool keeps no more bytes than its capacity; and logs that live, write and die on several threads
// at once share it safely (run under TSan and ASan with the other engine tests).

#include "engine/trace/ChunkPool.h"
#include "engine/trace/TraceLog.h"

#include <QTest>
#include <barrier>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace txs;

namespace {

Event numbered(std::uint32_t connection, std::int64_t n, std::int64_t run)
{
    Event e;
    e.kind = EventKind::Note;
    e.connection = connection;
    e.a = n;
    e.b = run;
    e.text = "run " + std::to_string(run) + " event " + std::to_string(n);
    return e;
}

// Appends `events` from a thread of its own (its buffer starts from the first chunk size) and
// checks that the log reads back exactly those.
void writeAndCheck(TraceLog& log, std::int64_t events, std::int64_t run, std::string& problem)
{
    std::thread writer([&] {
        for (std::int64_t n = 0; n < events; ++n)
            log.append(numbered(1, n, run));
    });
    writer.join();
    const std::vector<Event> all = log.snapshot();
    if (static_cast<std::int64_t>(all.size()) != events) problem = "run " + std::to_string(run) + ": wrong count";
    for (std::size_t i = 0; i < all.size() && problem.empty(); ++i)
        if (all[i].a != static_cast<std::int64_t>(i) || all[i].b != run ||
            all[i].text != numbered(1, static_cast<std::int64_t>(i), run).text)
            problem = "run " + std::to_string(run) + ": event " + std::to_string(i) + " is not its own";
}

} // namespace

class TestTraceChunkPool : public QObject
{
    Q_OBJECT

private slots:
    void aLaterLogReusesADeadLogsChunks()
    {
        std::string problem;
        {
            TraceLog first;
            writeAndCheck(first, 20'000, 1, problem);
        }
        QVERIFY(ChunkPool::process().heldBytes() > 0);
        TraceLog second;
        writeAndCheck(second, 20'000, 2, problem);
        QVERIFY2(problem.empty(), problem.c_str());
        // Every chunk size the first log used is in the pool, so the second takes its chunks there.
        QVERIFY(second.chunksReused() > 0);
    }

    void thePoolIsBoundedByBytes()
    {
        ChunkPool pool(3 * 4096);
        std::vector<void*> chunks;
        for (int i = 0; i < 5; ++i)
            chunks.push_back(pool.take(4096));
        for (void* chunk : chunks)
            pool.give(chunk, 4096); // two of them are freed at once (ASan: no leak, no double free)
        QCOMPARE(pool.heldBytes(), std::size_t{3 * 4096});
        bool reused = false;
        void* again = pool.take(4096, &reused);
        QVERIFY(reused);
        QCOMPARE(pool.heldBytes(), std::size_t{2 * 4096});
        void* other = pool.take(8192, &reused); // no chunk of that size is kept
        QVERIFY(!reused);
        pool.give(again, 4096);
        pool.give(other, 8192); // over the capacity: freed
        QCOMPARE(pool.heldBytes(), std::size_t{3 * 4096});
        QCOMPARE(pool.reused(), std::size_t{1});
    }

    // Logs on several threads at once, each born, written and destroyed many times: chunks go
    // from one log's death to another log's writer on another thread.
    void logsOnManyThreadsShareThePool()
    {
        constexpr int kThreads = 4;
        constexpr int kRuns = 6;
        std::barrier start(kThreads);
        std::vector<std::string> problems(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                start.arrive_and_wait();
                for (int run = 0; run < kRuns && problems[t].empty(); ++run) {
                    // A small cap, so that the window drops chunks while the log lives too.
                    TraceLog log(TraceLogLimits{4'096});
                    std::vector<Event> kept;
                    for (std::int64_t n = 0; n < 10'000; ++n)
                        log.append(numbered(static_cast<std::uint32_t>(t + 1), n, t * 100 + run));
                    log.readSince(0, kept);
                    for (const Event& e : kept)
                        if (e.b != t * 100 + run || e.text != numbered(1, e.a, e.b).text) {
                            problems[t] = "thread " + std::to_string(t) + " read another run's event";
                            break;
                        }
                    if (kept.empty() || kept.back().a != 9'999) problems[t] = "the newest event is missing";
                }
            });
        for (auto& thread : threads)
            thread.join();
        for (const std::string& p : problems)
            QVERIFY2(p.empty(), p.c_str());
        QVERIFY(ChunkPool::process().heldBytes() <= ChunkPool::kProcessCapacityBytes);
    }
};

QTEST_GUILESS_MAIN(TestTraceChunkPool)
#include "tst_trace_chunk_pool.moc"
