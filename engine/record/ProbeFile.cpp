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

std::uint64_t readProbeFileFrom(const std::string& path, std::uint64_t offset, ProbeFiles& into, bool live)
{
    // O_NOFOLLOW | O_NONBLOCK: a planted link or FIFO is refused, not followed or waited on.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        into.errors.push_back(path + ": " + std::strerror(errno));
        return offset;
    }
    struct stat st
    {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        into.errors.push_back(path + ": not a regular file");
        ::close(fd);
        return offset;
    }
    ProbeRecord r;
    std::size_t got = 0;
    for (;;) {
        const ssize_t n =
            ::pread(fd, reinterpret_cast<char*>(&r) + got, sizeof r - got, static_cast<off_t>(offset + got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            into.errors.push_back(path + ": " + std::strerror(errno));
            break;
        }
        if (n == 0) {
            // Part of a record at the end: torn when the writer is gone; while it lives, the rest
            // of it may still come (the next read starts at the same offset).
            if (got && !live) ++into.torn;
            break;
        }
        got += static_cast<std::size_t>(n);
        if (got < sizeof r) continue;
        got = 0;
        offset += sizeof r;
        if (valid(r))
            into.records.push_back(r);
        else
            ++into.invalid;
    }
    ::close(fd);
    return offset;
}

void readProbeFile(const std::string& path, ProbeFiles& into)
{
    readProbeFileFrom(path, 0, into, false);
}

namespace {
std::vector<std::string> recordFileNames(const std::string& directory, ProbeFiles& files)
{
    std::vector<std::string> names;
    DIR* dir = ::opendir(directory.c_str());
    if (!dir) {
        files.errors.push_back(directory + ": " + std::strerror(errno));
        return names;
    }
    while (const dirent* entry = ::readdir(dir)) {
        const std::string name = entry->d_name;
        if (name.size() > 4 && name.ends_with(".rec")) names.push_back(name);
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end()); // a stable order whatever readdir returns
    return names;
}
} // namespace

std::size_t ProbeTail::readNew(ProbeFiles& into)
{
    const std::size_t before = into.records.size();
    ProbeFiles batch;
    for (const auto& name : recordFileNames(directory_, batch)) {
        auto& offset = offsets_[name];
        offset = readProbeFileFrom(directory_ + "/" + name, offset, batch, true);
    }
    into.records.insert(into.records.end(), batch.records.begin(), batch.records.end());
    into.invalid += batch.invalid;
    // A file that cannot be read is said once, not at every tick.
    for (auto& e : batch.errors)
        if (reported_.insert(e).second) into.errors.push_back(std::move(e));
    return into.records.size() - before;
}

std::uint64_t ProbeTail::tornTails() const
{
    std::uint64_t torn = 0;
    for (const auto& [name, offset] : offsets_) {
        struct stat st
        {};
        if (::lstat((directory_ + "/" + name).c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            static_cast<std::uint64_t>(st.st_size) > offset)
            ++torn;
    }
    return torn;
}

ProbeFiles readProbeDirectory(const std::string& directory)
{
    ProbeFiles files;
    for (const auto& name : recordFileNames(directory, files))
        readProbeFile(directory + "/" + name, files);
    return files;
}

} // namespace txs::record
