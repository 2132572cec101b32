// The compact storage of the MVCC store: a row version's record (SQLite's record format) gives
// back exactly the values it was made from (whether made from a Row or from views of SQLite's
// values, and logged with the same bytes either way), and a table's key map (sorted chunks) finds, orders
// and ranges keys exactly as an ordered map does, through chunk splits; a chain's versions (one
// inside the chain, more on the heap) behave as a std::vector, without touching the lock and flag
// that share their tail padding.

#include "engine/mvcc/KeyMap.h"
#include "engine/mvcc/LogFormat.h"
#include "engine/mvcc/RowRecord.h"
#include "engine/mvcc/Version.h"

#include <QTest>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace txs;
using namespace txs::mvcc;

namespace {

// An element that owns heap memory and counts the live ones: a leak, a double destruction or a
// move that forgets the source shows as a count (and under asan as an error).
struct Counted
{
    static inline int live = 0;
    std::string text; // longer than the small-string buffer: its own allocation
    explicit Counted(int n) : text("element number " + std::to_string(n) + " with a long tail") { ++live; }
    Counted(const Counted& o) : text(o.text) { ++live; }
    Counted(Counted&& o) noexcept : text(std::move(o.text)) { ++live; }
    Counted& operator=(const Counted&) = default;
    Counted& operator=(Counted&&) noexcept = default;
    ~Counted() { --live; }
};

std::vector<std::string> textsOf(const InlineVector<Counted>& v)
{
    std::vector<std::string> out;
    for (const auto& c : v)
        out.push_back(c.text);
    return out;
}

std::vector<std::string> textsOf(const std::vector<Counted>& v)
{
    std::vector<std::string> out;
    for (const auto& c : v)
        out.push_back(c.text);
    return out;
}

} // namespace

class TestMvccStorage : public QObject
{
    Q_OBJECT

private slots:
    void recordRoundTripsEveryKindOfValue()
    {
        const std::int64_t min = std::numeric_limits<std::int64_t>::min();
        const std::int64_t max = std::numeric_limits<std::int64_t>::max();
        Row row{Value(),
                Value(0),
                Value(1),
                Value(-1),
                Value(127),
                Value(-128),
                Value(std::int64_t{32768}),
                Value(std::int64_t{-8388609}),
                Value(std::int64_t{1} << 40),
                Value(std::int64_t{-(std::int64_t{1} << 47)}),
                Value(min),
                Value(max),
                Value(1.5),
                Value(-0.0),
                Value(std::numeric_limits<double>::infinity()),
                Value(std::string()),
                Value(std::string("text with a \0 inside", 20)),
                Value(std::string(300, 'x')), // a serial type of two varint bytes
                Value(Blob{}),
                Value(Blob{{0, 255, 7}})};
        const RowRecord record(row);
        QVERIFY(static_cast<bool>(record));
        QCOMPARE(record.columnCount(), row.size());
        const Row back = record.decode();
        QCOMPARE(back.size(), row.size());
        for (std::size_t i = 0; i < row.size(); ++i) {
            QCOMPARE(back[i].type(), row[i].type());
            QVERIFY2(back[i] == row[i], std::to_string(i).c_str());
            QVERIFY(record.column(i) == row[i]);
        }
        QVERIFY(std::signbit(back[13].real()));      // -0.0 keeps its sign
        QVERIFY(record.column(row.size()).isNull()); // past the end: NULL, as after ADD COLUMN
        // The record is the data and a small header, not a vector of variants.
        QVERIFY(record.bytes() < 420);
    }

