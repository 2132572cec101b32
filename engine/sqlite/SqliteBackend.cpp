#include "engine/sqlite/SqliteBackend.h"

#include "engine/sqlite/FileCheck.h"
#include "engine/sqlite/SqliteConnection.h"
#include "engine/sqlite/SqliteInit.h"
#include "engine/sqlite/SqliteShared.h"
#include "engine/trace/TraceLog.h"

#include <sqlite3.h>

namespace txs {

namespace {

class SqliteBackend final : public Backend
{
public:
    SqliteBackend(std::shared_ptr<sqlite::SqliteShared> shared, std::vector<std::string> notes)
        : shared_(std::move(shared)), notes_(std::move(notes))
    {}

    std::unique_ptr<Connection> connect(std::uint32_t id, std::string name) override
    {
        return std::make_unique<sqlite::SqliteConnection>(shared_, id, std::move(name));
    }
    JournalMode journalMode() const override { return shared_->mode; }
    std::vector<std::string> openNotes() const override { return notes_; }

private:
    std::shared_ptr<sqlite::SqliteShared> shared_;
    std::vector<std::string> notes_;
};

// Puts the database in `mode` on a short-lived connection of its own (connection 0, "open"),
// traced like any other: switching to or from WAL needs an EXCLUSIVE lock, and when another
// connection holds the file that is where "database is locked" comes from.
std::optional<Error> setJournalMode(const std::shared_ptr<sqlite::SqliteShared>& shared)
{
    sqlite::SqliteConnection opener(shared, 0, "open");
    if (opener.openError()) return opener.openError();
    // Read first: it proves the file is a database, and a connection only learns that the file
    // is in WAL mode by reading it. Only then does the pragma below switch from what the file is.
    Result read = opener.execute("SELECT count(*) FROM sqlite_schema");
    if (!read.ok()) return read.error;
    const char* wanted = journalModeName(shared->mode);
    Result set = opener.execute(std::string("PRAGMA journal_mode=") + wanted);
    if (!set.ok()) return set.error;
    const std::string got = set.rows.empty() || set.rows[0].empty() ? std::string() : set.rows[0][0].asText();
    if (got != wanted)
        return Error::notSupported(std::string("journal mode '") + wanted + "' could not be set on " +
                                   shared->path + " (SQLite kept '" + got + "')");
    return std::nullopt;
}

} // namespace

std::unique_ptr<Backend> makeSqliteBackend(const std::string& path, JournalMode mode,
                                           std::shared_ptr<TraceLog> trace, Error* error,
                                           HardeningOptions hardening)
{
    const auto fail = [error](Error e) -> std::unique_ptr<Backend> {
        if (error) *error = std::move(e);
        return nullptr;
    };
    if (mode == JournalMode::Mvcc)
        return fail(Error::misuse("the SQLite backend does not run journal mode mvcc"));
    if (const int rc = sqlite::initSqliteOnce(); rc != SQLITE_OK)
        return fail(Error::fromSqlite(rc, std::string("SQLite could not be set up: ") + sqlite3_errstr(rc)));
    // A user's file is checked before anything touches it: a damaged one is refused unchanged.
    sqlite::FileState before;
    if (auto failure = sqlite::checkFile(path, before)) return fail(std::move(*failure));
    auto shared = std::make_shared<sqlite::SqliteShared>(path, mode, trace);
    shared->hardening = hardening;
    if (shared->inMemory)
        shared->journal = JournalSetting::Memory;
    else if (before.exists && !before.journalMode.empty())
        shared->journal = parseJournalSetting(before.journalMode);
    if (auto failure = setJournalMode(shared)) return fail(std::move(*failure));
    // The journal mode is a property of the file and outlives the run (WAL stays WAL): the
    // mode was asked for (MVCC is the default, so a SQLite mode always is), and the user
    // hears that their file changed.
    std::vector<std::string> notes;
    const std::string wanted = journalModeName(mode);
    if (before.exists && !before.journalMode.empty() && before.journalMode != wanted) {
        notes.push_back("the journal mode of " + path + " was switched from " + before.journalMode + " to " +
                        wanted + ", as asked; the file stays in " + wanted +
                        " mode after the run (PRAGMA journal_mode=" + before.journalMode +
                        " switches it back)");
        if (trace) {
            Event e;
            e.kind = EventKind::Note;
            e.text = notes.back();
            trace->append(std::move(e));
        }
    }
    return std::make_unique<SqliteBackend>(std::move(shared), std::move(notes));
}

} // namespace txs
