#pragma once
// A database: a file (or memory) behind one of the backends, shared by any number of
// connections from any threads.

#include "engine/api/Connection.h"
#include "engine/api/JournalMode.h"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace txs {

class TraceLog;

// What opening an MVCC file does when its log has a bad frame with valid frames after it
// (damage in the middle, not a torn tail, which is always cut off with a note).
enum class DamagedLog {
    Refuse,   // the open fails and says where; nothing is changed
    Truncate, // the user accepts the loss: replay up to the bad frame, save the rest beside the log
};

struct OpenOptions
{
    JournalMode journalMode = JournalMode::Mvcc;
    // Where events go; null means tracing is off. Shared so views can outlive the database.
    std::shared_ptr<TraceLog> trace;
    // ATTACH / DETACH / VACUUM INTO allowed (the user opted in); see engine/api/Hardening.h.
    bool allowAttach = false;
    // Last, so that `{mode, trace}` still reads as before.
    DamagedLog damagedLog = DamagedLog::Refuse;
};

// Implemented by each backend (mvcc/, sqlite/).
class Backend
{
public:
    virtual ~Backend() = default;
    virtual std::unique_ptr<Connection> connect(std::uint32_t id, std::string name) = 0;
    virtual JournalMode journalMode() const = 0;
    // What opening did that the user should hear about: a journal mode switched, a log
    // recovered or cut. Also in the trace as Note events.
    virtual std::vector<std::string> openNotes() const { return {}; }
    // Makes the file hold every commit for programs that read it without TxScope (the MVCC
    // engine's checkpoint of its log; nothing for SQLite, whose own readers see its WAL).
    virtual std::optional<Error> checkpointForPlainReaders() { return std::nullopt; }
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
    std::vector<std::string> openNotes() const { return backend_->openNotes(); }
    std::optional<Error> checkpointForPlainReaders() { return backend_->checkpointForPlainReaders(); }

private:
    Database(std::string path, std::shared_ptr<TraceLog> trace, std::unique_ptr<Backend> backend);

    std::string path_;
    std::shared_ptr<TraceLog> trace_;
    std::unique_ptr<Backend> backend_;
    std::atomic<std::uint32_t> nextConnectionId_{1};
};

} // namespace txs
