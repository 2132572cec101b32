#include "engine/api/Hardening.h"

#include "engine/api/AsciiText.h"

#include <sqlite3.h>
#include <string_view>

namespace txs {

namespace {

// Written by the authorizer, read right after the prepare that failed, on the same thread:
// SQLite calls the authorizer synchronously from sqlite3_prepare*.
thread_local std::string refusal;

// Functions that reach the file system, load code or hand out or take a pointer. Of these the
// system libsqlite3 3.40.1 has load_extension and fts3_tokenizer (pragma_function_list); the
// others are the shell's and the fileio extension's, refused by name should a build have them.
constexpr std::string_view refusedFunctions[] = {"load_extension", "fts3_tokenizer",  "readfile", "writefile",
                                                 "edit",           "fsdir",           "lsdir",    "zipfile",
                                                 "sqlar_compress", "sqlar_uncompress"};

// PRAGMAs that change process-wide file locations.
constexpr std::string_view refusedPragmas[] = {"temp_store_directory", "data_store_directory"};

int authorize(bool allowAttach, int action, const char* arg1, const char* arg2)
{
    switch (action) {
    case SQLITE_ATTACH: {
        // VACUUM attaches "" (a temporary database); ":memory:" is no file either.
        const std::string_view file = arg1 ? arg1 : "";
        if (allowAttach || file.empty() || file == ":memory:") return SQLITE_OK;
        refusal = "ATTACH of '" + std::string(file) + "' (ATTACH DATABASE and VACUUM INTO create files)";
        return SQLITE_DENY;
    }
    case SQLITE_DETACH:
        if (allowAttach) return SQLITE_OK;
        refusal = "DETACH";
        return SQLITE_DENY;
    case SQLITE_FUNCTION:
        for (auto name : refusedFunctions)
            if (arg2 && equalsIgnoreCase(arg2, name)) {
                refusal = "the function " + std::string(name) + "()";
                return SQLITE_DENY;
            }
        return SQLITE_OK;
    case SQLITE_PRAGMA:
        for (auto name : refusedPragmas)
            if (arg1 && equalsIgnoreCase(arg1, name)) {
                refusal = "PRAGMA " + std::string(name);
                return SQLITE_DENY;
            }
        return SQLITE_OK;
    default:
        return SQLITE_OK;
    }
}

int authorizeStrict(void*, int action, const char* arg1, const char* arg2, const char*, const char*)
{
    return authorize(false, action, arg1, arg2);
}

int authorizeAllowingAttach(void*, int action, const char* arg1, const char* arg2, const char*, const char*)
{
    return authorize(true, action, arg1, arg2);
}

} // namespace

int hardenConnection(sqlite3* db, HardeningOptions options)
{
    struct Setting
    {
        int op, value;
    };
    static constexpr Setting settings[] = {
        {SQLITE_DBCONFIG_DEFENSIVE, 1},
        {SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0},
        {SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0},
        {SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0},
    };
    for (const auto& s : settings) {
        int now = -1;
        const int rc = sqlite3_db_config(db, s.op, s.value, &now);
        if (rc != SQLITE_OK) return rc;
        if (now != s.value) return SQLITE_ERROR; // read back: an older library may ignore the op
    }
    // The SQL function load_extension() as well as the C API (the dbconfig above is the C API only).
    if (const int rc = sqlite3_enable_load_extension(db, 0); rc != SQLITE_OK) return rc;
    return sqlite3_set_authorizer(db, options.allowAttach ? authorizeAllowingAttach : authorizeStrict,
                                  nullptr);
}

int openHardened(const char* filename, sqlite3** db, int flags, const char* vfs, HardeningOptions options)
{
    const int rc = sqlite3_open_v2(filename, db, flags, vfs);
    if (rc != SQLITE_OK) return rc;
    if (hardenConnection(*db, options) != SQLITE_OK) {
        sqlite3_close_v2(*db);
        *db = nullptr;
        return SQLITE_ERROR;
    }
    return SQLITE_OK;
}

std::string lastRefusal()
{
    return refusal;
}

std::string refusalMessage(const std::string& sqliteMessage)
{
    std::string what = refusal.empty() ? std::string("this statement") : refusal;
    const bool attach = refusal.rfind("ATTACH", 0) == 0 || refusal == "DETACH";
    refusal.clear(); // read once: the next refusal writes its own
    return sqliteMessage + ": TxScope refuses " + what +
           " from a workload, which may only change the run's own database (docs/security.md)" +
           (attach ? "; --allow-attach or the header line 'allow_attach: yes' allows it" : "");
}

} // namespace txs