    // The virtual table's INSERT encodes views of SQLite's values (RowRecord(views, n)) and the
    // commit logs the version's record (FrameWriter::upsert(RowRecord)): both must give exactly
    // the bytes the Row's encoder and the Row's log entry give, for every kind of value.
    void recordFromViewsAndItsLogEntryMatchTheRows()
    {
        const std::int64_t min = std::numeric_limits<std::int64_t>::min();
        Row wide;
        for (int i = 0; i < 200; ++i) // a header of more than 127 bytes
            wide.push_back(i % 3 ? Value(std::string(i, 'a')) : Value(i * 1000));
        const std::vector<Row> rows{Row{Value(),
                                        Value(0),
                                        Value(1),
                                        Value(-1),
                                        Value(127),
                                        Value(-128),
                                        Value(std::int64_t{32768}),
                                        Value(std::int64_t{-8388609}),
                                        Value(std::int64_t{1} << 40),
                                        Value(min),
                                        Value(1.5),
                                        Value(-0.0),
                                        Value(1.0),
                                        Value(std::string()),
                                        Value(std::string("text with a \0 inside", 20)),
                                        Value(std::string(15, 's')),
                                        Value(std::string(16, 'l')),
                                        Value(std::string(70000, 'x')),
                                        Value(Blob{}),
                                        Value(Blob{{0, 255, 7}}),
                                        Value(Blob{std::vector<std::uint8_t>(300, 9)})},
                                    Row{}, Row{Value(7)}, // inline (3 bytes)
                                    wide};
        for (const Row& row : rows) {
            std::vector<ValueView> views;
            for (const Value& v : row)
                views.push_back(viewOf(v));
            const RowRecord fromRow(row), fromViews(views.data(), views.size());
            QVERIFY(fromViews.sameAs(fromRow));
            QCOMPARE(fromViews.bytes(), fromRow.bytes());
            const Row back = fromViews.decode();
            QCOMPARE(back.size(), row.size());
            for (std::size_t i = 0; i < row.size(); ++i) {
                QCOMPARE(back[i].type(), row[i].type());
                QVERIFY2(back[i] == row[i], std::to_string(i).c_str());
                if (row[i].type() == Value::Type::Real)
                    QCOMPARE(std::signbit(back[i].real()), std::signbit(row[i].real()));
            }
            // The walk gives each column once, as view(i) does, and stops after the last.
            RowRecord::Columns walk(fromViews);
            std::size_t n = 0;
            for (ValueView v; walk.next(v); ++n) {
                QVERIFY(n < row.size());
                const ValueView at = fromViews.view(n);
                QCOMPARE(v.type, at.type);
                QCOMPARE(compareViews(v, at), 0);
                QCOMPARE(v.bytes.size(), at.bytes.size());
            }
            QCOMPARE(n, row.size());
            FrameWriter byRow(42), byRecord(42);
            byRow.upsert("t", -5, row);
            byRecord.upsert("t", -5, fromViews);
            QVERIFY(byRow.finish() == byRecord.finish());
        }
        RowRecord::Columns none{RowRecord()};
        ValueView v;
        QVERIFY(!none.next(v));
    }

    void recordWithAHeaderOfMoreThan127Bytes()
    {
        Row row;
        for (int i = 0; i < 200; ++i)
            row.push_back(i % 3 ? Value(std::string(i, 'a')) : Value(i * 1000));
        const RowRecord record(row);
        QCOMPARE(record.columnCount(), row.size());
        QVERIFY(record.decode() == row);
        QVERIFY(record.column(199) == row[199]);
    }

    void recordCopiesShareAndCompare()
    {
        const RowRecord none;
        QVERIFY(!none);
        QCOMPARE(none.columnCount(), std::size_t{0});
        QVERIFY(!none.toRow());
        const RowRecord a(Row{Value(1), Value("x")});
        RowRecord b = a;
        QVERIFY(b.sameAs(a));
        QVERIFY(!b.sameAs(RowRecord(Row{Value(1.0), Value("x")}))); // 1 and 1.0 are stored apart
        RowRecord c = std::move(b);
        QVERIFY(!b);
        QVERIFY(c.sameAs(a));
        QVERIFY(*c.toRow() == (Row{Value(1), Value("x")}));
        const RowPtr nullRow;
        QVERIFY(!RowRecord(nullRow));
    }

