#include "engine/mvcc/LogFile.h"

#include "engine/mvcc/Futex.h"
#include "engine/mvcc/LogFormat.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace txs::mvcc {

namespace {

std::string failure(const std::string& what, const std::string& path)
{
    return what + " " + path + ": " + std::strerror(errno);
}

bool writeAll(int fd, const char* data, std::size_t size, std::uint64_t offset)
{
    while (size > 0) {
        const ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
        offset += static_cast<std::uint64_t>(n);
    }
    return true;
}

bool readAll(int fd, std::string& out, std::uint64_t from, std::uint64_t to)
{
    out.resize(to - from);
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(from + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

std::uint64_t pageSize()
{
    static const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    return page;
}

// A new or renamed directory entry is durable only once its directory is synced.
void syncDirectoryOf(const std::string& path)
{
    const auto slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

} // namespace

LogFile::LogFile(std::string path, int fd, std::uint64_t size)
    : path_(std::move(path)), fd_(fd), fileEnd_(size)
{}

LogFile::~LogFile()
{
    if (map_) ::munmap(map_, capacity_);
    // Leave no preallocated tail behind: the next open then sees the log exactly as written.
    if (grown_ && !failed_ && capacity_ > fileEnd_) (void)::ftruncate(fd_, static_cast<off_t>(fileEnd_));
    ::close(fd_);
}

// Makes the file (allocated on disk, so a full disk fails here, not as SIGBUS in a memcpy) and
// the mapping `capacity` bytes long. Called with the append lock held, or before any append.
std::optional<std::string> LogFile::mapTo(std::uint64_t capacity)
{
    if (capacity > capacity_) {
        // Zeros written, not fallocate: fallocate leaves "unwritten" extents, and the first
        // write into each makes the next fdatasync commit a journal transaction as well (the
        // commit latency at synchronous=FULL was three times SQLite WAL's). Written blocks are
        // allocated all the same, so a full disk still fails here.
        static const std::string zeros(64 * 1024, '\0');
        for (std::uint64_t at = capacity_; at < capacity;) {
            const std::size_t n =
                static_cast<std::size_t>(std::min<std::uint64_t>(zeros.size(), capacity - at));
            if (!writeAll(fd_, zeros.data(), n, at)) {
                const int error = errno;
                (void)::ftruncate(fd_, static_cast<off_t>(capacity_)); // a partial extension is not ours
                errno = error;
                return failure("cannot append to the MVCC log", path_);
            }
            at += n;
        }
    } else if (capacity < capacity_ && ::ftruncate(fd_, static_cast<off_t>(capacity)) != 0) {
        return failure("cannot cut the MVCC log", path_);
    }
    void* map = map_ ? ::mremap(map_, capacity_, capacity, MREMAP_MAYMOVE)
                     : ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (map == MAP_FAILED) return failure("cannot map the MVCC log", path_);
    map_ = static_cast<char*>(map);
    grown_ = grown_ || capacity > capacity_;
    capacity_ = capacity;
    return std::nullopt;
}

std::unique_ptr<LogFile> LogFile::open(const std::string& path, bool create, Found& found, std::string& error,
                                       bool* inUse)
{
    if (inUse) *inUse = false;
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
    if (fd < 0) {
        error = failure("cannot open the MVCC log", path);
        return nullptr;
    }
    // One engine per log: two would interleave frames and each miss the other's commits.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        error =
            "the MVCC log " + path + " is in use by another open MVCC database (in this process or another)";
        if (inUse) *inUse = true;
        ::close(fd);
        return nullptr;
    }
    struct stat st
    {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        error = "cannot open the MVCC log " + path + ": not a regular file";
        ::close(fd);
        return nullptr;
    }
    const auto fileSize = static_cast<std::uint64_t>(st.st_size);
    if (!readAll(fd, found.head, 0, std::min<std::uint64_t>(fileSize, logHeaderSize))) {
        error = failure("cannot read the MVCC log", path);
        ::close(fd);
        return nullptr;
    }
    // Space preallocated for appends but not yet used when the process died is zeros, not a
    // torn frame (every frame ends with a non-zero magic): the log ends before it. Read from the
    // end a block at a time (the preallocated tail is at most one growth step).
    const std::uint64_t headerSize = std::min<std::uint64_t>(logHeaderSizeOf(found.head), fileSize);
    std::uint64_t used = fileSize;
    std::string block;
    while (used > headerSize) {
        const std::uint64_t from = std::max<std::uint64_t>(headerSize, used >= 65536 ? used - 65536 : 0);
        if (!readAll(fd, block, from, used)) {
            error = failure("cannot read the MVCC log", path);
            ::close(fd);
            return nullptr;
        }
        const auto last = block.find_last_not_of('\0');
        if (last != std::string::npos) {
            used = from + last + 1;
            break;
        }
        used = from;
    }
    found.size = used;
    if (found.head.size() > used) found.head.resize(static_cast<std::size_t>(used));
    std::unique_ptr<LogFile> log(new LogFile(path, fd, used));
    if (fileSize > 0) {
        void* map = ::mmap(nullptr, fileSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED) {
            error = failure("cannot map the MVCC log", path);
            return nullptr;
        }
        log->map_ = static_cast<char*>(map);
        log->capacity_ = fileSize;
    }
    return log;
}

std::optional<std::string> LogFile::writeHeader(const std::string& header)
{
    std::lock_guard lock(appendMutex_);
    header_ = header;
    if (fileEnd_ >= header.size()) return std::nullopt; // already there (checked by the caller)
    if (map_) {
        ::munmap(map_, capacity_);
        map_ = nullptr;
        capacity_ = 0;
    }
    if (::ftruncate(fd_, 0) != 0 || !writeAll(fd_, header.data(), header.size(), 0) || ::fdatasync(fd_) != 0)
        return failure("cannot write the MVCC log", path_);
    syncDirectoryOf(path_);
    fileEnd_ = header.size();
    released_ = 0;
    void* map = ::mmap(nullptr, header.size(), PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (map == MAP_FAILED) return failure("cannot map the MVCC log", path_);
    map_ = static_cast<char*>(map);
    capacity_ = header.size();
    return std::nullopt;
}

void LogFile::setHeader(const std::string& header)
{
    std::lock_guard lock(appendMutex_);
    header_ = header;
}

std::optional<std::string> LogFile::append(std::string_view frame, std::uint64_t& position, bool toBeSynced)
{
    std::lock_guard lock(appendMutex_);
    if (failed_) return failed_;
    if (syncBroken_.load(std::memory_order_acquire)) return brokenBy_;
    const std::uint64_t end = fileEnd_ + frame.size();
    if (end > capacity_) {
        // Grow in steps, so that appends are a copy into the mapping and not a system call.
        if (auto e = mapTo(end + growBy_)) return e;
    }
    if (toBeSynced) {
        // About to be fdatasync'd: a write() keeps the mapping's pages out of it. Syncing pages
        // dirtied through the mapping write-protects them again (a TLB shootdown, then a fault
        // on the next copy), which made every synced commit pay twice.
        if (!writeAll(fd_, frame.data(), frame.size(), fileEnd_))
            return failure("cannot append to the MVCC log", path_);
    } else {
        std::memcpy(map_ + fileEnd_, frame.data(), frame.size());
    }
    fileEnd_ = end;
    if (fileEnd_ - released_ >= releaseStepBytes) releaseWritten();
    position = appended_.fetch_add(frame.size(), std::memory_order_acq_rel) + frame.size();
    if (toBeSynced) syncFrames_.fetch_add(1); // seq_cst: a waiting leader's condition (gather)
    return std::nullopt;
}

// The mapping's pages below the append point are never touched again by this process (the
// checkpoint and recovery read the file with pread), yet each stays in its resident set once
// written: a log the checkpoint lets grow to hundreds of MB while writers outrun it held as many
// MB of RSS. MADV_DONTNEED on a shared file mapping only unmaps them: their data stays in the
// page cache (dirty pages are written back as usual), and a later touch would map them again.
void LogFile::releaseWritten()
{
    const std::uint64_t upTo = fileEnd_ / pageSize() * pageSize();
    if (!map_ || upTo <= released_) return;
    (void)::madvise(map_ + released_, upTo - released_, MADV_DONTNEED); // a hint: a failure costs memory only
    released_ = upTo;
}

void LogFile::setGrowth(std::uint64_t bytes)
{
    std::lock_guard lock(appendMutex_);
    growBy_ = bytes;
}

std::optional<std::string> LogFile::syncTo(std::uint64_t position, const std::atomic<int>* inFlight)
{
    inSyncTo_.fetch_add(1);
    struct Leave
    {
        std::atomic<int>& count;
        ~Leave() { count.fetch_sub(1); }
    } leave{inSyncTo_};
    committerArrived(); // our frame is appended: a leader waiting for it may go
    std::unique_lock lock(syncMutex_);
    if (synced_ >= position) return std::nullopt;
    if (syncFailed_) return refusal();
    if (!syncing_) {
        syncing_ = true; // leader: the next sync is ours, and it covers our frame (appended before)
        return lead(lock, inFlight);
    }
    Waiter self;
    self.position = position;
    (waitTail_ ? waitTail_->next : waitHead_) = &self;
    waitTail_ = &self;
    queued_.fetch_add(1, std::memory_order_relaxed);
    lock.unlock();
    std::uint32_t state;
    while ((state = self.state.load(std::memory_order_acquire)) == Waiter::Waiting)
        futexWait(self.state, Waiter::Waiting);
    if (state == Waiter::Synced) return std::nullopt;
    lock.lock();
    if (state == Waiter::Failed) return syncFailed_;
    if (state == Waiter::Refused) return refusal();
    return lead(lock, inFlight); // handed over: syncing_ stayed true for us, our frame is not synced yet
}

std::optional<std::string> LogFile::lead(std::unique_lock<std::mutex>& lock, const std::atomic<int>* inFlight)
{
    std::optional<std::optional<std::string>> own; // how the sync that covered our frame went
    for (bool goOn = true;;) {
        // syncMutex_ is held and the sync is ours. Everything appended so far is in the file
        // behind fd_ (a swap waits for syncing_ to clear before it replaces fd_).
        const int fd = fd_;
        const std::uint64_t expectedFrames = syncedFrames_ + static_cast<std::uint64_t>(returning_);
        const std::int64_t previousEnd = lastSyncEndNs_;
        const std::uint64_t previousFrames = syncedFrames_;
        const bool queued = waitHead_ != nullptr;
        lock.unlock();
        gather(expectedFrames, inFlight, queued);
        const std::uint64_t frames = syncFrames_.load();
        const std::uint64_t target = appended_.load(std::memory_order_acquire);
        const auto started = std::chrono::steady_clock::now();
        const int rc = syncHook_ ? syncHook_(fd) : ::fdatasync(fd);
        const int syncErrno = errno;
        const auto ended = std::chrono::steady_clock::now();
        const auto took = static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(ended - started).count());
        const std::uint64_t mean = meanSyncNs_.load(std::memory_order_relaxed);
        meanSyncNs_.store(mean == 0 ? took : mean - mean / 8 + took / 8, std::memory_order_relaxed);
        syncs_.fetch_add(1, std::memory_order_relaxed);
        syncNs_.fetch_add(took, std::memory_order_relaxed);
        framesCovered_.fetch_add(frames - previousFrames, std::memory_order_relaxed);
        const std::int64_t startNs =
            std::chrono::duration_cast<std::chrono::nanoseconds>(started.time_since_epoch()).count();
        if (previousEnd != 0)
            gapNs_.fetch_add(static_cast<std::uint64_t>(startNs - previousEnd), std::memory_order_relaxed);
        std::string message;
        if (rc != 0) {
            errno = syncErrno;
            message = failure("cannot sync the MVCC log", path_);
            // The frames this sync was writing may be gone from the file, and a frame lost takes
            // every later one with it at recovery: nothing more may be appended. (A flag, not
            // failed_: a swap holds the append lock while it waits for this sync to end.) Only
            // one sync ever fails: none runs after.
            brokenBy_ = "an earlier sync of the MVCC log failed (" + message +
                        "); the database accepts no more commits until it is reopened";
            syncBroken_.store(true, std::memory_order_release);
        }
        lock.lock();
        lastSyncEndNs_ =
            std::chrono::duration_cast<std::chrono::nanoseconds>(ended.time_since_epoch()).count();
        syncedFrames_ = frames;
        if (rc == 0 && target > synced_) synced_ = target;
        if (rc != 0 && !syncFailed_) syncFailed_ = message;
        if (!own) own = rc == 0 ? std::nullopt : std::optional<std::string>(message);
        // Covered (or, after a failure, every waiter: none of them can be synced any more) are
        // released; the rest stay queued for the next sync.
        Waiter* released = nullptr;
        Waiter* releasedLast = nullptr;
        Waiter* kept = nullptr;
        Waiter* keptLast = nullptr;
        for (Waiter* w = waitHead_; w; w = w->next) {
            const bool release = rc != 0 || w->position <= target;
            if (release) queued_.fetch_sub(1, std::memory_order_relaxed);
            Waiter*& first = release ? released : kept;
            Waiter*& last = release ? releasedLast : keptLast;
            (last ? last->next : first) = w;
            last = w;
        }
        if (releasedLast) releasedLast->next = nullptr;
        if (keptLast) keptLast->next = nullptr;
        waitHead_ = kept;
        waitTail_ = keptLast;
        // Waiters left: the next sync starts now, by us the first time (no wake-up in between),
        // else by the oldest of them, woken to lead (so no committer serves more than two syncs).
        Waiter* successor = nullptr;
        const bool again = kept && goOn;
        if (kept && !again) {
            successor = kept;
            waitHead_ = kept->next;
            if (!waitHead_) waitTail_ = nullptr;
            queued_.fetch_sub(1, std::memory_order_relaxed);
        }
        if (!kept) {
            syncing_ = false;
            idle_cv_.notify_all();
        }
        // Those in syncTo now commit again soon (released) or are queued with a frame: the
        // next leader waits for as many frames; we do not come back while we lead again.
        returning_ = inSyncTo_.load() - (again ? 1 : 0);
        const std::uint32_t outcome = rc == 0 ? Waiter::Synced : Waiter::Failed;
        const bool failedBefore = rc != 0;
        lock.unlock();
        for (Waiter* w = released; w;) {
            Waiter* const next = w->next; // read first: once its state changes, w may be gone
            const std::uint32_t state =
                failedBefore && w->position > target ? std::uint32_t{Waiter::Refused} : outcome;
            w->state.store(state, std::memory_order_release);
            futexWake(w->state, 1);
            w = next;
        }
        if (successor) {
            successor->state.store(Waiter::Lead, std::memory_order_release);
            futexWake(successor->state, 1);
        }
        if (!again) return *own;
        goOn = false;
        lock.lock();
    }
}

bool LogFile::missing(std::uint64_t expectedFrames, const std::atomic<int>* inFlight) const
{
    return syncFrames_.load() < expectedFrames || (inFlight && inFlight->load() > 0);
}

void LogFile::gather(std::uint64_t expectedFrames, const std::atomic<int>* inFlight, bool queued)
{
    if (!missing(expectedFrames, inFlight)) return;
    const std::uint64_t bound = meanSyncNs_.load(std::memory_order_relaxed);
    const std::uint64_t gathering = meanGatherNs_.load(std::memory_order_relaxed);
    if (queued && gathering >= bound && syncs_.load(std::memory_order_relaxed) % 8 != 7) {
        // Committers queued during the last sync make this batch already, and waiting for the
        // ones it released has lately taken as long as a sync (CPU-bound: they run one by one
        // on the cores): sync now, and let those gather during it (a pipeline, the cores busy
        // while the disk syncs) rather than idle the disk and then the cores. Every eighth sync
        // waits all the same, to measure again.
        return;
    }
    // The bound is what a sync costs (measured): a committer that does not come (its run
    // ended, a transaction left open) delays this batch by at most one more sync.
    const auto waitStart = std::chrono::steady_clock::now();
    const auto deadline = waitStart + std::chrono::nanoseconds(bound);
    waitFrames_.store(expectedFrames, std::memory_order_relaxed);
    waitInFlight_.store(inFlight, std::memory_order_relaxed);
    // seq_cst, against the committers' counts (syncFrames_, inFlight): either the committer that
    // completes the condition sees leaderWaiting_ and wakes us, or we see its count below.
    leaderWaiting_.store(true);
    bool timedOut = false;
    {
        std::unique_lock arrival(arrivalMutex_);
        while (missing(expectedFrames, inFlight))
            if (arrival_cv_.wait_until(arrival, deadline) == std::cv_status::timeout) {
                timedOut = missing(expectedFrames, inFlight);
                break;
            }
    }
    leaderWaiting_.store(false);
    const auto waited = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - waitStart)
            .count());
    // How long the committers took to come (a wait cut short counts its whole bound).
    const std::uint64_t sample = timedOut ? std::max(waited, bound) : waited;
    meanGatherNs_.store(gathering == 0 ? sample : gathering - gathering / 8 + sample / 8,
                        std::memory_order_relaxed);
    waits_.fetch_add(1, std::memory_order_relaxed);
    if (timedOut) timeouts_.fetch_add(1, std::memory_order_relaxed);
    waitNs_.fetch_add(waited, std::memory_order_relaxed);
}

