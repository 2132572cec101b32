#pragma once
// A connection to the MVCC engine. It runs SQL through a private in-memory SQLite handle in
// which every MVCC table is a virtual table backed by the store: SQLite parses and plans, the
// store keeps versions and decides visibility. Transaction statements, DDL and a few PRAGMAs
// never reach SQLite; the connection handles them against the store.

#include "engine/api/Connection.h"
#include "engine/api/Isolation.h"
#include "engine/api/TransparentHash.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/sql/ParsedTexts.h"
#include "engine/sql/SchemaMirror.h"
#include "engine/sqlutil/StatementHandle.h"
#include "engine/trace/StatementFold.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

struct sqlite3;
struct sqlite3_stmt;

namespace txs::sqlutil {
struct Classified;
}

namespace txs::sql {
class UpsertPlan;
class ForeignKeys;
class Triggers;

// ON CONFLICT (columns) names the key or a unique index of `table`, as SQLite requires (no
// columns: any constraint). MvccConnectionIndexes.cpp.
bool targetsAConstraint(const mvcc::Table& table, std::vector<int> columns);

class MvccConnection final : public Connection
{
public:
    // `trace`: the store's log (null when it traces nothing).
    MvccConnection(std::uint32_t id, std::string name, std::shared_ptr<mvcc::MvccStore> store,
                   TraceLog* trace);
    ~MvccConnection() override;

    Result execute(std::string_view sql, const Params& params = {}) override;
    TransactionState transaction() const override;
    void setBusyHandler(BusyHandler handler) override { busyHandler_ = std::move(handler); }
    void setBusyTimeout(int milliseconds) override { busyTimeoutMs_ = milliseconds < 0 ? 0 : milliseconds; }
    int busyTimeout() const override { return busyTimeoutMs_; }
    void setStatementLimits(StatementLimits limits) override { clock_.setLimits(std::move(limits)); }

