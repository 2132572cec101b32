// A version's row as its VersionCreated text (engine/mvcc/RowText): the same text as the
// std::string rendering it replaced, kept below as the reference, for rows of every value type
// and every length around the cut (80 characters, cut to 77 and "..."); and the text an MVCC
// insert's VersionCreated carries in the log.

#include "engine/api/Database.h"
#include "engine/mvcc/RowText.h"
#include "engine/trace/TraceLog.h"

#include <QTest>
#include <charconv>
#include <cstdint>
#include <limits>
#include <memory>
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

std::string rendered(const Row& row)
{
    return std::string(mvcc::RowText(row).view());
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
    }
};

QTEST_GUILESS_MAIN(TestRowText)
#include "tst_row_text.moc"
