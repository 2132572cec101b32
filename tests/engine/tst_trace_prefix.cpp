// The reader's merge of per-thread buffers: k-way in seq order, stopping at the first sequence
// number a writer has taken but not yet published. Deterministic, unlike a race that opens the
// gap only now and then.

#include "engine/trace/ConsistentPrefix.h"

#include <QTest>
#include <initializer_list>
#include <memory>
#include <vector>

using namespace txs;

namespace {

// A writer's buffer holding the given seqs (ascending, as one thread takes them).
std::unique_ptr<ThreadEventBuffer> bufferWith(std::initializer_list<std::uint64_t> seqs)
{
    auto buffer = std::make_unique<ThreadEventBuffer>();
    for (std::uint64_t seq : seqs) {
        Event e;
        e.seq = seq;
        e.a = static_cast<std::int64_t>(seq) * 10;
        buffer->publish(std::move(e));
    }
    return buffer;
}

std::vector<std::uint64_t> seqsOf(const std::vector<Event>& events)
{
    std::vector<std::uint64_t> seqs;
    for (const Event& e : events)
        seqs.push_back(e.seq);
    return seqs;
}

} // namespace

class TestTracePrefix : public QObject
{
    Q_OBJECT

private slots:
    void stopsAtTheFirstUnpublishedSeq()
    {
        // Seq 2 is taken by a third thread that has not published it yet.
        auto a = bufferWith({0, 1, 3, 5});
        auto b = bufferWith({4, 6});
        auto c = std::make_unique<ThreadEventBuffer>();
        const std::vector<const ThreadEventBuffer*> buffers{a.get(), b.get(), c.get()};

        std::vector<Event> out;
        QCOMPARE(readConsistentPrefix(buffers, 0, out), std::uint64_t{2});
        QCOMPARE(seqsOf(out), (std::vector<std::uint64_t>{0, 1}));

        // Once it is published, the rest follows in seq order, with each event's own payload.
        Event late;
        late.seq = 2;
        late.a = 20;
        c->publish(std::move(late));
        QCOMPARE(readConsistentPrefix(buffers, 2, out), std::uint64_t{7});
        QCOMPARE(seqsOf(out), (std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5, 6}));
        for (const Event& e : out)
            QCOMPARE(e.a, static_cast<std::int64_t>(e.seq) * 10);
    }

    void startsAtFromInEveryBuffer()
    {
        // Two interleaved writers, each past the first chunk so the search crosses chunks.
        auto even = std::make_unique<ThreadEventBuffer>();
        auto odd = std::make_unique<ThreadEventBuffer>();
        for (std::uint64_t seq = 0; seq < 2000; ++seq) {
            Event e;
            e.seq = seq;
            (seq % 2 ? *odd : *even).publish(std::move(e));
        }
        const std::vector<const ThreadEventBuffer*> buffers{even.get(), odd.get()};
        for (std::uint64_t from : {0u, 1u, 255u, 256u, 513u, 1999u, 2000u}) {
            std::vector<Event> out;
            QCOMPARE(readConsistentPrefix(buffers, from, out), std::uint64_t{2000});
            QCOMPARE(out.size(), std::size_t(2000 - from));
            for (std::size_t i = 0; i < out.size(); ++i)
                QCOMPARE(out[i].seq, from + i);
        }
    }

    // A bounded read stops after maxEvents, even with more published, and the next read from its
    // end continues without a hole; one that reaches the unpublished seq first stops there.
    void stopsAfterMaxEvents()
    {
        auto a = bufferWith({0, 2, 3, 5, 7});
        auto b = bufferWith({1, 4, 6, 9}); // 8 is not published yet
        const std::vector<const ThreadEventBuffer*> buffers{a.get(), b.get()};
        std::vector<Event> out;
        QCOMPARE(readConsistentPrefix(buffers, 0, out, 3), std::uint64_t{3});
        QCOMPARE(seqsOf(out), (std::vector<std::uint64_t>{0, 1, 2}));
        QCOMPARE(readConsistentPrefix(buffers, 3, out, 2), std::uint64_t{5});
        QCOMPARE(readConsistentPrefix(buffers, 5, out, 100), std::uint64_t{8});
        QCOMPARE(seqsOf(out), (std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5, 6, 7}));
        QCOMPARE(readConsistentPrefix(buffers, 8, out, 0), std::uint64_t{8});
        QCOMPARE(out.size(), std::size_t(8));
    }

    void nothingPublishedReturnsFrom()
    {
        auto empty = std::make_unique<ThreadEventBuffer>();
        auto old = bufferWith({0, 1, 2});
        const std::vector<const ThreadEventBuffer*> buffers{empty.get(), old.get()};
        std::vector<Event> out;
        QCOMPARE(readConsistentPrefix(buffers, 3, out), std::uint64_t{3});
        QVERIFY(out.empty());
        QCOMPARE(readConsistentPrefix({}, 0, out), std::uint64_t{0});
        QVERIFY(out.empty());
    }
};

QTEST_GUILESS_MAIN(TestTracePrefix)
#include "tst_trace_prefix.moc"
