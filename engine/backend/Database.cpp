#include "engine/api/Database.h"

#include "engine/backend/MvccBackend.h"
#include "engine/sqlite/SqliteBackend.h"
#include "engine/trace/TraceLog.h"

namespace txs {

Database::Database(std::string path, std::shared_ptr<TraceLog> trace, std::unique_ptr<Backend> backend)
    : path_(std::move(path)), trace_(std::move(trace)), backend_(std::move(backend))
{}

std::shared_ptr<Database> Database::open(const std::string& path, OpenOptions options, Error* error)
{
    Error failure;
    std::unique_ptr<Backend> backend =
        options.journalMode == JournalMode::Mvcc
            ? makeMvccBackend(path, options.trace, options.damagedLog, &failure)
            : makeSqliteBackend(path, options.journalMode, options.trace, &failure, {options.allowAttach});
    if (!backend) {
        if (error) *error = failure;
        return nullptr;
    }
    return std::shared_ptr<Database>(new Database(path, std::move(options.trace), std::move(backend)));
}

std::unique_ptr<Connection> Database::connect(std::string name)
{
    const std::uint32_t id = nextConnectionId_.fetch_add(1, std::memory_order_relaxed);
    if (name.empty()) name = "conn-" + std::to_string(id);
    return backend_->connect(id, std::move(name));
}

} // namespace txs
