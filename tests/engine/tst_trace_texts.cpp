// The trace log's texts: every text an event carried reads back exactly as long as the log holds
// the event (empty, short, long, over a text block, across chunks the window dropped and reused),
// and a saved session of what the log holds after dropping reads every text back whole. Texts
// live in their chunk's ChunkTexts, so this is also what ASan checks for leaks and overruns.

#include "engine/trace/ChunkTexts.h"
#include "engine/trace/SessionFile.h"
#include "engine/trace/StoredEvent.h"
#include "engine/trace/TextIds.h"
#include "engine/trace/TraceLog.h"

#include <QTest>
#include <barrier>
#include <string>
#include <thread>
#include <vector>

using namespace txs;

namespace {

// A text of a length that varies with n, including none and some past a 1 MiB text block.
std::string textFor(std::uint32_t thread, std::int64_t n)
{
    if (n % 5 == 0) return {};
    std::string text = "t" + std::to_string(thread) + " #" + std::to_string(n) + " ";
    std::size_t length = static_cast<std::size_t>(n % 97) * 13;
    if (n % 1009 == 0) length = (std::size_t{1} << 20) + static_cast<std::size_t>(n % 7);
    text.reserve(text.size() + length);
    for (std::size_t i = 0; i < length; ++i)
        text.push_back(static_cast<char>('a' + (i + static_cast<std::size_t>(n)) % 26));
    return text;
}

Event numbered(std::uint32_t thread, std::int64_t n)
{
    Event e;
    e.kind = n % 2 ? EventKind::StatementBegin : EventKind::Note;
    e.connection = thread;
    e.a = n;
    e.text = textFor(thread, n);
    return e;
}

} // namespace

class TestTraceTexts : public QObject
{
    Q_OBJECT

private slots:
    void chunkTextsKeepEveryText()
    {
        ChunkTexts texts(4096);
        std::vector<std::pair<std::uint32_t, std::string>> stored;
        for (std::int64_t n = 0; n < 4096; ++n) {
            const std::string text = textFor(1, n);
            stored.emplace_back(texts.store(text), text);
        }
        for (const auto& [ref, text] : stored)
            QCOMPARE(std::string(texts.view(ref)), text);
        QCOMPARE(texts.store(""), ChunkTexts::kNone);
        QVERIFY(texts.view(ChunkTexts::kNone).empty());
    }

    void aChunkOutOfBlocksSaysSoInsteadOfLosingText()
    {
        // A chunk of 2 events has 2 blocks: a third text that fits in neither gets the marker.
        ChunkTexts texts(2);
        const std::string big((std::size_t{1} << 20) + 10, 'x');
        QCOMPARE(std::string(texts.view(texts.store(big))), big);
        QCOMPARE(std::string(texts.view(texts.store("small"))), std::string("small"));
        const std::string otherBig((std::size_t{1} << 20) + 10, 'y'); // not `big` again: that is shared
        const std::uint32_t third = texts.store(otherBig);
        QVERIFY(third == ChunkTexts::kNone || texts.view(third) == ChunkTexts::kTooLong);
    }

    // A text stored again from the same address is shared, not copied; a buffer reused for
    // another text (same address and length, other bytes) gets its own copy.
    void aRepeatedTextIsStoredOnceAndAChangedOneIsNot()
    {
        ChunkTexts texts(64);
        std::string statement = "INSERT INTO hits VALUES ($worker, $iter)";
        const std::uint32_t first = texts.store(statement);
        QCOMPARE(texts.store(statement), first);
        QCOMPARE(texts.store(std::string(statement)) == first, false); // another address: a copy
        statement[0] = 'X';
        const std::uint32_t changed = texts.store(statement);
        QVERIFY(changed != first);
        QCOMPARE(std::string(texts.view(changed)), std::string("XNSERT INTO hits VALUES ($worker, $iter)"));
        QCOMPARE(std::string(texts.view(first)), std::string("INSERT INTO hits VALUES ($worker, $iter)"));
    }

