#pragma once
// The logical log file: appends into a shared mapping of the file, group commit for fsync,
// and the checkpoint's swap to a shorter log.
//
// An append is a memcpy into the page cache under a short lock, not a write() system call:
// the frame is in the file (as the OS sees it) when append returns, so a commit acknowledged at
// synchronous=NORMAL survives the process being killed, as with SQLite's WAL; an fdatasync
// makes it survive a power failure too. The file grows in preallocated steps (zeros written, so a
// full disk is an error from append rather than SIGBUS); a clean close cuts the unused tail,
// and after a crash the zeros of that tail are recognised as the end of the log.
//
// Positions given to committers are logical (bytes ever appended, across swaps), so a swap
// never invalidates a position someone is waiting on: a swap leaves everything durable.
//
// Group commit: a committer that needs its frame durable calls syncTo(its position). If no
// sync is running it becomes the leader, fdatasyncs everything appended so far and publishes
// how far that reached. Committers that arrive while a sync runs queue, each sleeping on its own
// word (Futex.h); when the sync returns, its leader wakes exactly the ones it covered (and tells
// each how it went: a failed sync fails exactly the commits it covered), never the others. If
// some queued behind it, the leader does not hand the next sync to one of them (a wake-up, then
// waiting for a core: the disk idle meanwhile) but starts it itself at once, once; after that it
// hands over to the oldest waiter. So the next batch gathers while a sync runs, and a sync
// starts as soon as the previous one returns.
// Before it syncs, a leader waits for the committers already in flight, so that one sync
// serves them too instead of each waiting a whole further sync: those that were in syncTo when
// the last sync ended (released by it or waiting for the next: the committers that keep coming
// back), until as many frames wait for a sync, and the write transactions at synchronous=FULL
// that have written and not yet reached their append (`inFlight`). The wait is bounded by the
// measured mean duration of an fdatasync on this file: waiting longer would cost more than the
// next sync. When committers are already queued for the sync (they came during the last one)
// and that wait has lately taken as long as a sync (measured, weighted), the leader syncs at
// once instead: the committers are CPU-bound, and gathering then idles the disk and afterwards
// the cores, where a pipeline keeps both busy. With nobody in flight (one writer) the leader
// syncs at once: group commit costs nothing over a plain per-commit sync. The leader sleeps (a condition
// variable) and is woken once, by the committer whose arrival completes what it waits for, not by every
// arrival; it never spins or yields, which on a loaded machine hands the core to another process for a whole
// time slice. A failed fdatasync may have dropped the frames it was writing, so nothing after them could be
// recovered either: the log then refuses further appends (until the database is reopened) and
// every commit still waiting for a sync fails.

#include "engine/mvcc/SyncCounts.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace txs::mvcc {

class LogWindow;

class LogFile
{
public:
    // What open found: the log's length without the zeros of space preallocated but never
    // used, and its first bytes (up to a header's worth). The frames are read later, through a
    // window (window()), never all at once.
    struct Found
    {
        std::uint64_t size = 0;
        std::string head;
    };
    // Opens (creating an empty file when `create`). Writes nothing. On failure returns null
    // and a message naming the file; `*inUse` (if given) says whether it failed because another
    // engine holds the log (a typed fact: callers must not parse the message).
    static std::unique_ptr<LogFile> open(const std::string& path, bool create, Found& found,
                                         std::string& error, bool* inUse = nullptr);
    // Makes `header` the file's header: written (and synced) when the file holds nothing yet or
    // only part of it (a crash while it was being created), and used by every later swap().
    // The caller has checked that a file with more in it already starts with `header`.
    std::optional<std::string> writeHeader(const std::string& header);
    // Only remembers `header` for the next swap() (which rewrites the file with it).
    void setHeader(const std::string& header);
    ~LogFile();
    LogFile(const LogFile&) = delete;
    LogFile& operator=(const LogFile&) = delete;

    const std::string& path() const { return path_; }

    // Appends one whole frame; `position` is the logical position just past it. When the file
    // cannot grow (disk full) nothing is appended and the error names the file and the cause.
    // `toBeSynced`: the caller will syncTo() it at once (synchronous=FULL).
    std::optional<std::string> append(std::string_view frame, std::uint64_t& position,
                                      bool toBeSynced = false);
    // How much the file grows at a time when an append needs room (the checkpoint threshold
    // bounds the log, so a fraction of it is enough).
    void setGrowth(std::uint64_t bytes);
    // Returns once everything up to `position` is on stable storage (fdatasync), sharing syncs;
    // an error when the sync that covered it failed, or an earlier one did.
    // `inFlight`: committers on their way to an append that a leader should wait for (above).
    std::optional<std::string> syncTo(std::uint64_t position, const std::atomic<int>* inFlight = nullptr);
    // A committer counted in `inFlight` has appended or given up: wakes a waiting leader when
    // that completes what it waits for.
    void committerArrived();
    // For tests: called instead of fdatasync(fd) by the group commit (returns 0, or -1 with
    // errno set). Set before the first commit.
    void setSyncHook(std::function<int(int fd)> hook) { syncHook_ = std::move(hook); }
    std::uint64_t appended() const { return appended_.load(std::memory_order_acquire); }

    // Recovery: cuts the file to `size` bytes (dropping a torn or corrupt tail).
    std::optional<std::string> truncate(std::uint64_t size);
    // File offset of the end, taken under the append lock: every frame before it is whole.
    std::uint64_t fileEnd();
    // Reads [from, to) of the current file. Safe while others append beyond `to`.
    std::optional<std::string> read(std::uint64_t from, std::uint64_t to, std::string& out);
    // Bytes [0, to) of the current file through a fixed window (LogFormat.h), for recovery and
    // the checkpoint. Safe while others append beyond `to`; only valid until the next swap()
    // (only the checkpoint, the one reader while commits run, swaps).
    LogWindow window(std::uint64_t to);
    // Checkpoint: replaces the log with header + `kept` + whatever was appended after file
    // offset `tailFrom`. Commits wait for their append only while this runs. The new file is
    // written beside, synced, and renamed over the old one, so a crash leaves one or the other.
    std::optional<std::string> swap(std::string_view kept, std::uint64_t tailFrom);

