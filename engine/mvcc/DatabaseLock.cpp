#include "engine/mvcc/DatabaseLock.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace txs::mvcc {

namespace {

struct Entry
{
    int fd = -1;
    bool held = false;
};

struct Registry
{
    std::mutex mutex;
    std::map<std::pair<dev_t, ino_t>, Entry> files; // guarded by mutex
};

Registry& registry()
{
    static Registry* r = new Registry; // never destroyed: locks may be released during exit
    return *r;
}

} // namespace

std::unique_ptr<DatabaseLock> DatabaseLock::acquire(const std::string& path, std::string& error)
{
    struct stat st
    {};
    if (::stat(path.c_str(), &st) != 0) {
        error = "cannot open MVCC database " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    Entry& entry = r.files[{st.st_dev, st.st_ino}];
    if (entry.held) {
        error =
            "MVCC database " + path +
            " is already in use in this process (open through this path or another name of the same file: a "
            "symlink, a hard link or another spelling); one file has one MVCC engine at a time";
        return nullptr;
    }
    // A kept descriptor of a file since deleted (whose inode number the new file reuses) locks
    // nothing anyone else sees: replace it. Closing it drops no lock that matters, the file it
    // names being gone.
    struct stat kept
    {};
    if (entry.fd >= 0 && (::fstat(entry.fd, &kept) != 0 || kept.st_nlink == 0)) {
        ::close(entry.fd);
        entry.fd = -1;
    }
    if (entry.fd < 0) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat opened
        {};
        if (fd < 0 || ::fstat(fd, &opened) != 0 || opened.st_dev != st.st_dev || opened.st_ino != st.st_ino) {
            error = "cannot open MVCC database " + path + ": " +
                    (fd < 0 ? std::strerror(errno) : "the file was replaced while it was being opened");
            if (fd >= 0) ::close(fd); // not the file we keyed: no lock of ours is on it
            return nullptr;
        }
        entry.fd = fd;
    }
    if (::flock(entry.fd, LOCK_EX | LOCK_NB) != 0) {
        error = "MVCC database " + path +
                " is in use by another process's MVCC engine (perhaps opened through another path, a "
                "symlink or a hard link); one file has one MVCC engine at a time";
        return nullptr;
    }
    entry.held = true;
    return std::unique_ptr<DatabaseLock>(new DatabaseLock(st.st_dev, st.st_ino, entry.fd));
}

DatabaseLock::~DatabaseLock()
{
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    ::flock(fd_, LOCK_UN);
    r.files[{device_, inode_}].held = false;
}

} // namespace txs::mvcc
