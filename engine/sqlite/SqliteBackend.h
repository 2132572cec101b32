#pragma once

#include "engine/api/Database.h"
#include "engine/api/Hardening.h"

namespace txs {

// Real SQLite (the system's libsqlite3) in a rollback-journal or WAL mode, traced through
// TxScope's wrapping VFS. `path` may be ":memory:" only for tests that need no locking.
std::unique_ptr<Backend> makeSqliteBackend(const std::string& path, JournalMode mode,
                                           std::shared_ptr<TraceLog> trace, Error* error,
                                           HardeningOptions hardening = {});

} // namespace txs