    std::uint64_t syncs() const { return syncs_.load(std::memory_order_relaxed); }
    // Counted once per sync (SyncCounts.h).
    SyncCounts syncCounts() const;
    // The measured mean fdatasync duration (exponentially weighted), the leader's wait bound.
    std::uint64_t meanSyncNanos() const { return meanSyncNs_.load(std::memory_order_relaxed); }

    // How far behind the append point the mapping's written pages are let go of (releaseWritten),
    // and the piece in which swap() copies the frames appended during a checkpoint: what the log
    // holds in memory whatever its size on disk.
    static constexpr std::uint64_t releaseStepBytes = std::uint64_t{2} << 20;
    static constexpr std::uint64_t swapPieceBytes = std::uint64_t{1} << 20;

private:
    LogFile(std::string path, int fd, std::uint64_t size);
    std::optional<std::string> mapTo(std::uint64_t capacity);
    void releaseWritten(); // with appendMutex_ held

    const std::string path_;
    std::mutex appendMutex_;
    std::string header_;              // guarded by appendMutex_
    int fd_;                          // guarded by appendMutex_ and syncMutex_ (both held to change it)
    std::uint64_t fileEnd_;           // guarded by appendMutex_: the end of the frames
    char* map_ = nullptr;             // guarded by appendMutex_: the file, mapped shared
    std::uint64_t capacity_ = 0;      // guarded by appendMutex_: file and mapping size
    std::uint64_t growBy_ = 1u << 20; // guarded by appendMutex_
    bool grown_ = false;              // guarded by appendMutex_: we preallocated (cut it at close)
    std::uint64_t released_ = 0;      // guarded by appendMutex_: mapped pages below it were let go of
    std::atomic<std::uint64_t> appended_{0};
    std::optional<std::string> failed_;   // guarded by appendMutex_: a write that could not be undone
    std::atomic<bool> syncBroken_{false}; // a sync failed: no more appends (brokenBy_ says why)
    std::string brokenBy_;                // written once, before syncBroken_ is set

    // A committer queued for a sync (on its own stack, in syncTo): its state changes once, from
    // Waiting, under syncMutex_ by the leader that ends its wait, which then wakes it.
    struct Waiter
    {
        enum : std::uint32_t { Waiting, Synced, Failed, Refused, Lead };
        std::uint64_t position = 0;
        std::atomic<std::uint32_t> state{Waiting};
        Waiter* next = nullptr; // guarded by syncMutex_
    };
    // The leader's side of syncTo: syncMutex_ held on entry and syncing_ ours; returns how the
    // sync that covered `position` went.
    std::optional<std::string> lead(std::unique_lock<std::mutex>& lock, const std::atomic<int>* inFlight);
    // The bounded wait for the committers in flight (the class comment), before a sync;
    // `queued`: committers already wait for this sync (it may then start at once).
    void gather(std::uint64_t expectedFrames, const std::atomic<int>* inFlight, bool queued);
    bool missing(std::uint64_t expectedFrames, const std::atomic<int>* inFlight) const;
    std::string refusal() const; // with syncMutex_ held, after a failed sync

    std::mutex syncMutex_;
    std::condition_variable idle_cv_;       // syncing_ became false (swap waits for it)
    std::uint64_t synced_ = 0;              // guarded by syncMutex_
    bool syncing_ = false;                  // guarded by syncMutex_: a leader owns the next sync
    Waiter* waitHead_ = nullptr;            // guarded by syncMutex_: queued while syncing_, oldest first
    Waiter* waitTail_ = nullptr;            // guarded by syncMutex_
    std::atomic<int> queued_{0};            // waiters in that queue (changed under syncMutex_)
    std::optional<std::string> syncFailed_; // guarded by syncMutex_: the failed sync's error
    std::function<int(int)> syncHook_;      // set before the first commit (tests)
    std::atomic<std::uint64_t> syncs_{0};
    // SyncCounts, written by the leader only (relaxed: read for figures, never to decide).
    std::atomic<std::uint64_t> framesCovered_{0}, syncNs_{0}, waitNs_{0}, waits_{0}, timeouts_{0}, gapNs_{0};
    std::int64_t lastSyncEndNs_ = 0;           // guarded by syncMutex_: steady clock, 0 before the first sync
    std::atomic<std::uint64_t> meanSyncNs_{0}; // written by the leader only
    std::atomic<std::uint64_t> meanGatherNs_{0}; // the same: how long gather's waits take (weighted)
    std::atomic<std::uint64_t> syncFrames_{0};   // frames appended toBeSynced, ever (seq_cst: see gather)
    std::atomic<int> inSyncTo_{0};               // committers in syncTo
    std::uint64_t syncedFrames_ = 0;             // guarded by syncMutex_: syncFrames_ the last sync covered
    int returning_ =
        0; // guarded by syncMutex_: in syncTo when the last sync ended, but its leader if it went on

    // A leader waiting for the committers in flight: what it waits for (set before leaderWaiting_,
    // seq_cst with the committers' counts: see gather).
    std::mutex arrivalMutex_;
    std::condition_variable arrival_cv_;
    std::atomic<bool> leaderWaiting_{false};
    std::atomic<std::uint64_t> waitFrames_{0};
    std::atomic<const std::atomic<int>*> waitInFlight_{nullptr};
};

} // namespace txs::mvcc