    // Two texts from addresses of one set of the recent texts, alternated (a workers block's
    // statements), are each stored once, and a third text of that set still reads back whole.
    void twoTextsOfOneRecentSetAreEachStoredOnce()
    {
        std::string buffer(4096, ' ');
        std::vector<std::size_t> sameSet;
        // Three places of one set, 32 bytes apart at least (the texts do not overlap).
        for (std::size_t at = 0; at + 64 < buffer.size() && sameSet.size() < 3; at += 8)
            if (ChunkTexts::recentSetOf(buffer.data() + at) == ChunkTexts::recentSetOf(buffer.data()) &&
                (sameSet.empty() || at >= sameSet.back() + 32))
                sameSet.push_back(at);
        QCOMPARE(sameSet.size(), std::size_t{3});
        const std::string_view first(buffer.data() + sameSet[0], 20), second(buffer.data() + sameSet[1], 20),
            third(buffer.data() + sameSet[2], 20);
        buffer.replace(sameSet[0], 20, "INSERT INTO t VALUES");
        buffer.replace(sameSet[1], 20, "COMMIT -- of ninetee");
        buffer.replace(sameSet[2], 20, "BEGIN CONCURRENT  --");
        ChunkTexts texts(4096);
        const std::uint32_t firstRef = texts.store(first), secondRef = texts.store(second);
        QVERIFY(firstRef != secondRef);
        for (int i = 0; i < 100; ++i) {
            QCOMPARE(texts.store(first), firstRef);
            QCOMPARE(texts.store(second), secondRef);
        }
        // A third evicts the older of the two; every reference still reads back its own text.
        const std::uint32_t thirdRef = texts.store(third);
        QCOMPARE(texts.store(second), secondRef);
        QCOMPARE(texts.view(firstRef), std::string_view("INSERT INTO t VALUES"));
        QCOMPARE(texts.view(secondRef), std::string_view("COMMIT -- of ninetee"));
        QCOMPARE(texts.view(thirdRef), std::string_view("BEGIN CONCURRENT  --"));
        // A reused buffer gets a copy of its own, in either way of the set.
        buffer.replace(sameSet[1], 20, "ROLLBACK -- reused  ");
        const std::uint32_t reused = texts.store(second);
        QVERIFY(reused != secondRef);
        QCOMPARE(texts.view(reused), std::string_view("ROLLBACK -- reused  "));
        QCOMPARE(texts.view(secondRef), std::string_view("COMMIT -- of ninetee"));
    }

    // A text with an id (TextIds.h) is stored once per chunk: later stores of the id share its
    // reference whatever buffer they come from (the id names the bytes); another id, or an id that
    // evicted it from its slot, gets a copy; every reference reads back its own text.
    void anInternedTextIsStoredOnceByItsId()
    {
        ChunkTexts texts(4096);
        const std::uint64_t insertId = newTextId(), commitId = newTextId();
        QVERIFY(insertId != 0 && commitId != insertId);
        const std::string insert = "INSERT INTO hits VALUES ($worker, $iter)", commit = "COMMIT";
        const std::uint32_t insertRef = texts.storeInterned(insert, insertId);
        const std::uint32_t commitRef = texts.storeInterned(commit, commitId);
        QVERIFY(insertRef != commitRef);
        for (int i = 0; i < 100; ++i) {
            QCOMPARE(texts.storeInterned(std::string(insert), insertId), insertRef); // another buffer
            QCOMPARE(texts.storeInterned(commit, commitId), commitRef);
        }
        QCOMPARE(texts.storeInterned({}, insertId), ChunkTexts::kNone);
        // The same bytes under another id, and without one: copies of their own.
        const std::uint32_t otherId = texts.storeInterned(insert, newTextId());
        QVERIFY(otherId != insertRef);
        QVERIFY(texts.store(insert) != insertRef);
        // An id of the same slot evicts it; the evicted id is stored again, once.
        std::uint64_t sameSlot = newTextId();
        while ((sameSlot & 15) != (insertId & 15))
            sameSlot = newTextId();
        const std::uint32_t sameSlotRef = texts.storeInterned("SELECT 1", sameSlot);
        const std::uint32_t again = texts.storeInterned(insert, insertId);
        QVERIFY(again != insertRef);
        QCOMPARE(texts.storeInterned(insert, insertId), again);
        for (std::uint32_t ref : {insertRef, again, otherId})
            QCOMPARE(texts.view(ref), std::string_view(insert));
        QCOMPARE(texts.view(commitRef), std::string_view("COMMIT"));
        QCOMPARE(texts.view(sameSlotRef), std::string_view("SELECT 1"));
    }

