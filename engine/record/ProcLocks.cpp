#include "engine/record/ProcLocks.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace txs::record {

namespace {

template <class T> bool number(std::string_view s, T& out, int base = 10)
{
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
    return ec == std::errc() && end == s.data() + s.size();
}

std::string readSmallFile(const std::string& path, std::size_t max)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return {};
    std::string out;
    char buf[4096];
    while (out.size() < max) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    if (out.size() > max) out.resize(max);
    return out;
}

std::string commandOf(int pid)
{
    std::string s = readSmallFile("/proc/" + std::to_string(pid) + "/cmdline", 4096);
    // Arguments are separated by NUL bytes; any control character is shown as a space.
    for (char& c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    while (!s.empty() && s.back() == ' ')
        s.pop_back();
    if (s.empty()) {
        s = readSmallFile("/proc/" + std::to_string(pid) + "/comm", 64);
        while (!s.empty() && s.back() == '\n')
            s.pop_back();
    }
    return s;
}

// Processes with a descriptor on (dev, ino), from /proc/*/fd (those we may look at).
std::vector<int> openers(dev_t dev, ino_t ino)
{
    std::vector<int> pids;
    DIR* proc = ::opendir("/proc");
    if (!proc) return pids;
    while (const dirent* e = ::readdir(proc)) {
        int pid = 0;
        if (!number(std::string_view(e->d_name), pid) || pid <= 0) continue;
        const std::string fdDir = "/proc/" + std::string(e->d_name) + "/fd";
        DIR* fds = ::opendir(fdDir.c_str());
        if (!fds) continue;
        while (const dirent* f = ::readdir(fds)) {
            if (f->d_name[0] == '.') continue;
            struct stat st
            {};
            if (::stat((fdDir + "/" + f->d_name).c_str(), &st) == 0 && st.st_dev == dev && st.st_ino == ino) {
                pids.push_back(pid);
                break;
            }
        }
        ::closedir(fds);
    }
    ::closedir(proc);
    return pids;
}

} // namespace

std::vector<KernelLock> parseProcLocks(const std::string& text)
{
    std::vector<KernelLock> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::vector<std::string> w;
        for (std::string word; words >> word && w.size() < 12;)
            w.push_back(word);
        KernelLock k;
        std::size_t i = 1; // after "N:"
        if (i < w.size() && w[i] == "->") {
            k.waiting = true;
            ++i;
        }
        if (w.size() < i + 7) continue;
        if (w[i] != "POSIX" && w[i] != "OFDLCK") continue;
        k.ofd = w[i] == "OFDLCK";
        const std::string& type = w[i + 2];
        k.type = type == "READ" ? ByteLock::Read : type == "WRITE" ? ByteLock::Write : ByteLock::None;
        if (k.type == ByteLock::None) continue;
        if (!number(w[i + 3], k.pid)) continue;
        // maj:min:inode, major and minor in hex.
        const std::string& id = w[i + 4];
        const auto c1 = id.find(':'), c2 = id.find(':', c1 == std::string::npos ? 0 : c1 + 1);
        if (c1 == std::string::npos || c2 == std::string::npos) continue;
        if (!number(std::string_view(id).substr(0, c1), k.major, 16) ||
            !number(std::string_view(id).substr(c1 + 1, c2 - c1 - 1), k.minor, 16) ||
            !number(std::string_view(id).substr(c2 + 1), k.inode))
            continue;
        std::int64_t end = 0;
        if (!number(w[i + 5], k.start) || k.start < 0) continue;
        if (w[i + 6] == "EOF") {
            k.length = 0;
        } else if (number(w[i + 6], end) && end >= k.start) {
            k.length = end - k.start + 1;
        } else {
            continue;
        }
        out.push_back(k);
    }
    return out;
}

std::string readProcLocks()
{
    return readSmallFile("/proc/locks", 64 << 20);
}

DatabaseLocks databaseLocks(const std::string& database, const std::string& procLocks, bool scanDescriptors)
{
    DatabaseLocks out;
    out.database = database;
    struct stat db
    {
    }, shm{}, wal{};
    if (::stat(database.c_str(), &db) != 0) {
        out.error = database + ": " + std::strerror(errno);
        return out;
    }
    if (!S_ISREG(db.st_mode)) {
        out.error = database + ": not a regular file";
        return out;
    }
    const bool haveShm = ::stat((database + "-shm").c_str(), &shm) == 0 && S_ISREG(shm.st_mode);
    if (::stat((database + "-wal").c_str(), &wal) == 0 && S_ISREG(wal.st_mode)) {
        out.wal = true;
        out.walBytes = wal.st_size;
    }
    if (haveShm) {
        out.index = readWalIndexHeader(database + "-shm", out.indexError);
        if (out.index) out.indexError.clear();
    }

    struct Held
    {
        DbFileLocks db;
        ShmLocks shm;
        std::vector<std::pair<LockResource, LockLevel>> waiting;
    };
    std::map<int, Held> byPid;
    auto same = [](const KernelLock& k, const struct stat& st) {
        return k.major == major(st.st_dev) && k.minor == minor(st.st_dev) && k.inode == st.st_ino;
    };
    for (const KernelLock& k : parseProcLocks(procLocks)) {
        const bool onDb = same(k, db), onShm = haveShm && same(k, shm);
        if (!onDb && !onShm) continue;
        auto& held = byPid[k.pid];
        const ByteRange range{k.start, k.length};
        if (k.waiting) {
            if (onDb) {
                if (auto level = wantedDbLevel(k.type, range))
                    held.waiting.emplace_back(LockResource::DbFile, *level);
            } else {
                const unsigned slots = shmSlotsOf(range);
                for (int i = 0; i < kShmSlots; ++i)
                    if (slots & (1u << i)) held.waiting.emplace_back(shmSlotResource(i), shmLevel(k.type));
            }
            continue;
        }
        if (onDb)
            held.db.apply(k.type, range);
        else
            held.shm.apply(k.type, range);
    }
    std::map<int, bool> opened;
    if (scanDescriptors) {
        for (int pid : openers(db.st_dev, db.st_ino))
            opened[pid] = true;
    }
    for (const auto& [pid, held] : byPid)
        opened.try_emplace(pid, false);
    for (const auto& [pid, isOpen] : opened) {
        ProcessLocks p;
        p.pid = pid;
        p.opened = isOpen;
        if (pid > 0) p.command = commandOf(pid);
        if (auto it = byPid.find(pid); it != byPid.end()) {
            p.database = it->second.db.level();
            for (int i = 0; i < kShmSlots; ++i)
                if (it->second.shm.slot(i) != ByteLock::None)
                    p.wal.emplace_back(shmSlotResource(i), shmLevel(it->second.shm.slot(i)));
            p.waiting = it->second.waiting;
        }
        out.processes.push_back(std::move(p));
    }
    return out;
}

} // namespace txs::record
