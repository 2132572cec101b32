#pragma once
// Who holds which SQLite lock on a database right now, seen from outside: the kernel's table of
// POSIX and OFD locks (/proc/locks) filtered to the database file and its -shm by device and
// inode, decoded into SQLite's locks per process, with each process's command line and the
// WAL index's header. No probe, no cooperation from the programs: a snapshot of one instant.

#include "engine/record/LockBytes.h"
#include "engine/record/WalIndexHeader.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace txs::record {

// One line of /proc/locks.
struct KernelLock
{
    bool waiting = false; // "->": blocked in F_SETLKW behind the lock above it
    bool ofd = false;     // OFDLCK (pid is then -1 or the opener's)
    ByteLock type = ByteLock::None;
    int pid = 0;
    unsigned major = 0, minor = 0;
    std::uint64_t inode = 0;
    std::int64_t start = 0;
    std::int64_t length = 0; // 0 = to the end of the file (EOF)
};

// Parses /proc/locks text; lines that are not POSIX or OFD locks, or do not parse, are skipped.
std::vector<KernelLock> parseProcLocks(const std::string& text);

struct ProcessLocks
{
    int pid = 0;
    std::string command; // /proc/PID/cmdline with spaces ("" when it cannot be read)
    LockLevel database = LockLevel::None;
    std::vector<std::pair<LockResource, LockLevel>> wal;     // WAL slots held (WRITE, READ1, ...)
    std::vector<std::pair<LockResource, LockLevel>> waiting; // blocked F_SETLKW requests
    bool opened = false; // has the database open (/proc/PID/fd), locks or not
};

struct DatabaseLocks
{
    std::string database;
    std::vector<ProcessLocks> processes; // by pid
    bool wal = false;                    // a -wal file exists
    std::int64_t walBytes = -1;          // its size (-1 when there is none)
    std::optional<WalIndexHeader> index; // the -shm header, when it reads cleanly
    std::string indexError;              // why it did not (empty when it did or there is no -shm)
    std::string error;                   // the database cannot be looked at (then nothing else is set)
};

// `procLocks`: the text of /proc/locks (the caller reads it; tests give their own).
DatabaseLocks databaseLocks(const std::string& database, const std::string& procLocks, bool scanDescriptors);

// /proc/locks read whole.
std::string readProcLocks();

} // namespace txs::record
