// ChunkedVector, the projections' record store: appends never move what is stored (addresses
// stay), elements are read back in order across chunk boundaries, iterators are random access
// (the projections binary-search them), copies are deep, and clear() destroys every element
// (strings: ASan sees a leak or a double free).

#include "engine/trace/ChunkedVector.h"

#include <QTest>
#include <algorithm>
#include <string>

using txs::ChunkedVector;

class TestChunkedVector : public QObject
{
    Q_OBJECT

private slots:
    void appendsKeepAddressesAndOrder()
    {
        ChunkedVector<std::string, 3> v; // chunks of 8: many boundaries
        QVERIFY(v.empty());
        std::vector<const std::string*> addresses;
        for (int i = 0; i < 100; ++i) {
            // Longer than the small-string buffer: a move would show in the data's address too.
            addresses.push_back(&v.emplace_back(std::string(40, 'a') + std::to_string(i)));
        }
        QCOMPARE(v.size(), std::size_t(100));
        for (int i = 0; i < 100; ++i) {
            QCOMPARE(&v[static_cast<std::size_t>(i)], addresses[static_cast<std::size_t>(i)]);
            QCOMPARE(v[static_cast<std::size_t>(i)], std::string(40, 'a') + std::to_string(i));
        }
        QCOMPARE(v.front(), std::string(40, 'a') + "0");
        QCOMPARE(v.back(), std::string(40, 'a') + "99");
        int n = 0;
        for (const std::string& s : v)
            QCOMPARE(s, std::string(40, 'a') + std::to_string(n++));
        QCOMPARE(n, 100);
    }

    void iteratorsAreRandomAccess()
    {
        ChunkedVector<int, 2> v; // chunks of 4
        for (int i = 0; i < 50; ++i)
            v.push_back(2 * i);
        static_assert(std::random_access_iterator<ChunkedVector<int, 2>::const_iterator>);
        static_assert(std::random_access_iterator<ChunkedVector<int, 2>::iterator>);
        const auto& c = v;
        QCOMPARE(c.end() - c.begin(), std::ptrdiff_t(50));
        QCOMPARE(*std::lower_bound(c.begin(), c.end(), 31), 32);
        QCOMPARE(std::lower_bound(c.begin(), c.end(), 31) - c.begin(), std::ptrdiff_t(16));
        QCOMPARE(std::partition_point(c.begin(), c.end(), [](int x) { return x < 10; }) - c.begin(),
                 std::ptrdiff_t(5));
        QCOMPARE(c.begin()[7], 14);
        for (int& x : v)
            x += 1;
        QCOMPARE(v[49], 99);
        QCOMPARE(std::vector<int>(c.begin() + 1, c.begin() + 3), (std::vector<int>{3, 5}));
    }

    void copiesAreDeepAndClearDestroys()
    {
        ChunkedVector<std::string, 2> a;
        for (int i = 0; i < 9; ++i)
            a.push_back(std::string(30, 'x') + std::to_string(i));
        ChunkedVector<std::string, 2> b = a;
        b[0] = "changed";
        QCOMPARE(a[0], std::string(30, 'x') + "0");
        QCOMPARE(b.size(), std::size_t(9));
        ChunkedVector<std::string, 2> c = std::move(b);
        QCOMPARE(c.size(), std::size_t(9));
        QCOMPARE(c[0], std::string("changed"));
        QVERIFY(b.empty()); // NOLINT: moved-from is empty by contract
        a = c;
        QCOMPARE(a[8], std::string(30, 'x') + "8");
        a.clear();
        QVERIFY(a.empty());
        a.push_back("again");
        QCOMPARE(a.size(), std::size_t(1));
        QCOMPARE(a[0], std::string("again"));
    }

    // truncate() keeps [0, n) where it was, destroys the rest (ASan: no leak of the strings past
    // n, no double free when the store is destroyed), and appends after it land in order again,
    // across a chunk freed and allocated anew.
    void truncateKeepsThePrefixAndFreesTheRest()
    {
        ChunkedVector<std::string, 2> v; // chunks of 4
        std::vector<const std::string*> addresses;
        for (int i = 0; i < 11; ++i)
            addresses.push_back(&v.emplace_back(std::string(40, 'p') + std::to_string(i)));
        v.truncate(20); // past the end: nothing
        QCOMPARE(v.size(), std::size_t(11));
        v.truncate(6); // inside the second chunk: the third is freed
        QCOMPARE(v.size(), std::size_t(6));
        for (std::size_t i = 0; i < 6; ++i) {
            QCOMPARE(&v[i], addresses[i]);
            QCOMPARE(v[i], std::string(40, 'p') + std::to_string(i));
        }
        for (int i = 6; i < 13; ++i)
            v.push_back("again " + std::to_string(i));
        QCOMPARE(v.size(), std::size_t(13));
        QCOMPARE(v[5], std::string(40, 'p') + "5");
        QCOMPARE(v[6], std::string("again 6"));
        QCOMPARE(v.back(), std::string("again 12"));
        v.truncate(8); // a chunk boundary: exactly two chunks stay
        QCOMPARE(v.size(), std::size_t(8));
        QCOMPARE(v.back(), std::string("again 7"));
        v.truncate(0);
        QVERIFY(v.empty());
        v.push_back("fresh");
        QCOMPARE(v.front(), std::string("fresh"));
    }
};

QTEST_GUILESS_MAIN(TestChunkedVector)
#include "tst_chunked_vector.moc"