    // Up to 7 bytes of record live in the object (an index key of one small integer); one more
    // byte takes a block.
    void smallRecordsLiveInline()
    {
        const Row small{Value(std::int64_t{-300}), Value("ab")}; // header 3, payload 2 + 2
        const RowRecord a(small);
        QCOMPARE(a.bytes(), sizeof(void*));
        RowRecord b = a;
        QVERIFY(b.sameAs(a));
        QVERIFY(b.decode() == small);
        QVERIFY(b.column(1) == Value("ab"));
        RowRecord c;
        c = std::move(b);
        QVERIFY(c.decode() == small);
        const Row eight{Value(std::int64_t{-300}), Value("abc")};
        const RowRecord d(eight);
        QVERIFY(d.bytes() > sizeof(void*));
        QVERIFY(d.decode() == eight);
        QVERIFY(!d.sameAs(a));
        QCOMPARE(RowRecord(Row{}).columnCount(), std::size_t{0});
    }

    void viewsCompareAsSqlite()
    {
        auto cmp = [](const Value& a, const Value& b) { return compareViews(viewOf(a), viewOf(b)); };
        QCOMPARE(cmp(Value(), Value(0)), -1);
        QCOMPARE(cmp(Value(2), Value(1.5)), 1);
        QCOMPARE(cmp(Value(1), Value(1.0)), 0);
        QCOMPARE(cmp(Value(99), Value("1")), -1);
        QCOMPARE(cmp(Value("a"), Value("ab")), -1);
        QCOMPARE(cmp(Value("\xc3\xa9"), Value("z")), 1); // bytes compare unsigned
        QCOMPARE(cmp(Value("z"), Value(Blob{{0}})), -1);
        const RowRecord record(Row{Value(std::int64_t{-300}), Value("m")});
        QCOMPARE(compareViews(record.view(0), viewOf(Value(-300))), 0);
        QCOMPARE(compareViews(record.view(1), viewOf(Value("n"))), -1);
    }

    // Random inserts (ascending runs and scattered keys, so chunks fill and split both ways)
    // against std::map, then every kind of range the table's scans ask for.
    // The search inside a chunk (a run of 16 picked by the chunk's samples, then searched) against
    // std::map: every stored key, its neighbours and the extremes are looked up after each batch
    // of inserts, with keys dense and sparse, ascending, descending and shuffled, so that chunks
    // split, runs fill partly, and keys fall on, between and around the samples.
    void keyMapSearchAgreesWithAnOrderedMap()
    {
        const auto minKey = std::numeric_limits<std::int64_t>::min();
        const auto maxKey = std::numeric_limits<std::int64_t>::max();
        std::vector<int> chains(64);
        auto chainFor = [&](std::int64_t k) {
            return reinterpret_cast<VersionChain*>(&chains[static_cast<std::uint64_t>(k) % chains.size()]);
        };
        for (int pattern = 0; pattern < 6; ++pattern) {
            std::mt19937_64 random(100 + pattern);
            std::vector<std::int64_t> order;
            for (std::int64_t k = 0; k < 3000; ++k)
                order.push_back(pattern % 2 == 0 ? k * 3 : k * 1000003 - 1500000000);
            if (pattern / 2 == 1) std::reverse(order.begin(), order.end());
            if (pattern / 2 == 2) std::shuffle(order.begin(), order.end(), random);
            order.push_back(minKey);
            order.push_back(maxKey);
            KeyMap keys;
            std::map<std::int64_t, VersionChain*> reference;
            auto agree = [&](std::int64_t k) {
                const auto it = reference.find(k);
                return keys.find(k) == (it == reference.end() ? nullptr : it->second);
            };
            for (std::size_t i = 0; i < order.size(); ++i) {
                const std::int64_t k = order[i];
                QCOMPARE(keys.insert(k, chainFor(k)), reference.emplace(k, chainFor(k)).first->second);
                QCOMPARE(keys.insert(k, chainFor(k ^ 1)), chainFor(k)); // present: kept
                if (i % 97 != 0 && i + 1 != order.size()) continue;
                QCOMPARE(keys.size(), reference.size());
                for (const auto& [key, chain] : reference) {
                    QVERIFY2(agree(key), std::to_string(key).c_str());
                    if (key != minKey) QVERIFY2(agree(key - 1), std::to_string(key - 1).c_str());
                    if (key != maxKey) QVERIFY2(agree(key + 1), std::to_string(key + 1).c_str());
                }
                QVERIFY(agree(minKey) && agree(maxKey) && agree(0) && agree(-1));
                // Ascending from each probe: the first entry at or after it (collect's lower bound).
                for (int probe = 0; probe < 50; ++probe) {
                    const auto from = static_cast<std::int64_t>(random());
                    std::vector<KeyMap::Entry> out;
                    keys.collect(from, maxKey, std::nullopt, false, 2, out);
                    auto it = reference.lower_bound(from);
                    for (const KeyMap::Entry& e : out) {
                        QVERIFY(it != reference.end());
                        QCOMPARE(e.key, it->first);
                        ++it;
                    }
                    QCOMPARE(out.size(), std::min<std::size_t>(
                                             2, std::distance(reference.lower_bound(from), reference.end())));
                }
            }
        }
    }

