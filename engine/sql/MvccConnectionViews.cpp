// Views on the MVCC engine. The store keeps each view's CREATE VIEW text (SQLite's own, as
// sqlite_schema holds it); every connection declares the store's views on its private handle,
// beside the virtual tables. A SELECT on a view is then SQLite's SELECT on those virtual tables,
// run under the statement's transaction: a view reads exactly the snapshot its tables would.
// Like SQLite, a view names tables it does not check until it is read, and stays when they are
// dropped (reading it then fails with SQLite's "no such table").

#include "engine/api/AsciiText.h"
#include "engine/mvcc/SchemaReader.h"
#include "engine/sql/MvccConnection.h"
#include "engine/sqlutil/SqlScanner.h"
#include "engine/sqlutil/SqliteValues.h"

#include <set>

namespace txs::sql {

std::optional<Error> MvccConnection::createView(std::string_view statement, const sqlutil::Classified& c,
                                                const Params& params, Result& result)
{
    if (c.temp) return runSql(statement, params, result); // connection-private, plain SQLite
    // As for tables: DDL runs as its own exclusive transaction, or inside the explicit one with
    // a private catalog until COMMIT (asExclusiveWriter).
    Error error;
    auto view = mvcc::readViewSchema(statement, error);
    if (!view) return error;
    if (auto e = asExclusiveWriter([&] { return store_->createView(std::move(*view), c.ifExists, id()); }))
        return e;
    return syncSchema();
}

std::optional<Error> MvccConnection::dropView(std::string_view statement, const sqlutil::Classified& c,
                                              const Params& params, Result& result)
{
    // Not a view of the store: a temp view of this connection, or SQLite's own answer ("no such
    // view", "use DROP TABLE to delete table t") from the private handle.
    if (c.temp || !store_->hasView(c.name, id())) return runSql(statement, params, result);
    if (auto error = asExclusiveWriter([&] { return store_->dropView(c.name, c.ifExists, id()); }))
        return error;
    return syncSchema();
}

// Called by syncSchema (cached statements already cleared): drops the declared views the store no
// longer has (or has with another text), then declares the missing ones in creation order.
std::optional<Error> MvccConnection::syncViews(const std::vector<mvcc::ViewSchema>& views)
{
    std::map<std::string, std::string> wanted;
    for (const auto& view : views)
        wanted.emplace(toLower(view.name), view.createSql);
    for (auto it = declaredViews_.begin(); it != declaredViews_.end();) {
        const auto found = wanted.find(it->first);
        if (found != wanted.end() && found->second == it->second) {
            ++it;
            continue;
        }
        if (auto error = execPrivate("DROP VIEW IF EXISTS main." + sqlutil::quoteIdentifier(it->first)))
            return error;
        it = declaredViews_.erase(it);
    }
    for (const auto& view : views) {
        const std::string key = toLower(view.name);
        if (declaredViews_.count(key)) continue;
        // The text was checked to be one CREATE VIEW statement when the store took it.
        if (auto error = execPrivate(view.createSql)) return error;
        declaredViews_.emplace(key, view.createSql);
    }
    return std::nullopt;
}

} // namespace txs::sql
