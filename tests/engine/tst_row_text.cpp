// A version's row as its VersionCreated text (engine/trace/RowText), read from the row's record:
// the same text as the std::string rendering of the decoded row it replaced, kept below as the
// reference, for rows of every value type and every length around the cut (80 characters, cut
// to 77 and "..."); and the text an MVCC insert's VersionCreated carries in the log. A short
// record is stored in the log as its bytes and rendered when read, a long one rendered at once:
// every read path of the log (snapshot, readSince in slices, visitSince, visitFieldsSince, a
// saved session) gives the same text as the old rendering, either way.

#include "engine/api/Database.h"
#include "engine/api/RecordFormat.h"
#include "engine/mvcc/RowRecord.h"
#include "engine/trace/ChunkTexts.h"
#include "engine/trace/RowText.h"
#include "engine/trace/SessionFile.h"
#include "engine/trace/TraceLog.h"

#include <QTest>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <set>
#include <string>

using namespace txs;

namespace {

// The rendering of before (engine/mvcc/MvccWrites.cpp up to 2026-12-05), unchanged.
std::string referenceRowText(const Row& row)
{
    std::string s;
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (i) s += '|';
        if (row[i].type() == Value::Type::Integer) {
            char digits[24];
            const auto end = std::to_chars(digits, digits + sizeof digits, row[i].integer()).ptr;
            s.append(digits, end);
        } else {
            s += row[i].display();
        }
        if (s.size() > 80) return s.substr(0, 77) + "...";
    }
    return s;
}

// The row's text as the MVCC store's trace renders it: from the row's record.
std::string rendered(const Row& row)
{
    const mvcc::RowRecord record(row);
    return std::string(RowText(record.recordBytes()).view());
}

// Rows of every value type (NULL, integers, reals as SQLite prints them: whole, tiny, huge,
// negative zero, infinities, NaN; texts with quotes and '|', blobs), with records shorter and
// longer than the log stores as bytes (kMaxRecordBytes), and texts around the cut.
std::vector<Row> rowsOfEveryKind()
{
    const double reals[] = {0.0,
                            -0.0,
                            1.0,
                            0.1,
                            -2.5,
                            1e300,
                            -1e-300,
                            1e15,
                            1e16,
                            1.0 / 3,
                            123456789012345678.0,
                            4.9e-324,
                            HUGE_VAL,
                            -HUGE_VAL,
                            std::nan("")};
    const std::int64_t integers[] = {0,
                                     -1,
                                     7,
                                     std::numeric_limits<std::int64_t>::min(),
                                     std::numeric_limits<std::int64_t>::max(),
                                     1234567890123};
    std::vector<Row> rows;
    for (double r : reals)
        rows.push_back({Value(r)});
    for (std::int64_t i : integers)
        rows.push_back({Value(i), Value(nullptr)});
    rows.push_back({Value(nullptr)});
    rows.push_back({Value(nullptr), Value(nullptr), Value(3), Value(-0.0)});
    for (std::size_t n = 1; n <= 17; ++n) { // 17 integers of 9 bytes: past kMaxRecordBytes
        Row wide, widest, reals16;
        for (std::size_t i = 0; i < n; ++i) {
            wide.emplace_back(static_cast<std::int64_t>(i * 37));
            widest.emplace_back(std::numeric_limits<std::int64_t>::min() + static_cast<std::int64_t>(i));
            reals16.emplace_back(1.0 / static_cast<double>(i + 3));
        }
        rows.push_back(wide);
        rows.push_back(widest);
        rows.push_back(reals16);
    }
    rows.push_back({Value("it's \"quoted\" | piped"), Value(1)});
    rows.push_back({Value(2), Value(Blob{{0x00, 0x27, 0xff}})});
    rows.push_back({Value(std::string(100000, 'h')), Value(1.5)});
    rows.push_back({Value(std::string()), Value(nullptr)});
    return rows;
}

