#include "engine/backend/MvccBackend.h"

#include "engine/mvcc/FileDurability.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/sql/MvccConnection.h"
#include "engine/sqlite/SqliteInit.h"

namespace txs {

namespace {

class MvccBackend final : public Backend
{
public:
    explicit MvccBackend(std::shared_ptr<TraceLog> trace)
        : trace_(trace.get()), store_(std::make_shared<mvcc::MvccStore>(std::move(trace)))
    {}

    std::unique_ptr<Connection> connect(std::uint32_t id, std::string name) override
    {
        return std::make_unique<sql::MvccConnection>(id, std::move(name), store_, trace_);
    }
    JournalMode journalMode() const override { return JournalMode::Mvcc; }
    std::vector<std::string> openNotes() const override
    {
        auto* durability = store_->durability();
        return durability ? durability->recoveryNotes() : std::vector<std::string>{};
    }
    // Nothing when the log holds no frame: a file only read keeps every byte.
    std::optional<Error> checkpointForPlainReaders() override
    {
        auto* durability = store_->durability();
        if (!durability || !durability->holdsFrames()) return std::nullopt;
        mvcc::CheckpointResult result;
        return durability->checkpoint(result);
    }
    mvcc::MvccStore& store() { return *store_; }

private:
    TraceLog* trace_; // the store keeps it alive
    std::shared_ptr<mvcc::MvccStore> store_;
};

} // namespace

mvcc::MvccStore* mvccStoreOf(Database& database)
{
    auto* backend = dynamic_cast<MvccBackend*>(&database.backend());
    return backend ? &backend->store() : nullptr;
}

std::unique_ptr<Backend> makeMvccBackend(const std::string& path, std::shared_ptr<TraceLog> trace,
                                         DamagedLog damagedLog, Error* error)
{
    // Every connection runs a private SQLite handle: SQLite must be set up for many threads
    // (memory statistics off) before the first of them opens.
    sqlite::initSqliteOnce();
    auto backend = std::make_unique<MvccBackend>(std::move(trace));
    if (path != ":memory:" && !path.empty()) {
        Error failure;
        auto durability = mvcc::FileDurability::open(path, backend->store(), damagedLog, failure);
        if (!durability) {
            if (error) *error = std::move(failure);
            return nullptr;
        }
        backend->store().attachDurability(std::move(durability));
    }
    return backend;
}

} // namespace txs
