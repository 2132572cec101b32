#include "engine/sqlite/SqliteInit.h"

#include "engine/sqlite/TracingVfs.h"

#include <mutex>
#include <sqlite3.h>

namespace txs::sqlite {

int initSqliteOnce()
{
    static std::once_flag once;
    static int result = SQLITE_OK;
    std::call_once(once, [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); // SQLITE_MISUSE if already initialised: harmless
        result = sqlite3_initialize();
        if (result == SQLITE_OK) result = registerTracingVfs();
    });
    return result;
}

} // namespace txs::sqlite
