#pragma once
// One database, one MVCC engine: a lock on the database file's identity (device and inode),
// not on the path it was spelled with, so a symlink, a hard link or a second relative path to
// an open database is refused like the same path. Across processes it is an flock() on the
// file; within the process a registry of the identities held (flock is per open file, so it
// alone would not refuse a second open in the same process through its own descriptor).
//
// The descriptor is never closed: closing any descriptor of a file drops every POSIX lock the
// process holds on it, including SQLite's on its connections to that file. Released locks
// keep their descriptor for the next open of the same file; the process holds one descriptor
// per distinct database file it opened.

#include <memory>
#include <string>
#include <sys/types.h>

namespace txs::mvcc {

class DatabaseLock
{
public:
    // The lock on the existing file `path` (following symlinks). On failure returns null and a
    // message that names `path` and says whether this process or another holds it.
    static std::unique_ptr<DatabaseLock> acquire(const std::string& path, std::string& error);
    ~DatabaseLock();
    DatabaseLock(const DatabaseLock&) = delete;
    DatabaseLock& operator=(const DatabaseLock&) = delete;

private:
    DatabaseLock(dev_t device, ino_t inode, int fd) : device_(device), inode_(inode), fd_(fd) {}
    dev_t device_;
    ino_t inode_;
    int fd_;
};

} // namespace txs::mvcc