std::string LogFile::refusal() const
{
    return "the MVCC log could not be synced earlier (" + *syncFailed_ +
           "), so this commit cannot be made durable; the database accepts no more commits until it is "
           "reopened";
}

SyncCounts LogFile::syncCounts() const
{
    SyncCounts c;
    c.syncs = syncs_.load(std::memory_order_relaxed);
    c.frames = framesCovered_.load(std::memory_order_relaxed);
    c.syncNs = syncNs_.load(std::memory_order_relaxed);
    c.waitNs = waitNs_.load(std::memory_order_relaxed);
    c.waits = waits_.load(std::memory_order_relaxed);
    c.timeouts = timeouts_.load(std::memory_order_relaxed);
    c.gapNs = gapNs_.load(std::memory_order_relaxed);
    c.queued = static_cast<std::uint64_t>(queued_.load(std::memory_order_relaxed));
    return c;
}

void LogFile::committerArrived()
{
    if (!leaderWaiting_.load()) return;
    // Only the arrival that completes what the leader waits for wakes it: one wake-up per sync,
    // not one per committer. (A stale read of a finished wait costs at most a spurious wake.)
    if (missing(waitFrames_.load(std::memory_order_relaxed), waitInFlight_.load(std::memory_order_relaxed)))
        return;
    std::lock_guard arrival(arrivalMutex_); // the leader is waiting, not between check and wait
    arrival_cv_.notify_all();
}

