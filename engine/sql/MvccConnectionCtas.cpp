// CREATE TABLE ... AS SELECT on an MVCC connection. SQLite decides the new table's columns: the
// SELECT runs on the private handle (reading the MVCC tables under an autocommit snapshot) into a
// TEMP table, whose CREATE TABLE SQLite writes with the names and the affinity-derived types it
// gives any CTAS table ("id INT, v TEXT, r, s": INT, TEXT, REAL, NUM or none); that statement,
// under the user's name, creates the MVCC table (DDL like CREATE TABLE), and one INSERT copies
// the rows in. In autocommit these are two steps (a reader between them sees the table empty);
// inside BEGIN ... COMMIT both belong to the transaction, and a failed copy takes the table back.

#include "engine/api/AsciiText.h"
#include "engine/mvcc/SchemaReader.h"
#include "engine/sql/MvccConnection.h"
#include "engine/sqlutil/SqlScanner.h"
#include "engine/sqlutil/SqliteValues.h"
#include "engine/sqlutil/StatementHandle.h"

#include <sqlite3.h>

namespace txs::sql {

namespace {

constexpr const char* scratchTable = "__txscope_ctas";

} // namespace

std::optional<Error> MvccConnection::createTableAsSelect(std::string_view statement,
                                                         const sqlutil::Classified& c, const Params& params)
{
    // The name as written (SQLite keeps its case) and where the SELECT starts: the word AS after it.
    const auto tokens = sqlutil::leadingTokens(statement, 16);
    std::size_t as = 0;
    for (std::size_t i = 2; i < tokens.size() && !as; ++i)
        if (tokens[i].type == sqlutil::Token::Type::Word && !tokens[i].quoted && tokens[i].text == "AS")
            as = i;
    if (!as) return Error::syntax("near \"AS\": syntax error");
    const std::string name = tokens[as - 1].text; // unquoted; upper-cased when it was not quoted
    const std::string written(statement.substr(tokens[as - 1].offset, tokens[as - 1].length));
    const std::string shown = tokens[as - 1].quoted ? name : written; // as SQLite names it in messages
    const std::string_view select = statement.substr(tokens[as].offset + tokens[as].length);
    // SQLite's messages for a name taken (IF NOT EXISTS: nothing happens, the SELECT does not run).
    if (store_->table(name, id()) || store_->hasView(name, id()) || store_->tableOfIndex(name, id())) {
        if (c.ifExists) return std::nullopt;
        if (store_->tableOfIndex(name, id()))
            return Error::syntax("there is already an index named " + shown);
        return Error::syntax((store_->hasView(name, id()) ? "view " : "table ") + shown + " already exists");
    }

    Result scratch;
    const std::string dropScratch = std::string("DROP TABLE IF EXISTS temp.") + scratchTable;
    execPrivate(dropScratch);
    auto done = [&](std::optional<Error> error) {
        execPrivate(dropScratch);
        return error;
    };
    if (auto error = runSql(std::string("CREATE TEMP TABLE ") + scratchTable + " AS " + std::string(select),
                            params, scratch))
        return done(error);
    std::string createSql;
    {
        sqlutil::StatementHandle s;
        sqlutil::prepare(
            db_, std::string("SELECT sql FROM temp.sqlite_schema WHERE name = '") + scratchTable + "'", s);
        if (!s || sqlite3_step(s.get()) != SQLITE_ROW)
            return done(Error::misuse("could not read back the table CREATE TABLE ... AS SELECT made"));
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
        createSql = text ? text : "";
    }
    // "CREATE TABLE __txscope_ctas(...)": the same columns under the user's name.
    const std::string head = std::string("CREATE TABLE ") + scratchTable;
    if (!createSql.starts_with(head))
        return done(Error::misuse("could not read back the table CREATE TABLE ... AS SELECT made"));
    createSql = "CREATE TABLE " + written + createSql.substr(head.size());
    Error parseError;
    auto schema = mvcc::readTableSchema(createSql, parseError);
    if (!schema) return done(parseError);
    const std::string created = schema->name;
    const std::size_t ddlMark = tx_ ? store_->ddlMark(*tx_) : 0;
    if (auto error = asExclusiveWriter([&] {
            std::optional<Error> createError;
            store_->createTable(std::move(*schema), c.ifExists, id(), createError);
            return createError;
        }))
        return done(error);
    if (auto error = syncSchema()) return done(error);
    Result copied;
    auto copyError = runSql("INSERT INTO main." + sqlutil::quoteIdentifier(created) + " SELECT * FROM temp." +
                                scratchTable,
                            {}, copied);
    if (copyError && tx_ && tx_->loadState() == mvcc::TxState::Active) {
        // The statement is atomic inside a transaction: the table it created goes too.
        store_->rollbackDdlTo(*tx_, ddlMark);
        syncSchema();
    }
    return done(copyError);
}

} // namespace txs::sql
