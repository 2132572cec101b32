// The trace log's clock (TraceClock): wherever it reads the time-stamp counter, its readings
// must mean what the steady clock's mean, since the log's times are shown as durations beside
// the runner's own and a busy handler's sleeps. Checked on whichever clock this machine gives
// (and on the steady clock, forced by TXSCOPE_TRACE_CLOCK=steady, when the counter is used).

#include "engine/trace/TraceClock.h"
#include "engine/trace/TraceLog.h"

#include <QTest>
#include <barrier>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

using namespace txs;
using Steady = std::chrono::steady_clock;

class TestTraceClock : public QObject
{
    Q_OBJECT

private slots:
    void readingsNeverGoBackOnAThread();
    void durationsAgreeWithTheSteadyClock();
    void startsAtZero();
    void threadsShareOneTimeline();
    void logTimesStayInOrderPerThread();
};

void TestTraceClock::readingsNeverGoBackOnAThread()
{
    const TraceClock clock;
    std::int64_t last = clock.now();
    for (int i = 0; i < 1'000'000; ++i) {
        const std::int64_t t = clock.now();
        QVERIFY2(t >= last, qPrintable(QString("went back from %1 to %2 ns").arg(last).arg(t)));
        last = t;
    }
}

// Over at least 20 ms of work, the clock's elapsed time and the steady clock's agree within
// 0.1 % plus 20 us (the rate's error is far below: see TraceClock.h). Each trace reading is
// bracketed by two steady readings, so a thread preempted between readings widens the bracket
// instead of failing the test: the trace clock's elapsed time must lie between the inner and the
// outer steady intervals.
void TestTraceClock::durationsAgreeWithTheSteadyClock()
{
    const TraceClock clock;
    const Steady::time_point beforeBegin = Steady::now();
    const std::int64_t begin = clock.now();
    const Steady::time_point afterBegin = Steady::now();
    while (Steady::now() - afterBegin < std::chrono::milliseconds(20)) {
    }
    const Steady::time_point beforeEnd = Steady::now();
    const std::int64_t elapsed = clock.now() - begin;
    const Steady::time_point afterEnd = Steady::now();
    const auto ns = [](Steady::duration d) {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    };
    const std::int64_t inner = ns(beforeEnd - afterBegin);
    const std::int64_t outer = ns(afterEnd - beforeBegin);
    const std::int64_t tolerance = outer / 1000 + 20'000;
    QVERIFY2(elapsed >= inner - tolerance && elapsed <= outer + tolerance,
             qPrintable(QString("trace clock %1 ns, steady clock between %2 and %3 ns (counter: %4)")
                            .arg(elapsed)
                            .arg(inner)
                            .arg(outer)
                            .arg(clock.readsCounter())));
}

void TestTraceClock::startsAtZero()
{
    const TraceClock clock;
    const std::int64_t first = clock.now();
    QVERIFY(first >= 0);
    // Well under a second since construction, whatever the clock.
    QVERIFY2(first < 1'000'000'000, qPrintable(QString::number(first)));
    const auto sinceStart = Steady::now() - clock.start();
    QVERIFY(sinceStart >= Steady::duration::zero());
}

// A reading taken on one thread after another thread's reading (ordered by a barrier) is not
// earlier by more than the counters' synchronisation allows (1 us is generous).
void TestTraceClock::threadsShareOneTimeline()
{
    const TraceClock clock;
    constexpr int kRounds = 2000;
    std::vector<std::int64_t> first(kRounds), second(kRounds);
    std::barrier sync(2);
    std::thread other([&] {
        for (int i = 0; i < kRounds; ++i) {
            sync.arrive_and_wait(); // after the main thread's reading i
            second[static_cast<std::size_t>(i)] = clock.now();
            sync.arrive_and_wait();
        }
    });
    for (int i = 0; i < kRounds; ++i) {
        first[static_cast<std::size_t>(i)] = clock.now();
        sync.arrive_and_wait();
        sync.arrive_and_wait();
    }
    other.join();
    for (int i = 0; i < kRounds; ++i) {
        const auto k = static_cast<std::size_t>(i);
        QVERIFY2(second[k] >= first[k] - 1000,
                 qPrintable(QString("round %1: %2 ns then %3 ns").arg(i).arg(first[k]).arg(second[k])));
    }
}

// The log keeps each thread's clock-stamped events in time order (TraceLog clamps a reading to
// the thread's last one), and an event that brings its own time keeps it.
void TestTraceClock::logTimesStayInOrderPerThread()
{
    TraceLog log;
    for (int i = 0; i < 100'000; ++i) {
        Event e;
        e.kind = EventKind::Note;
        e.connection = 1;
        log.append(e);
    }
    Event own;
    own.kind = EventKind::Note;
    own.connection = 2;
    own.timeNs = 7;
    log.append(own);
    const std::vector<Event> events = log.snapshot();
    QCOMPARE(events.size(), std::size_t{100'001});
    for (std::size_t i = 1; i + 1 < events.size(); ++i)
        QVERIFY2(events[i].timeNs >= events[i - 1].timeNs, qPrintable(QString("event %1").arg(i)));
    QCOMPARE(events.back().timeNs, std::int64_t{7});
}

QTEST_GUILESS_MAIN(TestTraceClock)
#include "tst_trace_clock.moc"
