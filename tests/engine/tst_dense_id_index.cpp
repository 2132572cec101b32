// DenseIdIndex, the projections' id -> record index: every answer equals the one a
// std::unordered_map (the container it replaced) gives for the same operations, on seeded random
// ids of every shape the trace can hold — ids handed out in order, older ids seen late, ids far
// apart (0, the largest, negative rowids cast), a second dense run far from the first, an id
// reused after it was dropped, lookups of ids never held — and its memory stays within a few
// slots per id held whatever the ids.

#include "engine/trace/DenseIdIndex.h"

#include <QTest>
#include <cstdint>
#include <limits>
#include <random>
#include <unordered_map>
#include <vector>

using txs::DenseIdIndex;

namespace {

using Reference = std::unordered_map<std::uint64_t, std::size_t>;

std::size_t referenceFind(const Reference& r, std::uint64_t id)
{
    const auto it = r.find(id);
    return it == r.end() ? DenseIdIndex::npos : it->second;
}

// The memory rule: slots allocated within kMaxSlotsPerEntry per id held in pages, plus kFreePages
// pages (holds after inserts; erasing keeps the pages).
bool withinMemoryRule(const DenseIdIndex& index)
{
    return index.pagesAllocated() * DenseIdIndex::kPage <=
           DenseIdIndex::kMaxSlotsPerEntry * index.denseCount() +
               DenseIdIndex::kFreePages * DenseIdIndex::kPage;
}

// Ids of every shape, drawn by a seeded generator.
class IdSource
{
public:
    explicit IdSource(std::uint64_t seed) : rng_(seed) {}

    std::uint64_t next()
    {
        switch (pick(10)) {
        case 0:
        case 1:
        case 2:
        case 3: // handed out in order, sometimes skipping a few (ids spent elsewhere)
            counter_ += 1 + (pick(4) == 0 ? pick(50) : 0);
            return counter_;
        case 4: // an older id seen late
            return counter_ > 3000 ? counter_ - pick(3000) : pick(3000);
        case 5: // a second dense run far away (explicit rowids of 10^12 and on)
            far_ += 1 + pick(3);
            return far_;
        case 6: // anywhere
            return rng_();
        case 7: { // the extremes and negative rowids
            static const std::uint64_t extremes[] = {0,
                                                     1,
                                                     std::numeric_limits<std::uint64_t>::max(),
                                                     std::numeric_limits<std::uint64_t>::max() - 1,
                                                     static_cast<std::uint64_t>(std::int64_t{-1}),
                                                     static_cast<std::uint64_t>(std::int64_t{-5000}),
                                                     std::uint64_t{1} << 63};
            return extremes[pick(std::size(extremes))];
        }
        default: // ids just below the first page, pages in between, a page boundary
            return 5'000'000 + pick(2) * DenseIdIndex::kPage * (1 + pick(200)) - pick(2);
        }
    }
    std::uint64_t pick(std::uint64_t n)
    {
        return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_);
    }

private:
    std::mt19937_64 rng_;
    std::uint64_t counter_ = 5'000'000;
    std::uint64_t far_ = 1'000'000'000'000;
};

} // namespace

class TestDenseIdIndex : public QObject
{
    Q_OBJECT

private slots:
    void answersAsTheHashMapOnSeededRandomIds_data()
    {
        QTest::addColumn<quint64>("seed");
        for (quint64 seed : {1ULL, 7ULL, 42ULL, 1234567ULL, 0xfeedULL})
            QTest::addRow("seed %llu", static_cast<unsigned long long>(seed)) << seed;
    }
    void answersAsTheHashMapOnSeededRandomIds()
    {
        QFETCH(quint64, seed);
        IdSource ids(seed);
        DenseIdIndex index;
        Reference reference;
        std::vector<std::uint64_t> held;
        for (int op = 0; op < 60'000; ++op) {
            const std::uint64_t kind = ids.pick(20);
            if (kind < 10) { // insert unless held (the projections' create)
                const std::uint64_t id = ids.next();
                const std::size_t value = static_cast<std::size_t>(op);
                const auto [it, inserted] = reference.try_emplace(id, value);
                if (inserted) held.push_back(id);
                const auto got = index.tryEmplace(id, value);
                QCOMPARE(got.second, inserted);
                QCOMPARE(got.first, it->second);
            } else if (kind < 12) { // insert or overwrite (versionIndex_[id] = index)
                const std::uint64_t id = ids.next();
                if (reference.insert_or_assign(id, static_cast<std::size_t>(op)).second) held.push_back(id);
                index.insertOrAssign(id, static_cast<std::size_t>(op));
            } else if (kind < 13 && !held.empty()) { // drop an id; it may come back later
                const std::uint64_t id = held[ids.pick(held.size())];
                QCOMPARE(index.erase(id), reference.erase(id) > 0);
            } else if (kind < 16 && !held.empty()) { // look up an id held (or dropped)
                const std::uint64_t id = held[ids.pick(held.size())];
                QCOMPARE(index.find(id), referenceFind(reference, id));
                QCOMPARE(index.contains(id), reference.count(id) > 0);
            } else { // look up any id, mostly never held
                const std::uint64_t id = ids.next() + ids.pick(3);
                QCOMPARE(index.find(id), referenceFind(reference, id));
            }
            QCOMPARE(index.size(), reference.size());
        }
        // Every id ever held answers as the reference, and so do its neighbours.
        for (std::uint64_t id : held) {
            QCOMPARE(index.find(id), referenceFind(reference, id));
            QCOMPARE(index.find(id + 1), referenceFind(reference, id + 1));
            QCOMPARE(index.find(id - 1), referenceFind(reference, id - 1));
        }
        QCOMPARE(index.denseCount() + index.sparseCount(), reference.size());
    }

