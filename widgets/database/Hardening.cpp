#include "widgets/database/Hardening.h"

#include <initializer_list>
#include <sqlite3.h>

namespace txs::database {

namespace {

int authorize(void*, int action, const char* a, const char* b, const char*, const char*)
{
    switch (action) {
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
        return SQLITE_DENY;
    case SQLITE_FUNCTION: {
        // For SQLITE_FUNCTION the function's name is the second argument.
        const char* name = b ? b : (a ? a : "");
        for (const char* denied : {"fts3_tokenizer", "load_extension", "readfile", "writefile", "edit"})
            if (sqlite3_stricmp(name, denied) == 0) return SQLITE_DENY;
        return SQLITE_OK;
    }
    default:
        return SQLITE_OK;
    }
}

} // namespace

void harden(sqlite3* db, Access access)
{
    if (!db) return;
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    if (access == Access::ReadOnly) sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    sqlite3_set_authorizer(db, authorize, nullptr);
}

} // namespace txs::database
