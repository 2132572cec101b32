#pragma once

#include "engine/api/Database.h"

namespace txs {

// TxScope's MVCC engine behind the Database API. `path` may be ":memory:".
std::unique_ptr<Backend> makeMvccBackend(const std::string& path, std::shared_ptr<TraceLog> trace,
                                         DamagedLog damagedLog, Error* error);

namespace mvcc {
class MvccStore;
}
// The store behind an MVCC database, for views and tests (version chains, statistics);
// null when the database runs on another backend.
mvcc::MvccStore* mvccStoreOf(Database& database);

} // namespace txs