EventFields versionOf(std::int64_t n)
{
    EventFields e;
    e.kind = EventKind::VersionCreated;
    e.connection = 1;
    e.txId = 1;
    e.rowid = n;
    return e;
}

} // namespace

class TestRowText : public QObject
{
    Q_OBJECT

private slots:
    void everyValueTypeAsBefore()
    {
        const Row rows[] = {
            {},
            {Value(0)},
            {Value(std::numeric_limits<std::int64_t>::min()),
             Value(std::numeric_limits<std::int64_t>::max())},
            {Value(nullptr), Value(1.5), Value(-0.25), Value("text"), Value(std::string())},
            {Value(Blob{{0x00, 0xab, 0xff}}), Value(Blob{})},
            {Value("caf\xc3\xa9"), Value(1e300), Value(3)},
        };
        for (const Row& row : rows)
            QCOMPARE(rendered(row), referenceRowText(row));
    }

    // Every total length from 70 to 90, reached by one text column, by many integer columns, and
    // by a long column after short ones: the cut falls inside a column, on a '|', at its end.
    void everyLengthAroundTheCutAsBefore()
    {
        for (std::size_t length = 0; length <= 90; ++length) {
            const Row one{Value(std::string(length, 'x'))};
            QCOMPARE(rendered(one), referenceRowText(one));
            const Row twoColumns{Value(7), Value(std::string(length, 'y'))};
            QCOMPARE(rendered(twoColumns), referenceRowText(twoColumns));
            const Row afterTheCut{Value(std::string(length, 'z')), Value(1234567), Value("tail")};
            QCOMPARE(rendered(afterTheCut), referenceRowText(afterTheCut));
            Row integers;
            for (std::size_t i = 0; i < length / 4; ++i)
                integers.emplace_back(static_cast<std::int64_t>(100 + i));
            QCOMPARE(rendered(integers), referenceRowText(integers));
        }
        const Row huge{Value(std::string(100000, 'h')), Value(Blob{std::vector<std::uint8_t>(5000, 0x5a)})};
        QCOMPARE(rendered(huge), referenceRowText(huge));
        QCOMPARE(rendered(huge).size(), std::size_t{80});
    }

    // A record renders as the old text of the same row, every kind; a stored record cut
    // anywhere (bytes that are not a whole record) renders the values it still holds whole, as
    // the old text of the row's first values, and reads nothing past its end (ASan).
    void recordsRenderAsTheirRows()
    {
        int stored = 0, long_ = 0;
        for (const Row& row : rowsOfEveryKind()) {
            const mvcc::RowRecord record(row);
            const std::string_view whole = record.recordBytes();
            QCOMPARE(std::string(RowText::renderRecord(whole)), referenceRowText(row));
            if (whole.size() > RowText::kMaxRecordBytes) {
                ++long_;
                continue; // rendered at once, not stored: no cut of it is ever read
            }
            ++stored;
            std::set<std::string> prefixes; // the old texts of the row's first 0, 1, ... values
            for (std::size_t k = 0; k <= row.size(); ++k)
                prefixes.insert(
                    referenceRowText(Row(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(k))));
            for (std::size_t cut = 0; cut < whole.size(); ++cut) {
                const std::string exact(whole.substr(0, cut)); // its own size: ASan sees overruns
                const std::string text(RowText::renderRecord(exact));
                QVERIFY2(prefixes.count(text), text.c_str());
            }
        }
        QVERIFY(stored > 10);
        QVERIFY(long_ > 3);
        const Row mixed{Value(7), Value("a|b"), Value(Blob{{0x00, 0xff}}), Value(-0.5), Value(nullptr)};
        QCOMPARE(rendered(mixed), std::string("7|a|b|x'00ff'|-0.5|NULL"));
    }