    void anIdReusedAfterADropHoldsItsNewValue()
    {
        DenseIdIndex index;
        for (std::uint64_t id = 100; id < 5000; ++id)
            QVERIFY(index.tryEmplace(id, id * 2).second);
        index.tryEmplace(std::uint64_t{1} << 60, 7); // a far one, held apart
        for (std::uint64_t id :
             {std::uint64_t{100}, std::uint64_t{2048}, std::uint64_t{4999}, std::uint64_t{1} << 60}) {
            QVERIFY(index.erase(id));
            QVERIFY(!index.erase(id));
            QCOMPARE(index.find(id), DenseIdIndex::npos);
            QVERIFY(!index.contains(id));
            const auto again = index.tryEmplace(id, 3);
            QVERIFY(again.second);
            QCOMPARE(index.find(id), std::size_t(3));
        }
        QCOMPARE(index.size(), std::size_t(4900 + 1));
        // tryEmplace keeps what is held; insertOrAssign replaces it.
        QCOMPARE(index.tryEmplace(2048, 9).first, std::size_t(3));
        QCOMPARE(index.find(2048), std::size_t(3));
        index.insertOrAssign(2048, 9);
        QCOMPARE(index.find(2048), std::size_t(9));
        QCOMPARE(index.size(), std::size_t(4901));
        index.clear();
        QVERIFY(index.empty());
        QCOMPARE(index.find(2048), DenseIdIndex::npos);
    }

    void idsHandedOutInOrderAreHeldInPagesWithoutGaps()
    {
        // A transaction or version counter, with a jump to a second counter far away (a log read
        // from the middle of a run, explicit rowids): no id is held one by one, and the pages are
        // the ids' pages and no more.
        DenseIdIndex index;
        const std::uint64_t n = 200'000, farBase = 1'000'000'000'000;
        for (std::uint64_t i = 0; i < n; ++i) {
            index.tryEmplace(1 + i, static_cast<std::size_t>(i));
            index.tryEmplace(farBase + i, static_cast<std::size_t>(n + i));
        }
        QCOMPARE(index.sparseCount(), std::size_t(0));
        QCOMPARE(index.denseCount(), std::size_t(2 * n));
        const std::size_t pagesPerRun = (n + DenseIdIndex::kPage) / DenseIdIndex::kPage; // spans a boundary
        QVERIFY(index.pagesAllocated() <= 2 * (pagesPerRun + 1));
        QCOMPARE(index.find(0), DenseIdIndex::npos);
        QCOMPARE(index.find(n + 1), DenseIdIndex::npos);
        QCOMPARE(index.find(farBase + n / 2), std::size_t(n + n / 2));
    }

    void scatteredIdsStayWithinTheMemoryRule()
    {
        // One id per page, far apart or just a page apart: a page each would be 1,024 slots per
        // id; the rule keeps the slots within kMaxSlotsPerEntry per id held in pages.
        for (const std::uint64_t stride : {std::uint64_t{DenseIdIndex::kPage}, std::uint64_t{1} << 40}) {
            DenseIdIndex index;
            Reference reference;
            for (std::uint64_t i = 0; i < 20'000; ++i) {
                index.tryEmplace(i * stride + 3, static_cast<std::size_t>(i));
                reference.try_emplace(i * stride + 3, static_cast<std::size_t>(i));
                QVERIFY(withinMemoryRule(index));
            }
            QCOMPARE(index.size(), reference.size());
            for (const auto& [id, value] : reference)
                QCOMPARE(index.find(id), value);
            QCOMPARE(index.find(5 * stride + 4), DenseIdIndex::npos);
        }
        IdSource ids(99);
        DenseIdIndex index;
        for (int i = 0; i < 50'000; ++i) {
            index.tryEmplace(ids.next(), static_cast<std::size_t>(i));
            QVERIFY(withinMemoryRule(index));
        }
    }
};

QTEST_APPLESS_MAIN(TestDenseIdIndex)
#include "tst_dense_id_index.moc"
