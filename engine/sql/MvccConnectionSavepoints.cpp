// SAVEPOINT, RELEASE and ROLLBACK TO on an MVCC connection, with SQLite's rules (which real Turso
// 0.7.2 follows in MVCC mode, checked 2026-12-04): a savepoint is a mark in the transaction's list
// of writes. SAVEPOINT outside a transaction begins one (deferred, as SQLite does) and RELEASE of
// that outermost savepoint commits it; RELEASE forgets the savepoint and those after it; ROLLBACK TO
// undoes the writes made since the savepoint (the store's statement-level undo, version by version
// and index entry by entry) and keeps it, the transaction going on. Names compare case-insensitively.
// What a transaction read is not undone, and neither is the exclusive slot a deferred transaction
// took at its first write (SQLite keeps its RESERVED lock too).

#include "engine/api/AsciiText.h"
#include "engine/sql/MvccConnection.h"
#include "engine/sqlutil/SqlScanner.h"

namespace txs::sql {

namespace {

// The savepoint's name as written (the scanner upper-cases unquoted words; SQLite's messages do not).
std::string writtenName(std::string_view statement)
{
    const auto tokens = sqlutil::leadingTokens(statement, 6);
    if (tokens.empty()) return {};
    const auto& last = tokens.back();
    return last.quoted ? last.text : std::string(statement.substr(last.offset, last.length));
}

} // namespace

std::optional<Error> MvccConnection::savepoint(const sqlutil::Classified& c)
{
    if (c.name.empty()) return Error::syntax("incomplete input");
    bool began = false;
    if (!tx_) {
        sqlutil::Classified deferred;
        deferred.kind = sqlutil::StatementKind::Begin;
        deferred.beginMode = TxMode::Deferred;
        if (auto error = begin(deferred)) return error;
        began = true;
    }
    savepoints_.push_back({toLower(c.name), tx_->writes.size(), store_->ddlMark(*tx_), began});
    return std::nullopt;
}

// The most recent savepoint named `name`, or savepoints_.size() when there is none.
std::size_t MvccConnection::findSavepoint(const std::string& name) const
{
    const std::string key = toLower(name);
    for (std::size_t i = savepoints_.size(); i-- > 0;)
        if (savepoints_[i].name == key) return i;
    return savepoints_.size();
}

std::optional<Error> MvccConnection::release(std::string_view statement, const sqlutil::Classified& c)
{
    const std::size_t at = findSavepoint(c.name);
    if (!tx_ || at == savepoints_.size())
        return Error::syntax("no such savepoint: " + writtenName(statement));
    const bool outermostBegan = at == 0 && savepoints_[0].beganTransaction;
    if (!outermostBegan) {
        savepoints_.resize(at);
        return std::nullopt;
    }
    // Releasing the savepoint that began the transaction commits it; a COMMIT that fails and leaves
    // the transaction open (BUSY) leaves the savepoint too, so RELEASE can be retried.
    if (auto error = commit()) {
        if (!tx_) savepoints_.clear();
        return error;
    }
    savepoints_.clear();
    return std::nullopt;
}

std::optional<Error> MvccConnection::rollbackTo(std::string_view statement, const sqlutil::Classified& c)
{
    const std::size_t at = findSavepoint(c.name);
    if (!tx_ || at == savepoints_.size())
        return Error::syntax("no such savepoint: " + writtenName(statement));
    store_->undoTo(*tx_, savepoints_[at].writes);
    // DDL made since goes too (its tables with the rows just undone); the private handle then
    // declares the catalog as it was.
    store_->rollbackDdlTo(*tx_, savepoints_[at].ddl);
    savepoints_.resize(at + 1);
    return syncSchema();
}

} // namespace txs::sql
