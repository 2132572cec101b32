#include "engine/sqlite/SqliteBackend.h"

// Placeholder until the SQLite backend lands (issue 4, being written in this session): the
// journal modes of real SQLite report a clear error instead of silently running on MVCC.
namespace txs {

std::unique_ptr<Backend> makeSqliteBackend(const std::string&, JournalMode mode, std::shared_ptr<TraceLog>,
                                           Error* error)
{
    if (error)
        *error = Error::notSupported(std::string("journal mode '") + journalModeName(mode) +
                                     "' needs the SQLite backend, which is not built yet");
    return nullptr;
}

} // namespace txs
