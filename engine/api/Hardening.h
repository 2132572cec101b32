#pragma once
// The one place every SQLite connection TxScope opens goes through (tests/security checks that no
// other file calls sqlite3_open*). A workload and a database file are untrusted input, so each
// connection is set up the way SQLite's guide for untrusted input says
// (https://sqlite.org/security.html): defensive mode, no FTS3 tokenizer pointers, an untrusted
// schema, no extension loading, and an authorizer that refuses what reaches outside the run's
// database: ATTACH/DETACH (which also carries VACUUM INTO) and functions that reach the file
// system or pointers. docs/security.md is the threat model.

#include <string>

struct sqlite3;

namespace txs {

struct HardeningOptions
{
    // ATTACH DATABASE / DETACH / VACUUM INTO on any file: only when the user opted in
    // (--allow-attach or the header key `allow_attach: yes`).
    bool allowAttach = false;
};

// sqlite3_open_v2, then hardenConnection. Same contract as sqlite3_open_v2: on failure *db may
// be non-null and the caller closes it; a connection that cannot be hardened is closed and
// SQLITE_ERROR returned (never handed out unhardened).
int openHardened(const char* filename, sqlite3** db, int flags, const char* vfs,
                 HardeningOptions options = {});

// Applies the settings and the authorizer; SQLITE_OK or the first setting that failed.
int hardenConnection(sqlite3* db, HardeningOptions options = {});

// Why the authorizer refused the last statement prepared on this thread (a prepare that failed
// with SQLITE_AUTH): "ATTACH of '/tmp/x'", "the function fts3_tokenizer()". Empty when none.
std::string lastRefusal();
// A readable message for a statement refused by the authorizer: SQLite's own says only
// "not authorized". Clears lastRefusal().
std::string refusalMessage(const std::string& sqliteMessage);

} // namespace txs
