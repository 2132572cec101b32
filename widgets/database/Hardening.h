#pragma once
// The Database dock's connections on a user's file go through the engine's one door
// (engine/api/Hardening.h): defensive mode, schema-stored SQL not trusted, no FTS3 tokenizer
// pointers, no extension loading, ATTACH/DETACH and functions that reach files or pointers
// refused. A browsing (read-only) connection also never checkpoints a WAL file when it closes:
// that would rewrite the user's database file.

struct sqlite3;

namespace txs::database {

enum class Access { ReadOnly, ReadWrite };

// sqlite3_open_v2's contract: on failure *db may be non-null and the caller closes it.
int openForBrowsing(const char* filename, sqlite3** db, int flags, Access access);

} // namespace txs::database