    // RecordReader on bytes that are not a record (RecordFormat.h): every value it returns lies
    // within the bytes, it stops at the first that would not, and reads nothing past the end.
    // Each case lies in a heap allocation of exactly its size, so ASan sees any overrun.
    void aMalformedRecordIsReadWithinItsBytes()
    {
        auto valuesOf = [](const std::vector<unsigned char>& bytes) {
            const std::unique_ptr<char[]> exact(new char[bytes.size() + (bytes.empty() ? 1 : 0)]);
            if (!bytes.empty()) std::memcpy(exact.get(), bytes.data(), bytes.size());
            const std::string_view view(exact.get(), bytes.size());
            RecordReader reader(view);
            int n = 0;
            for (ValueView v; reader.next(v); ++n) {
                if (!v.bytes.empty()) {
                    if (v.bytes.data() < view.data() ||
                        v.bytes.data() + v.bytes.size() > view.data() + view.size())
                        return -1;
                }
            }
            return n;
        };
        QCOMPARE(valuesOf({}), 0);
        QCOMPARE(valuesOf({0x00}), 0);                        // a header smaller than its own size
        QCOMPARE(valuesOf({0x05, 0x01, 0x01}), 0);            // a header past the bytes
        QCOMPARE(valuesOf({0x02, 0x81}), 0);                  // a serial type running past the header
        QCOMPARE(valuesOf({0x03, 0x01, 0x0f, 0x07, 'a'}), 2); // an integer and a text of 1 byte
        QCOMPARE(valuesOf({0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}), 0); // 9-byte type
        QCOMPARE(valuesOf({0x03, 0x8f, 0x61}), 0);       // a text of 1,002 bytes in none
        QCOMPARE(valuesOf({0x03, 0x01, 0x07, 0x2a}), 1); // an integer, then a real cut short
        QCOMPARE(valuesOf({0x03, 0x09, 0x00}), 2);       // 1 and NULL
        // Random bytes, seeded: never a value outside them (ASan: never a read past them).
        std::mt19937 random(20261206);
        for (int i = 0; i < 20000; ++i) {
            std::vector<unsigned char> bytes(random() % 24);
            for (unsigned char& b : bytes)
                b = static_cast<unsigned char>(random() % 4 == 0 ? 0x80 | random() : random() % 24);
            QVERIFY(valuesOf(bytes) >= 0);
            const std::string record(reinterpret_cast<const char*>(bytes.data()), bytes.size());
            QVERIFY(RowText::renderRecord(record).size() <= RowText::kCut);
        }
    }

    // Every read path of the log gives the old rendering of each row.
    void everyReadOfTheLogGivesTheOldText()
    {
        const std::vector<Row> rows = rowsOfEveryKind();
        // A small cap: the window drops chunks while the rows are appended twice over.
        auto log = std::make_shared<TraceLog>(TraceLogLimits{.maxEvents = 4096});
        const std::size_t rounds = 2 * 4096 / rows.size() + 1;
        std::vector<mvcc::RowRecord> records(rows.begin(), rows.end());
        for (std::size_t round = 0; round < rounds; ++round)
            for (std::size_t i = 0; i < rows.size(); ++i)
                log->appendRow(versionOf(static_cast<std::int64_t>(i)), records[i].recordBytes());
        auto expected = [&](std::int64_t rowid) {
            return referenceRowText(rows[static_cast<std::size_t>(rowid)]);
        };

        const std::vector<Event> all = log->snapshot();
        QVERIFY(log->droppedCount() > 0);
        QVERIFY(all.size() >= 4096 && all.size() < rounds * rows.size()); // whole chunks dropped
        for (const Event& e : all)
            QCOMPARE(e.text, expected(e.rowid));

        std::vector<Event> sliced;
        std::uint64_t from = 0;
        for (std::size_t before = 0;; before = sliced.size()) {
            from = log->readSince(from, 7, sliced);
            if (sliced.size() == before) break;
        }
        QCOMPARE(sliced.size(), all.size());
        for (std::size_t i = 0; i < sliced.size(); ++i)
            QCOMPARE(sliced[i].text, all[i].text);

        std::size_t visited = 0;
        log->visitSince(0, [&](const Event& e) {
            ++visited;
            QCOMPARE(e.text, expected(e.rowid));
        });
        QCOMPARE(visited, all.size());
        visited = 0;
        // A text rendered when read lies in the reader's buffer (RowText::renderRecord, which
        // for no bytes gives that buffer, empty); a stored text lies in the log. So this sees
        // that a short record was kept as its bytes, and a long one rendered when appended.
        const char* readersBuffer = RowText::renderRecord({}).data();
        log->visitFieldsSince(0, [&](const Event& e, std::string_view text) {
            ++visited;
            QVERIFY(e.text.empty());
            QCOMPARE(std::string(text), expected(e.rowid));
            const std::size_t recordBytes = records[static_cast<std::size_t>(e.rowid)].recordBytes().size();
            QCOMPARE(text.data() == readersBuffer, recordBytes <= RowText::kMaxRecordBytes);
        });
        QCOMPARE(visited, all.size());

        Session session;
        session.journalMode = "mvcc";
        session.events = all;
        std::string error;
        const auto loaded = parseSession(formatSession(session), "rows.txsession", error);
        QVERIFY2(loaded.has_value(), error.c_str());
        QCOMPARE(loaded->events.size(), all.size());
        for (std::size_t i = 0; i < all.size(); ++i)
            QCOMPARE(loaded->events[i].text, all[i].text);
    }

