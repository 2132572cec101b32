#include "engine/sqlite/SqliteShared.h"

#include "engine/sqlite/TracingVfs.h"

#include <cctype>

namespace txs::sqlite {

namespace {
std::atomic<unsigned long long> memoryDatabases{1};
}

SqliteShared::SqliteShared(std::string path_, JournalMode mode_, std::shared_ptr<TraceLog> log_)
    : path(std::move(path_)), mode(mode_), inMemory(path == ":memory:"), log(std::move(log_)),
      registration(log)
{
    // memdb databases whose name starts with '/' are shared by every connection of the process
    // that opens the same name; the counter keeps two Databases apart.
    if (inMemory) memoryName_ = "/txscope-memory-" + std::to_string(memoryDatabases.fetch_add(1));
}

std::string uriPath(const std::string& path)
{
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : path) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string SqliteShared::uriFor(std::uint32_t id) const
{
    if (inMemory) return "file:" + memoryName_ + "?vfs=memdb";
    // "file://" + "/abs/path" gives an empty authority; a relative path follows "file:" directly.
    std::string uri = (!path.empty() && path.front() == '/') ? "file://" : "file:";
    uri += uriPath(path);
    uri += "?txconn=" + std::to_string(id);
    if (!registration.key().empty()) uri += "&txlog=" + registration.key();
    return uri;
}

const char* SqliteShared::vfsName() const
{
    return inMemory ? nullptr : kTracingVfsName;
}

} // namespace txs::sqlite