    void keyMapAgreesWithAnOrderedMap()
    {
        std::mt19937_64 random(7);
        KeyMap keys;
        std::map<std::int64_t, VersionChain*> reference;
        std::vector<int> chains(5000);
        auto chainFor = [&](std::size_t i) {
            return reinterpret_cast<VersionChain*>(&chains[i % chains.size()]);
        };
        std::size_t n = 0;
        for (std::int64_t k = 1; k <= 2000; ++k, ++n) { // rowids ascending
            QCOMPARE(keys.insert(k * 10, chainFor(n)), chainFor(n));
            reference.emplace(k * 10, chainFor(n));
        }
        for (int i = 0; i < 3000; ++i, ++n) { // scattered, some present already
            const auto k = static_cast<std::int64_t>(random() % 40000) - 10000;
            VersionChain* got = keys.insert(k, chainFor(n));
            auto [it, added] = reference.emplace(k, chainFor(n));
            QCOMPARE(got, it->second);
            Q_UNUSED(added);
        }
        const auto minKey = std::numeric_limits<std::int64_t>::min();
        const auto maxKey = std::numeric_limits<std::int64_t>::max();
        QVERIFY(keys.insert(minKey, chainFor(1)) == chainFor(1));
        QVERIFY(keys.insert(maxKey, chainFor(2)) == chainFor(2));
        reference.emplace(minKey, chainFor(1));
        reference.emplace(maxKey, chainFor(2));
        QCOMPARE(keys.size(), reference.size());
        for (std::int64_t k = -10010; k < 40010; k += 7)
            QCOMPARE(keys.find(k), reference.count(k) ? reference[k] : nullptr);

        auto expected = [&](std::int64_t lo, std::int64_t hi, std::optional<std::int64_t> after,
                            bool descending, std::size_t max) {
            std::vector<std::int64_t> out;
            if (!descending) {
                for (auto& [k, c] : reference)
                    if (k >= lo && k <= hi && (!after || k > *after) && out.size() < max) out.push_back(k);
            } else {
                for (auto it = reference.rbegin(); it != reference.rend(); ++it)
                    if (it->first >= lo && it->first <= hi && (!after || it->first < *after) &&
                        out.size() < max)
                        out.push_back(it->first);
            }
            return out;
        };
        for (int i = 0; i < 400; ++i) {
            std::int64_t lo = static_cast<std::int64_t>(random() % 50000) - 12000;
            std::int64_t hi = lo + static_cast<std::int64_t>(random() % 3000);
            if (i % 10 == 0) lo = minKey;
            if (i % 10 == 1) hi = maxKey;
            std::optional<std::int64_t> after;
            if (i % 3 == 0) after = lo + static_cast<std::int64_t>(random() % 2000);
            if (i == 5) after = maxKey;
            if (i == 6) after = minKey;
            const bool descending = i % 2;
            const std::size_t max = i % 4 ? 300 : SIZE_MAX;
            std::vector<KeyMap::Entry> got;
            keys.collect(lo, hi, after, descending, max, got);
            std::vector<std::int64_t> gotKeys;
            for (const auto& e : got) {
                QCOMPARE(e.chain, reference[e.key]);
                gotKeys.push_back(e.key);
            }
            QCOMPARE(gotKeys, expected(lo, hi, after, descending, max));
        }
    }

