#include "engine/record/ProbeFile.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace txs::record {

namespace {

bool valid(const ProbeRecord& r)
{
    return r.magic == TXSCOPE_PROBE_MAGIC && r.version == TXSCOPE_PROBE_VERSION && r.op >= TXP_HELLO &&
           r.op <= TXP_EXIT && r.text_len >= 0 && static_cast<std::size_t>(r.text_len) <= sizeof r.text &&
           r.lock_type <= 2 && r.pid > 0;
}

} // namespace

std::string recordText(const ProbeRecord& r)
{
    const auto n = std::clamp<std::int32_t>(r.text_len, 0, static_cast<std::int32_t>(sizeof r.text));
    return std::string(r.text, static_cast<std::size_t>(n));
}

void readProbeFile(const std::string& path, ProbeFiles& into)
{
    // O_NOFOLLOW | O_NONBLOCK: a planted link or FIFO is refused, not followed or waited on.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        into.errors.push_back(path + ": " + std::strerror(errno));
        return;
    }
    struct stat st
    {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        into.errors.push_back(path + ": not a regular file");
        ::close(fd);
        return;
    }
    ProbeRecord r;
    std::size_t got = 0;
    for (;;) {
        const ssize_t n = ::read(fd, reinterpret_cast<char*>(&r) + got, sizeof r - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            into.errors.push_back(path + ": " + std::strerror(errno));
            break;
        }
        if (n == 0) {
            if (got) ++into.torn;
            break;
        }
        got += static_cast<std::size_t>(n);
        if (got < sizeof r) continue;
        got = 0;
        if (valid(r))
            into.records.push_back(r);
        else
            ++into.invalid;
    }
    ::close(fd);
}

ProbeFiles readProbeDirectory(const std::string& directory)
{
    ProbeFiles files;
    DIR* dir = ::opendir(directory.c_str());
    if (!dir) {
        files.errors.push_back(directory + ": " + std::strerror(errno));
        return files;
    }
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string name = entry->d_name;
        if (name.size() > 4 && name.ends_with(".rec")) names.push_back(name);
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end()); // a stable order whatever readdir returns
    for (const auto& name : names)
        readProbeFile(directory + "/" + name, files);
    return files;
}

} // namespace txs::record
