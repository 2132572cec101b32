#pragma once
// Every connection the Database dock opens on a user's file is hardened the way SQLite's guide
// for untrusted databases says: defensive mode (no writable schema, no direct shadow-table
// writes), schema-stored SQL is not trusted, the FTS3 tokenizer pointer trick is off, no
// extension loading, and an authorizer refuses ATTACH/DETACH and functions that reach files or
// pointers. A browsing (read-only) connection also never checkpoints a WAL file when it closes:
// that would rewrite the user's database file.

struct sqlite3;

namespace txs::database {

enum class Access { ReadOnly, ReadWrite };

void harden(sqlite3* db, Access access);

} // namespace txs::database