    // For the virtual table module.
    mvcc::MvccStore& store() { return *store_; }
    mvcc::Transaction* statementTransaction() { return statementTx_; }
    UpsertPlan* statementPlan() { return statementPlan_; }
    // A trigger's body runs statements of its own inside the running one: no plan applies to them
    // (an INSERT in the body is not the upsert). Returns the plan to put back after the firing.
    UpsertPlan* suspendStatementPlan() { return std::exchange(statementPlan_, nullptr); }
    void resumeStatementPlan(UpsertPlan* plan) { statementPlan_ = plan; }
    std::shared_ptr<mvcc::Table> declaredTable(std::uint32_t tableId) const;
    void reportError(Error error) { vtabError_ = std::move(error); }
    // The running statement writes OR ABORT itself. SQLite tells a virtual table ABORT alike for
    // it and for a statement with no OR clause, where a constraint's own ON CONFLICT applies.
    bool statementNamesAbort() const { return statementNamesAbort_; }
    // A constraint failed under FAIL or ROLLBACK: the statement keeps the rows it wrote before
    // (FAIL) or ends the transaction (ROLLBACK), as in SQLite, instead of undoing itself.
    void noteResolution(mvcc::Resolution resolution) { failedUnder_ = resolution; }
    ForeignKeys& foreignKeys() { return *foreignKeys_; } // MvccForeignKeys.h
    Triggers& triggers() { return *triggers_; }          // MvccTriggers.h
    // Statements this connection has had SQLite prepare for the texts it ran (not its helpers'):
    // how well the statement cache serves a workload, for tests.
    std::size_t statementsPrepared() const { return statementsPrepared_; }

private:
    // `textId`: names the statement's bytes for the trace (ParsedStatement::textId).
    std::optional<Error> runOne(std::string_view statement, const sqlutil::Classified& c,
                                const Params& params, Result& result, const SchemaRead* schemaRead,
                                std::uint64_t textId);
    // `schemaRead`: the statement reads the schema and runs as rewritten there, against the
    // schema mirror (SchemaReads.h, SchemaMirror.h).
    std::optional<Error> runSql(std::string_view statement, const Params& params, Result& result,
                                const SchemaRead* schemaRead = nullptr);
    // The mirror holds the schema the statement sees (rebuilt if it changed since), and
    // sqlite_sequence's rows when the statement names it.
    std::optional<Error> readSchemaMirror(const SchemaRead& read);
    std::optional<Error> begin(const sqlutil::Classified& c);
    std::optional<Error> commit();
    std::optional<Error> rollback();
    std::optional<Error> checkDeferredForeignKeys(); // MvccForeignKeys.cpp
    std::optional<Error> pragma(std::string_view statement, const sqlutil::Classified& c,
                                const Params& params, Result& result);
    std::optional<Error> createTable(std::string_view statement, const sqlutil::Classified& c,
                                     const Params& params, Result& result);
    std::optional<Error> dropTable(std::string_view statement, const sqlutil::Classified& c,
                                   const Params& params, Result& result);
    std::optional<Error> createIndex(std::string_view statement, const sqlutil::Classified& c,
                                     const Params& params, Result& result);
    std::optional<Error> dropIndex(std::string_view statement, const sqlutil::Classified& c,
                                   const Params& params, Result& result);
    // MvccConnectionViews.cpp: views live in the store; each connection declares them on its
    // private handle (syncViews), where they read the virtual tables under the statement's
    // transaction.
    std::optional<Error> createView(std::string_view statement, const sqlutil::Classified& c,
                                    const Params& params, Result& result);
    std::optional<Error> dropView(std::string_view statement, const sqlutil::Classified& c,
                                  const Params& params, Result& result);
    std::optional<Error> syncViews(const std::vector<mvcc::ViewSchema>& views);
    // MvccConnectionTriggers.cpp: triggers live in the store; each connection declares them on its
    // private handle (MvccTriggers.h), and a table's triggers go when it is dropped.
    std::optional<Error> createTrigger(std::string_view statement, const sqlutil::Classified& c,
                                       const Params& params, Result& result);
    std::optional<Error> dropTrigger(std::string_view statement, const sqlutil::Classified& c,
                                     const Params& params, Result& result);
    std::optional<Error> dropTriggersOf(const std::string& table);
    // PRAGMA foreign_keys and recursive_triggers: per connection, off by default, as in SQLite.
    std::optional<Error> enforcementPragma(const sqlutil::Classified& c, Result& result);
    // MvccConnectionAlter.cpp: ALTER TABLE, planned by SQLite (engine/mvcc/AlterPlan.h), done by the store.
    std::optional<Error> alterTable(std::string_view statement, const sqlutil::Classified& c,
                                    const Params& params, Result& result);
    std::optional<Error> checkAddedColumn(const mvcc::AlterPlan& plan);
    std::optional<Error> onOwnTable(const std::string& table,
                                    const std::function<std::optional<Error>()>& ddl);
    // MvccConnectionSavepoints.cpp: marks in the transaction's writes.
    std::optional<Error> savepoint(const sqlutil::Classified& c);
    std::optional<Error> release(std::string_view statement, const sqlutil::Classified& c);
    std::optional<Error> rollbackTo(std::string_view statement, const sqlutil::Classified& c);
    std::size_t findSavepoint(const std::string& name) const;
    struct Savepoint
    {
        std::string name;      // lower-case
        std::size_t writes;    // tx_->writes.size() when it was made
        std::size_t ddl;       // MvccStore::ddlMark when it was made
        bool beganTransaction; // SAVEPOINT outside a transaction: RELEASE of it commits
    };
    std::vector<Savepoint> savepoints_; // innermost last; cleared whenever the transaction ends
    // MvccConnectionCtas.cpp: CREATE TABLE ... AS SELECT.
    std::optional<Error> createTableAsSelect(std::string_view statement, const sqlutil::Classified& c,
                                             const Params& params);
    std::optional<Error> asExclusiveWriter(const std::function<std::optional<Error>()>& ddl);
    std::optional<Error> enterTransactionDdl(); // asExclusiveWriter inside BEGIN ... COMMIT
    std::optional<Error> syncSchema();
    std::optional<Error> execPrivate(const std::string& sql);
    // The prepared statement for `statement`, and its upsert plan if it has one (see Upsert.h).
    // `namesAbort`: the statement says INSERT OR ABORT / UPDATE OR ABORT (SQLite tells the virtual
    // table ABORT for those and for a bare INSERT alike).
    sqlite3_stmt* prepareCached(std::string_view statement, Error& error, UpsertPlan*& plan,
                                bool& namesAbort);
    void clearStatements();
    bool waitForLock(int count);
    void emit(EventKind kind, std::uint64_t txId, std::int64_t a = 0, std::int64_t b = 0,
              std::string_view text = {}, std::uint16_t detail = 0);

