// The recorder's decoders: POSIX byte ranges into SQLite lock levels (SQLite's own sequences of
// fcntl calls, os_unix.c) and the WAL-index header of a real `-shm` file, damaged every way a
// hostile or torn file can be.

#include "engine/record/LockBytes.h"
#include "engine/record/ProcLocks.h"
#include "engine/record/WalIndexHeader.h"

#include <QTemporaryDir>
#include <QTest>
#include <fstream>
#include <iterator>
#include <random>
#include <sqlite3.h>
#include <vector>

using namespace txs;
using namespace txs::record;

namespace {

const ByteRange pending{kPendingByte, 1};
const ByteRange reserved{kReservedByte, 1};
const ByteRange sharedRange{kSharedFirst, kSharedSize};
const ByteRange pendingAndReserved{kPendingByte, 2};
const ByteRange wholeFile{0, 0};

std::vector<unsigned char> readAll(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

} // namespace

class TestRecordDecode : public QObject
{
    Q_OBJECT

private slots:
    void levelsFollowSqlitesMoves()
    {
        DbFileLocks f;
        QCOMPARE(f.level(), LockLevel::None);
        f.apply(ByteLock::Read, pending); // NONE -> SHARED, step 1: not a level yet
        QCOMPARE(f.level(), LockLevel::None);
        f.apply(ByteLock::Read, sharedRange);
        f.apply(ByteLock::None, pending);
        QCOMPARE(f.level(), LockLevel::Shared);
        f.apply(ByteLock::Write, reserved);
        QCOMPARE(f.level(), LockLevel::Reserved);
        f.apply(ByteLock::Write, pending);
        QCOMPARE(f.level(), LockLevel::Pending);
        f.apply(ByteLock::Write, sharedRange);
        QCOMPARE(f.level(), LockLevel::Exclusive);
        f.apply(ByteLock::Read, sharedRange); // back to SHARED
        f.apply(ByteLock::None, pendingAndReserved);
        QCOMPARE(f.level(), LockLevel::Shared);
        f.apply(ByteLock::None, wholeFile); // to NONE: SQLite unlocks the whole file
        QCOMPARE(f.level(), LockLevel::None);
        QCOMPARE(f.pending(), ByteLock::None);
        QCOMPARE(f.shared(), ByteLock::None);
    }

    void rangesElsewhereChangeNothing()
    {
        DbFileLocks f;
        f.apply(ByteLock::Write, ByteRange{0, 100});
        f.apply(ByteLock::Write, ByteRange{kSharedFirst + kSharedSize, 10});
        f.apply(ByteLock::Write, ByteRange{kPendingByte - 10, 10});
        QCOMPARE(f.level(), LockLevel::None);
        // Part of the SHARED range is still reading (any program may lock a part).
        f.apply(ByteLock::Read, ByteRange{kSharedFirst + 100, 1});
        QCOMPARE(f.level(), LockLevel::Shared);
    }

    void wantedLevelOfRefusedRequests()
    {
        QCOMPARE(wantedDbLevel(ByteLock::Read, pending), LockLevel::Shared);
        QCOMPARE(wantedDbLevel(ByteLock::Read, sharedRange), LockLevel::Shared);
        QCOMPARE(wantedDbLevel(ByteLock::Write, reserved), LockLevel::Reserved);
        QCOMPARE(wantedDbLevel(ByteLock::Write, pending), LockLevel::Exclusive);
        QCOMPARE(wantedDbLevel(ByteLock::Write, sharedRange), LockLevel::Exclusive);
        QCOMPARE(wantedDbLevel(ByteLock::Write, ByteRange{0, 4096}), std::nullopt);
        QCOMPARE(wantedDbLevel(ByteLock::None, pending), std::nullopt);
    }

    void shmSlots()
    {
        QCOMPARE(shmSlotsOf(ByteRange{120, 1}), 1u);      // WRITE
        QCOMPARE(shmSlotsOf(ByteRange{123, 1}), 1u << 3); // READ0
        QCOMPARE(shmSlotsOf(ByteRange{124, 4}), 0xf0u);   // READ1..4 (recovery)
        QCOMPARE(shmSlotsOf(ByteRange{128, 1}), 0u);      // DMS: no WAL lock
        QCOMPARE(shmSlotsOf(ByteRange{0, 0}), 0xffu);     // everything
        ShmLocks s;
        s.apply(ByteLock::Write, ByteRange{121, 2}); // CKPT + RECOVER
        QCOMPARE(s.slot(1), ByteLock::Write);
        QCOMPARE(s.slot(2), ByteLock::Write);
        QCOMPARE(s.slot(0), ByteLock::None);
        s.apply(ByteLock::None, ByteRange{122, 1});
        QCOMPARE(s.slot(2), ByteLock::None);
        QCOMPARE(shmSlotResource(0), LockResource::ShmWrite);
        QCOMPARE(shmSlotResource(7), static_cast<LockResource>(static_cast<int>(LockResource::ShmRead0) + 4));
        QCOMPARE(shmLevel(ByteLock::Read), LockLevel::Shared);
    }

