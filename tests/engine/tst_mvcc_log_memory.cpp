// What the MVCC log holds in memory does not follow its size on disk. When writers outrun the
// checkpoint (16 writers on 2 cores leave its thread a sixteenth of the CPU) the log grows to
// hundreds of MB between two checkpoints, and it cost as much RSS twice over: every page
// written through the shared mapping stayed resident, and the checkpoint's swap read the frames
// appended meanwhile into one string and copied them into another (issue 17: a 16 x 200,000
// run's peak RSS was 2.2-2.4x its live rows). Measured here deterministically: the resident
// pages of the log's mapping (/proc/self/smaps), and the largest allocation a swap makes.

#include "engine/mvcc/LogFile.h"
#include "engine/mvcc/LogFormat.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>

using namespace txs;

namespace {

// The largest single operator new while `counting` is set on this thread (the test's own).
thread_local bool counting = false;
std::atomic<std::size_t> largestAllocation{0};

void* allocate(std::size_t bytes)
{
    if (counting) {
        std::size_t seen = largestAllocation.load(std::memory_order_relaxed);
        while (bytes > seen && !largestAllocation.compare_exchange_weak(seen, bytes)) {
        }
    }
    if (void* p = std::malloc(bytes ? bytes : 1)) return p;
    throw std::bad_alloc();
}

// The resident bytes of the mappings of `path` in this process ("Rss:" of its smaps entries).
std::uint64_t residentBytesOf(const std::string& path)
{
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool inside = false;
    std::uint64_t kb = 0;
    while (std::getline(smaps, line)) {
        // A mapping's header line starts with its range, "start-end perms offset dev inode   path";
        // the lines after it are "Key:   value kB".
        const std::string range = line.substr(0, line.find(' '));
        const bool header = range.find('-') != std::string::npos &&
                            range.find_first_not_of("0123456789abcdef-") == std::string::npos;
        if (header) {
            inside =
                line.size() >= path.size() && line.compare(line.size() - path.size(), path.size(), path) == 0;
            continue;
        }
        if (inside && line.rfind("Rss:", 0) == 0) kb += std::stoull(line.substr(4));
    }
    return kb * 1024;
}

std::string fileBytes(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    const QByteArray all = file.readAll();
    return std::string(all.constData(), static_cast<std::size_t>(all.size()));
}

// A frame's worth of bytes; the log file does not look inside what it appends.
std::string frameOf(int i)
{
    std::string frame(1000, static_cast<char>('a' + i % 26));
    frame.back() = '\n';
    return frame;
}

} // namespace

void* operator new(std::size_t bytes)
{
    return allocate(bytes);
}
void* operator new[](std::size_t bytes)
{
    return allocate(bytes);
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete[](void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept
{
    std::free(p);
}

class TestMvccLogMemory : public QObject
{
    Q_OBJECT

    QTemporaryDir dir;
    std::string path() const { return dir.filePath("x.db-log").toStdString(); }
    const std::string header = std::string(mvcc::logHeaderSize, 'H');
    static constexpr int frames = 32 * 1024; // 32 MB of frames: sixteen release steps

    std::unique_ptr<mvcc::LogFile> openLog()
    {
        QFile::remove(QString::fromStdString(path()));
        mvcc::LogFile::Found found;
        std::string error;
        auto log = mvcc::LogFile::open(path(), true, found, error);
        if (log && log->writeHeader(header)) log.reset();
        return log;
    }

private slots:
    // 32 MB appended through the mapping leaves at most one release step of it resident (the
    // pages behind the append point are let go of); the bytes are all in the file.
    void appendedPagesLeaveTheResidentSet()
    {
        auto log = openLog();
        QVERIFY(log);
        std::uint64_t position = 0;
        std::string expected = header;
        for (int i = 0; i < frames; ++i) {
            const std::string frame = frameOf(i);
            QVERIFY(!log->append(frame, position));
            expected += frame;
        }
        QCOMPARE(position, std::uint64_t{frames} * 1000);
        const std::uint64_t resident = residentBytesOf(path());
        QVERIFY2(
            resident <= mvcc::LogFile::releaseStepBytes + 4096,
            (std::to_string(resident) + " bytes of the log's mapping resident after 32 MB appended").c_str());
        // What the file holds is every frame, in order (the process's view, through read()).
        std::string read;
        QVERIFY(!log->read(0, log->fileEnd(), read));
        QVERIFY(read == expected);
    }

    // A checkpoint's swap of a 32 MB tail copies it in pieces: no allocation near its size, and
    // the new log is the header, the kept frames and the tail, byte for byte; appends go on after
    // it and are let go of as before.
    void aSwapCopiesTheTailInPieces()
    {
        auto log = openLog();
        QVERIFY(log);
        std::uint64_t position = 0;
        const std::string old = frameOf(25);
        QVERIFY(!log->append(old, position)); // checkpointed: not in the new log
        const std::uint64_t tailFrom = log->fileEnd();
        std::string tail;
        for (int i = 0; i < frames; ++i) {
            const std::string frame = frameOf(i);
            QVERIFY(!log->append(frame, position));
            tail += frame;
        }
        const std::string kept = "kept frames";
        largestAllocation = 0;
        counting = true;
        const auto error = log->swap(kept, tailFrom);
        counting = false;
        QVERIFY2(!error, error ? error->c_str() : "");
        QVERIFY2(
            largestAllocation.load() <= 2 * mvcc::LogFile::swapPieceBytes,
            (std::to_string(largestAllocation.load()) + " bytes in one allocation during the swap").c_str());
        QVERIFY(fileBytes(QString::fromStdString(path())) == header + kept + tail);
        QCOMPARE(log->fileEnd(), std::uint64_t{header.size() + kept.size() + tail.size()});

        for (int i = 0; i < frames; ++i)
            QVERIFY(!log->append(frameOf(i), position));
        QVERIFY(residentBytesOf(path()) <= mvcc::LogFile::releaseStepBytes + 4096);
        QCOMPARE(log->fileEnd(), std::uint64_t{header.size() + kept.size() + 2 * tail.size()});
    }
};

QTEST_GUILESS_MAIN(TestMvccLogMemory)
#include "tst_mvcc_log_memory.moc"