    void inlineVectorAgreesWithAStdVector()
    {
        std::mt19937 random(7);
        {
            InlineVector<Counted> got;
            std::vector<Counted> want;
            for (int step = 0; step < 20000; ++step) {
                const unsigned op = random() % 16;
                if (op < 7 || want.empty()) {
                    got.push_back(Counted(step));
                    want.push_back(Counted(step));
                } else if (op < 9) {
                    got.emplace_back(got.front()); // an argument that lives in the vector itself
                    want.push_back(want.front());
                } else if (op < 11) {
                    const std::size_t i = random() % want.size();
                    const auto next = got.erase(got.begin() + i);
                    want.erase(want.begin() + i);
                    QCOMPARE(static_cast<std::size_t>(next - got.begin()), i);
                } else if (op < 13) { // GC's remove_if and erase
                    const auto odd = [](const Counted& c) { return c.text.size() % 2 == 1; };
                    got.erase(std::remove_if(got.begin(), got.end(), odd), got.end());
                    want.erase(std::remove_if(want.begin(), want.end(), odd), want.end());
                } else if (op == 13) {
                    got.shrink_to_fit();
                    QVERIFY(got.capacity() >= got.size());
                    QVERIFY(got.capacity() < 2 * got.size() || got.capacity() == 1);
                } else if (op == 14 && random() % 8 == 0) {
                    got.clear();
                    want.clear();
                } else if (op == 15 && random() % 8 == 0) {
                    std::vector<Counted> from(want); // ALTER's rebuild assigns a whole vector
                    got = std::move(from);
                }
                QCOMPARE(got.size(), want.size());
                QCOMPARE(got.empty(), want.empty());
                if (step % 97 == 0 || got.size() < 4) QCOMPARE(textsOf(got), textsOf(want));
                QCOMPARE(Counted::live, static_cast<int>(2 * want.size()));
            }
            QCOMPARE(textsOf(got), textsOf(want));
        }
        QCOMPARE(Counted::live, 0);
    }

    void inlineVectorGoesBackInsideAtOneElement()
    {
        InlineVector<Counted> v;
        QCOMPARE(v.capacity(), std::size_t{1});
        v.push_back(Counted(1));
        QCOMPARE(v.capacity(), std::size_t{1}); // the first element costs no allocation
        v.push_back(Counted(2));
        v.push_back(Counted(3));
        QCOMPARE(v.capacity(), std::size_t{4});
        v.erase(v.begin(), v.begin() + 2);
        v.shrink_to_fit();
        QCOMPARE(v.capacity(), std::size_t{1});
        QCOMPARE(v.front().text, Counted(3).text);
        QCOMPARE(v.size(), std::size_t{1});
        QCOMPARE(v.rbegin()->text, v.back().text);
    }

    void chainLockAndFlagSurviveTheirVersions()
    {
        // The lock and flag live in the versions' tail padding: no operation on the versions
        // may write them.
        VersionChain chain;
        chain.lock.lock();
        chain.gcQueued = true;
        for (std::uint64_t id = 1; id <= 40; ++id)
            chain.versions.push_back(
                Version{id, Stamp::at(id), Stamp::none(), RowRecord(Row{Value(std::int64_t(id))})});
        chain.versions.erase(chain.versions.begin(), chain.versions.begin() + 39);
        chain.versions.shrink_to_fit();
        chain.versions = std::vector<Version>(1, chain.versions.front());
        chain.versions.clear();
        QCOMPARE(chain.gcQueued, true);
        chain.gcQueued = false;
        chain.versions.push_back(Version{41, Stamp::at(41), Stamp::none(), RowRecord(Row{Value(41)})});
        QCOMPARE(chain.versions.front().id, std::uint64_t{41});
        QCOMPARE(chain.gcQueued, false);
        // SpinLock is its one atomic flag (standard layout): still set by the lock() above.
        QVERIFY(reinterpret_cast<const std::atomic<bool>*>(&chain.lock)->load());
        chain.lock.unlock();
    }
};

QTEST_GUILESS_MAIN(TestMvccStorage)
#include "tst_mvcc_storage.moc"