    std::shared_ptr<mvcc::MvccStore> store_;
    TraceLog* const trace_;           // the store's (it keeps it alive); null when not tracing
    StatementEvents statementEvents_; // StatementBegin / StatementEnd, with the fold
    // Set by a BEGIN whose TxBegin the store did not append (leavesTxBeginToEnd): its statement's
    // end appends or carries it (StatementEvents::end's `begun`), and clears this.
    bool txBeginLeftToEnd_ = false;
    sqlite3* db_ = nullptr;
    struct Prepared
    {
        sqlutil::StatementHandle stmt;
        std::unique_ptr<UpsertPlan> plan; // its helper statements are finalized with it
        bool namesAbort = false;          // INSERT OR ABORT / UPDATE OR ABORT
        bool usedSinceSweep = false;      // run from the cache since the last sweep (keep())
    };
    std::unordered_map<std::string, Prepared, TransparentHash, std::equal_to<>> statements_;
    // The statement of the last text prepared for the first time: it enters statements_ at the
    // text's second run, and is finalized when another new text takes its place (a text run once
    // never fills the cache; ParsedTexts.h). Cleared with statements_.
    Prepared once_;
    std::string onceText_;
    // The hashes of texts whose statement left once_ unkept: prepared again, such a text is kept.
    // once_ alone only keeps a text that comes straight back, so the statements of a loop body
    // (A, B, A, B: each takes the other's place) were prepared anew on every run. Bounded:
    // emptied at kMaxSeenOnce (a hash collision only keeps a statement from its first run).
    std::unordered_set<std::size_t> seenOnce_;
    static constexpr std::size_t kMaxSeenOnce = 4096;
    std::size_t statementsPrepared_ = 0;
    std::unordered_map<std::string, Prepared, TransparentHash, std::equal_to<>>::iterator keepStatement();
    // Into statements_; when it holds kMaxKept, first sweeps out the statements not run from it
    // since the last sweep (or, when every one was, all of them), never a running one.
    std::unordered_map<std::string, Prepared, TransparentHash, std::equal_to<>>::iterator
    keep(std::string text, Prepared prepared);
    static constexpr std::size_t kMaxKept = 256;
    ParsedTexts parsedTexts_;                  // execute()'s texts, split and classified once each
    UpsertPlan* statementPlan_ = nullptr;      // the running statement's plan, for the virtual table
    std::unique_ptr<mvcc::Transaction> tx_;    // the explicit transaction, if any
    mvcc::Transaction* statementTx_ = nullptr; // the transaction the running statement uses
    std::optional<Error> vtabError_;
    bool statementNamesAbort_ = false;
    mvcc::Resolution failedUnder_ = mvcc::Resolution::Default;
    std::unique_ptr<ForeignKeys> foreignKeys_; // PRAGMA foreign_keys and their enforcement
    std::unique_ptr<Triggers> triggers_;       // the store's triggers, run on the private handle

    std::uint64_t syncedSchemaVersion_ = 0;
    std::map<std::uint32_t, std::shared_ptr<mvcc::Table>> declared_; // declared as virtual tables, by id
    std::map<std::string, std::string> declaredViews_; // lower-case name -> CREATE VIEW, as declared
    // What syncSchema declared, in creation order, for the schema mirror; and the mirror itself,
    // current while mirrorVersion_ equals syncedSchemaVersion_.
    std::vector<mvcc::ViewSchema> syncedViews_;
    std::vector<mvcc::TriggerSchema> syncedTriggers_;
    std::unique_ptr<SchemaMirror> mirror_;
    std::optional<std::uint64_t> mirrorVersion_;

    BusyHandler busyHandler_;
    int busyTimeoutMs_ = 0;
    std::string synchronous_ = "2";
    Isolation isolation_ = Isolation::Snapshot; // PRAGMA isolation: of the transactions it begins
    StatementClock clock_; // Stop and statement_timeout: the private handle's progress handler, waitForLock
};

} // namespace txs::sql
