#pragma once
// What every connection of one SQLite-backed Database shares: where the file is, its journal
// mode, the trace log (registered for the tracing VFS) and the transaction-id counter. The
// backend and each connection hold it, so a connection may outlive the Database object.

#include "engine/api/Hardening.h"
#include "engine/api/JournalMode.h"
#include "engine/sqlite/TraceRegistry.h"
#include "engine/trace/JournalSetting.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace txs {
class TraceLog;
}

namespace txs::sqlite {

struct SqliteShared
{
    SqliteShared(std::string path, JournalMode mode, std::shared_ptr<TraceLog> log);

    // The URI connection `id` opens: file:PATH?txconn=ID&txlog=KEY for a file (through the
    // tracing VFS), or a named in-memory database (memdb VFS, untraced) for ":memory:".
    std::string uriFor(std::uint32_t id) const;
    // The VFS to open with (null for the in-memory database, whose URI names its own).
    const char* vfsName() const;

    const std::string path;
    const JournalMode mode;
    const bool inMemory;
    const std::shared_ptr<TraceLog> log;
    const TraceRegistration registration;
    std::atomic<std::uint64_t> nextTxId{1};
    HardeningOptions hardening; // set once, before the first connection opens
    // The database's journal mode as its connections last set it (the file's as found before
    // the run at first): a PRAGMA journal_mode whose answer differs is traced as a
    // journal-mode change (JournalSetting.h) from this one.
    std::atomic<JournalSetting> journal{JournalSetting::Delete};

private:
    std::string memoryName_;
};

// Percent-encodes a file path for a file: URI (keeps letters, digits, '/', '-', '.', '_', '~').
std::string uriPath(const std::string& path);

} // namespace txs::sqlite