std::optional<std::string> LogFile::truncate(std::uint64_t size)
{
    std::lock_guard lock(appendMutex_);
    if (mapTo(size) || ::fdatasync(fd_) != 0)
        return failure("cannot cut the torn tail off the MVCC log", path_);
    fileEnd_ = size;
    released_ = std::min(released_, size / pageSize() * pageSize());
    return std::nullopt;
}

std::uint64_t LogFile::fileEnd()
{
    std::lock_guard lock(appendMutex_);
    return fileEnd_;
}

std::optional<std::string> LogFile::read(std::uint64_t from, std::uint64_t to, std::string& out)
{
    int fd;
    {
        std::lock_guard lock(appendMutex_);
        fd = fd_;
    }
    // Only a swap replaces fd_, and only the checkpoint (the one caller of read) swaps.
    if (!readAll(fd, out, from, to)) return failure("cannot read the MVCC log", path_);
    return std::nullopt;
}

LogWindow LogFile::window(std::uint64_t to)
{
    std::lock_guard lock(appendMutex_);
    return LogWindow(fd_, to);
}

std::optional<std::string> LogFile::swap(std::string_view kept, std::uint64_t tailFrom)
{
    std::lock_guard append(appendMutex_);
    if (failed_) return failed_;
    if (syncBroken_.load(std::memory_order_acquire)) return brokenBy_;
    const std::string temp = path_ + ".swap";
    const int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return failure("cannot create", temp);
    ::flock(fd, LOCK_EX | LOCK_NB); // the new log inherits the old one's role as the lock
    // The tail (what was appended while the checkpoint ran) is copied a piece at a time, from the
    // file and not through the mapping: when writers outrun the checkpoint it is tens or hundreds
    // of MB, and reading it whole, then into one string with the header, cost twice its size in
    // memory at the peak of a fast run (docs/performance.md, "Where a long insert run's memory goes").
    std::uint64_t size = header_.size() + kept.size();
    bool written = writeAll(fd, header_.data(), header_.size(), 0) &&
                   writeAll(fd, kept.data(), kept.size(), header_.size());
    std::string piece;
    for (std::uint64_t from = tailFrom; written && from < fileEnd_;) {
        const std::uint64_t to = std::min<std::uint64_t>(fileEnd_, from + swapPieceBytes);
        if (!readAll(fd_, piece, from, to)) {
            ::close(fd);
            ::unlink(temp.c_str());
            return failure("cannot read the MVCC log", path_);
        }
        written = writeAll(fd, piece.data(), piece.size(), size);
        size += piece.size();
        from = to;
    }
    if (!written || ::fdatasync(fd) != 0 || ::rename(temp.c_str(), path_.c_str()) != 0) {
        const std::string message = failure("cannot replace the MVCC log with", temp);
        ::close(fd);
        ::unlink(temp.c_str());
        return message;
    }
    syncDirectoryOf(path_);

    std::unique_lock sync(syncMutex_);
    idle_cv_.wait(sync, [this] { return !syncing_; }); // a leader may still be syncing the old fd
    void* map = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        // The new log is in place and whole, but we cannot write to it: refuse further commits.
        failed_ = failure("cannot map the MVCC log", path_) +
                  "; the database accepts no more commits until it is reopened";
        ::close(fd);
        return failed_;
    }
    ::munmap(map_, capacity_);
    ::close(fd_);
    fd_ = fd;
    map_ = static_cast<char*>(map);
    capacity_ = size;
    fileEnd_ = size;
    released_ = 0;
    // The new file was synced whole, so everything appended so far is durable.
    // Nobody is queued (committers queue only while a sync is running).
    synced_ = appended_.load(std::memory_order_acquire);
    return std::nullopt;
}

} // namespace txs::mvcc
