#pragma once
// Before a SQLite backend opens a user's file: is it whole (PRAGMA quick_check) and which
// journal mode is it in? Asked on a private, untraced handle that writes nothing.

#include "engine/api/Error.h"

#include <optional>
#include <string>

namespace txs::sqlite {

struct FileState
{
    bool exists = false;     // a file with something in it (a missing or empty file is new)
    std::string journalMode; // as the file is now ("delete", "wal" ...), when it exists
};

// Fails with SQLITE_CORRUPT (quick_check found damage, or not a database), SQLITE_BUSY (another
// process holds the file locked) or the code SQLite gave; the message names `path`.
std::optional<Error> checkFile(const std::string& path, FileState& state);

} // namespace txs::sqlite
