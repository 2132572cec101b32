#pragma once
// A database: a file (or memory) behind one of the backends, shared by any number of
// connections from any threads.

#include "engine/api/Connection.h"
#include "engine/api/JournalMode.h"

#include <atomic>
#include <memory>
#include <string>

namespace txs {

class TraceLog;

struct OpenOptions
{
    JournalMode journalMode = JournalMode::Mvcc;
    // Where events go; null means tracing is off. Shared so views can outlive the database.
    std::shared_ptr<TraceLog> trace;
    // ATTACH / DETACH / VACUUM INTO allowed (the user opted in); see engine/api/Hardening.h.
    bool allowAttach = false;
};

// Implemented by each backend (mvcc/, sqlite/).
class Backend
{
public:
    virtual ~Backend() = default;
    virtual std::unique_ptr<Connection> connect(std::uint32_t id, std::string name) = 0;
    virtual JournalMode journalMode() const = 0;
};

class Database
{
public:
    // `path` is a file path or ":memory:". Fails with a clear message (missing folder, not a
    // database, locked ...).
    static std::shared_ptr<Database> open(const std::string& path, OpenOptions options,
                                          Error* error = nullptr);

    // Connections may be opened and used from any thread. `name` labels the connection in the
    // trace ("T1", "writer-3"); empty gives "conn-N".
    std::unique_ptr<Connection> connect(std::string name = {});

    JournalMode journalMode() const { return backend_->journalMode(); }
    const std::string& path() const { return path_; }
    const std::shared_ptr<TraceLog>& trace() const { return trace_; }
    Backend& backend() { return *backend_; }

private:
    Database(std::string path, std::shared_ptr<TraceLog> trace, std::unique_ptr<Backend> backend);

    std::string path_;
    std::shared_ptr<TraceLog> trace_;
    std::unique_ptr<Backend> backend_;
    std::atomic<std::uint32_t> nextConnectionId_{1};
};

} // namespace txs