    // Through the log: each chunk keeps its own copy, so an interned text reads back whole after
    // the window dropped the chunk that first stored it.
    void internedTextsReadBackAcrossDroppedChunks()
    {
        TraceLog log(TraceLogLimits{2000});
        const std::string texts[] = {"BEGIN CONCURRENT", "INSERT INTO hits VALUES ($worker, $iter)",
                                     "COMMIT"};
        const std::uint64_t ids[] = {newTextId(), newTextId(), newTextId()};
        for (std::int64_t n = 0; n < 30'000; ++n) {
            EventFields e;
            e.kind = EventKind::StatementBegin;
            e.connection = 1;
            e.a = n;
            log.append(e, texts[n % 3], ids[n % 3]);
        }
        QVERIFY(log.droppedCount() > 0);
        const std::vector<Event> kept = log.snapshot();
        QVERIFY(kept.size() >= 2000);
        for (const Event& e : kept)
            QCOMPARE(e.text, texts[e.a % 3]);
    }

    void textsReadBackWhileTheWindowDropsAndReusesChunks()
    {
        constexpr std::size_t kCap = 2000;
        constexpr std::int64_t kAppends = 60'000;
        TraceLog log(TraceLogLimits{kCap});
        for (std::int64_t n = 0; n < kAppends; ++n)
            log.append(numbered(1, n));
        QVERIFY(log.droppedCount() > 0);
        QVERIFY(log.chunksReused() > 0);
        const std::vector<Event> kept = log.snapshot();
        QVERIFY(!kept.empty());
        for (const Event& e : kept)
            QCOMPARE(e.text, textFor(1, e.a));

        // Visiting in place hands over the same texts (one Event reused for all).
        std::size_t visited = 0;
        log.visitSince(0, [&](const Event& e) {
            if (e.text != textFor(1, e.a)) QFAIL("visited text differs");
            ++visited;
        });
        QCOMPARE(visited, kept.size());
    }

    void aSavedSessionOfADroppingLogReadsEveryTextBack()
    {
        // Several threads, a small window: most events and their texts are dropped; what the
        // log still holds is saved and read back, every text exactly.
        constexpr std::size_t kCap = 1500;
        constexpr int kThreads = 4;
        constexpr std::int64_t kPerThread = 8000;
        TraceLog log(TraceLogLimits{kCap});
        std::barrier start(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                start.arrive_and_wait();
                for (std::int64_t n = 0; n < kPerThread; ++n)
                    log.append(numbered(static_cast<std::uint32_t>(t + 1), n));
            });
        for (std::thread& thread : threads)
            thread.join();
        QVERIFY(log.droppedCount() > 0);

        Session session;
        session.journalMode = "mvcc";
        session.events = log.snapshot();
        std::string error;
        const std::optional<Session> back = parseSession(formatSession(session), "texts.txsession", error);
        QVERIFY2(back.has_value(), error.c_str());
        QCOMPARE(back->events.size(), session.events.size());
        for (std::size_t i = 0; i < session.events.size(); ++i) {
            const Event& e = back->events[i];
            QCOMPARE(e.text, textFor(e.connection, e.a));
        }
    }
};

QTEST_APPLESS_MAIN(TestTraceTexts)
#include "tst_trace_texts.moc"