    // A real -shm: a WAL database with 3 committed transactions and a reader holding a snapshot.
    void walIndexOfRealDatabase()
    {
        QTemporaryDir dir;
        const std::string db = dir.filePath("w.db").toStdString();
        sqlite3* writer = nullptr;
        sqlite3* reader = nullptr;
        QCOMPARE(sqlite3_open(db.c_str(), &writer), SQLITE_OK);
        QCOMPARE(sqlite3_exec(writer, "PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES(1);",
                              nullptr, nullptr, nullptr),
                 SQLITE_OK);
        QCOMPARE(sqlite3_open(db.c_str(), &reader), SQLITE_OK);
        QCOMPARE(sqlite3_exec(reader, "BEGIN; SELECT * FROM t;", nullptr, nullptr, nullptr), SQLITE_OK);
        QCOMPARE(sqlite3_exec(writer, "INSERT INTO t VALUES(2);", nullptr, nullptr, nullptr), SQLITE_OK);

        std::string error;
        const auto h = readWalIndexHeader(db + "-shm", error);
        QVERIFY2(h, error.c_str());
        QCOMPARE(h->pageSize, 4096u);
        QVERIFY(h->mxFrame >= 3);
        QVERIFY(h->nBackfill <= h->mxFrame);
        QCOMPARE(h->readMarks[0], std::optional<std::uint32_t>(0));
        // The reader's snapshot is older than the newest frame: one mark trails mxFrame.
        bool trailing = false;
        for (int i = 1; i < 5; ++i)
            trailing = trailing || (h->readMarks[static_cast<std::size_t>(i)] &&
                                    *h->readMarks[static_cast<std::size_t>(i)] < h->mxFrame);
        QVERIFY(trailing);

        const auto good = readAll(db + "-shm");
        QVERIFY(good.size() >= kWalIndexHeaderSize);
        sqlite3_exec(reader, "COMMIT", nullptr, nullptr, nullptr);
        sqlite3_close(reader);
        sqlite3_close(writer);

        // Damaged copies: each gives a message, none a header.
        auto damaged = [&](auto change) {
            std::vector<unsigned char> b(good.begin(), good.begin() + kWalIndexHeaderSize);
            change(b);
            std::string why;
            const bool parsed = parseWalIndexHeader(b, why).has_value();
            return !parsed && !why.empty();
        };
        QVERIFY(damaged([](auto& b) { b.resize(100); }));
        QVERIFY(damaged([](auto& b) { b[16] ^= 1; })); // copies differ
        QVERIFY(damaged([](auto& b) {
            b[16] ^= 1;
            b[64] ^= 1;
        })); // checksum
        QVERIFY(damaged([](auto& b) {
            b[0] = 0;
            b[48] = 0;
        }));                                                                                  // version
        QVERIFY(damaged([](auto& b) { std::fill(b.begin() + 96, b.begin() + 100, 0xfe); }));  // backfill
        QVERIFY(damaged([](auto& b) { std::fill(b.begin() + 104, b.begin() + 108, 0x7f); })); // mark
        std::string why;
        QVERIFY(parseWalIndexHeader(
            std::vector<unsigned char>(good.begin(), good.begin() + kWalIndexHeaderSize), why));
        QVERIFY(!readWalIndexHeader(dir.filePath("missing-shm").toStdString(), why));
        QVERIFY(why.find("missing-shm") != std::string::npos);
    }

    // /proc/locks lines as the kernel writes them; anything else is skipped, never trusted.
    void procLocksLines()
    {
        const std::string text = "1: POSIX  ADVISORY  READ 4312 08:01:1234567 1073741826 1073742335\n"
                                 "1: -> POSIX  ADVISORY  WRITE 4400 08:01:1234567 1073741825 1073741825\n"
                                 "2: OFDLCK ADVISORY  WRITE -1 fd:0a:99 120 120\n"
                                 "3: FLOCK  ADVISORY  WRITE 77 08:01:5 0 EOF\n"
                                 "4: POSIX  ADVISORY  WRITE 78 08:01:5 0 EOF\n"
                                 "garbage\n5: POSIX ADVISORY READ x 08:01:5 0 1\n"
                                 "6: POSIX ADVISORY READ 9 08:01:5 10 2\n";
        const auto locks = parseProcLocks(text);
        QCOMPARE(locks.size(), std::size_t(4));
        QCOMPARE(locks[0].pid, 4312);
        QCOMPARE(locks[0].inode, std::uint64_t(1234567));
        QCOMPARE(locks[0].start, kSharedFirst);
        QCOMPARE(locks[0].length, kSharedSize);
        QCOMPARE(locks[0].type, ByteLock::Read);
        QVERIFY(locks[1].waiting);
        QCOMPARE(locks[1].start, kReservedByte);
        QVERIFY(locks[2].ofd);
        QCOMPARE(locks[2].major, 0xfdu);
        QCOMPARE(locks[2].minor, 0x0au);
        QCOMPARE(locks[3].length, std::int64_t(0)); // EOF: to the end
        QCOMPARE(locks[3].pid, 78);
    }

    // Random bytes, seeded: the parser never reads outside the buffer nor accepts nonsense.
    void randomBytesNeverParse()
    {
        std::mt19937 random(13);
        for (int round = 0; round < 2000; ++round) {
            std::vector<unsigned char> b(static_cast<std::size_t>(random() % 200));
            for (auto& c : b)
                c = static_cast<unsigned char>(random());
            std::string why;
            QVERIFY(!parseWalIndexHeader(b, why));
        }
    }
};

QTEST_GUILESS_MAIN(TestRecordDecode)
#include "tst_record_decode.moc"
