#include "widgets/database/Hardening.h"

#include "engine/api/Hardening.h"

#include <sqlite3.h>

namespace txs::database {

int openForBrowsing(const char* filename, sqlite3** db, int flags, Access access)
{
    const int rc = txs::openHardened(filename, db, flags, nullptr);
    if (rc != SQLITE_OK) return rc;
    sqlite3_extended_result_codes(*db, 1);
    if (access == Access::ReadOnly) sqlite3_db_config(*db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    return SQLITE_OK;
}

} // namespace txs::database