    // A stored record's bytes are never taken for a text of the same bytes, nor the reverse.
    void anEncodedTextIsMarkedInItsChunk()
    {
        ChunkTexts texts(16);
        const mvcc::RowRecord record(Row{Value(65), Value(nullptr)});
        const std::string_view bytes = record.recordBytes();
        const std::uint32_t encoded = texts.storeEncoded(bytes);
        const std::uint32_t plain = texts.store(bytes);
        QVERIFY(texts.read(encoded).encoded);
        QVERIFY(!texts.read(plain).encoded);
        QCOMPARE(texts.read(encoded).bytes, bytes);
        QCOMPARE(texts.read(plain).bytes, bytes);
    }

    void anInsertsVersionCreatedCarriesTheRowText()
    {
        auto log = std::make_shared<TraceLog>();
        const auto db = Database::open(":memory:", {JournalMode::Mvcc, log});
        QVERIFY(db);
        auto c = db->connect("c");
        QVERIFY(!c->execute("CREATE TABLE t(n INTEGER, s TEXT, r REAL, z)").error);
        QVERIFY(!c->execute("INSERT INTO t VALUES (-12, 'ab|c', 2.5, NULL)").error);
        std::string text;
        for (const Event& e : log->snapshot())
            if (e.kind == EventKind::VersionCreated) text = e.text;
        QCOMPARE(text, std::string("-12|ab|c|2.5|NULL"));
        // A row of numbers, and a row whose record is too long to be kept as its bytes (its text
        // rendered at once, and cut). The UPDATE's version takes the store's other path.
        QVERIFY(!c->execute("INSERT INTO t VALUES (7, NULL, -0.5, 1e300)").error);
        for (const Event& e : log->snapshot())
            if (e.kind == EventKind::VersionCreated) text = e.text;
        QCOMPARE(text, std::string("7|NULL|-0.5|1.0e+300"));
        QVERIFY(!c->execute("INSERT INTO t VALUES (8, printf('%.200c', 'w'), 0.5, x'00ff')").error);
        for (const Event& e : log->snapshot())
            if (e.kind == EventKind::VersionCreated) text = e.text;
        QCOMPARE(text, "8|" + std::string(RowText::kKept - 2, 'w') + "...");
        QVERIFY(!c->execute("UPDATE t SET s = 'short' WHERE n = 8").error);
        for (const Event& e : log->snapshot())
            if (e.kind == EventKind::VersionCreated) text = e.text;
        QCOMPARE(text, std::string("8|short|0.5|x'00ff'"));
    }
};

QTEST_GUILESS_MAIN(TestRowText)
#include "tst_row_text.moc"
