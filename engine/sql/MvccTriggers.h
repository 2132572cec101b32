#pragma once
// Triggers on MVCC tables. SQLite refuses triggers on virtual tables, so each trigger of the store
// runs as a TEMP trigger of the connection's private handle on a *shadow* table of its own: a TEMP
// table with the MVCC table's columns (types and COLLATE, the key as INTEGER PRIMARY KEY), empty
// between firings. Firing the trigger for one row is the same one-row INSERT, UPDATE (with the SET
// list of the user's statement, so UPDATE OF columns matches as in SQLite) or DELETE on its shadow
// table; SQLite then runs the trigger itself: WHEN, NEW and OLD, the body, RAISE. The body's
// statements name the MVCC tables (main), so they read and write under the statement's transaction
// through the virtual tables, and fire those tables' triggers in turn.
//
// The virtual table fires, for each row it writes: BEFORE triggers, then the write, then AFTER
// triggers; the triggers of one table and event most recently created first, as SQLite does. A
// BEFORE trigger's RAISE(IGNORE) skips the row (and the triggers after it). RAISE(ABORT) fails the
// statement, undoing it; RAISE(FAIL) and RAISE(ROLLBACK) are rewritten to txscope_raise(), which
// records which it was (the statement then keeps its earlier rows, or the transaction is rolled
// back) and fails with SQLite's message and code. With PRAGMA recursive_triggers off (SQLite's
// default) a trigger does not fire while it is already running.
//
// The shadow tables' own housekeeping (the old row put in before an UPDATE or DELETE, the row taken
// out after) fires nothing: every rewritten trigger's WHEN starts with txscope_firing(serial), true
// only for the one statement that fires it.

#include "engine/api/Error.h"
#include "engine/mvcc/Table.h"
#include "engine/sqlutil/StatementHandle.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_context;
struct sqlite3_value;

namespace txs::sql {

class Triggers
{
public:
    enum class Timing : std::uint8_t { Before, After };
    enum class Event : std::uint8_t { Insert, Update, Delete };
    // What a txscope_raise() recorded for the running statement.
    enum class Raised : std::uint8_t { None, Fail, Rollback };

    using Tables = std::map<std::uint32_t, std::shared_ptr<mvcc::Table>>;

    // `vtabError`: where the virtual table reports the error behind a failed statement.
    Triggers(sqlite3* db, std::optional<Error>& vtabError);

    // Declares the store's triggers (in creation order) on the private handle, dropping the ones it
    // no longer has. Called by syncSchema with the declared tables, cached statements finalized.
    std::optional<Error> sync(const std::vector<mvcc::TriggerSchema>& triggers, const Tables& tables);
    void clearStatements() { statements_.clear(); }

    bool any(std::uint32_t tableId) const { return byTable_.count(tableId) > 0; }
    // Whether an UPDATE of the table needs to know which columns its SET names (UPDATE OF triggers).
    bool wantsSetColumns(std::uint32_t tableId) const;

    // Fires `table`'s triggers of `timing` and `event` for one row: `oldRow` at `oldKey` (UPDATE,
    // DELETE), `newRow` at `newKey` (INSERT, UPDATE), `set` the columns an UPDATE's SET names (empty:
    // all). `ignored`: a BEFORE trigger said RAISE(IGNORE), the row is to be left alone.
    std::optional<Error> fire(const mvcc::Table& table, Timing timing, Event event, const Row* oldRow,
                              std::int64_t oldKey, const Row* newRow, std::int64_t newKey,
                              const std::vector<bool>& set, bool& ignored);

    void beginStatement() { raised_ = Raised::None; }
    Raised raised() const { return raised_; }
    void setRecursive(bool on) { recursive_ = on; }
    bool recursive() const { return recursive_; }

private:
    struct Declared
    {
        std::string name;      // lower case, the store's
        std::string createSql; // the store's, its body's INSERTs given their defaults (withBodyDefaults)
        std::uint32_t tableId = 0;
        int serial = 0; // names the shadow table and the TEMP trigger
        Timing timing = Timing::Before;
        Event event = Event::Insert;
        bool hasColumns = false;          // UPDATE OF ...
        std::string shadow;               // quoted
        std::vector<std::string> columns; // the shadow's column names, quoted, in table order
    };
    std::optional<Error> declare(const mvcc::TriggerSchema& trigger, const std::string& createSql,
                                 const mvcc::Table& table);
    std::optional<Error> runShadow(const Declared& d, const char* what, const std::string& sql,
                                   const Row& params, bool firing, bool* changed = nullptr);
    static void firingFunction(sqlite3_context* context, int argc, sqlite3_value** argv);
    static void raiseFunction(sqlite3_context* context, int argc, sqlite3_value** argv);

    sqlite3* db_;
    std::optional<Error>& vtabError_;
    std::vector<Declared> declared_; // creation order
    std::multimap<std::uint32_t, std::size_t> byTable_;
    std::map<std::string, sqlutil::StatementHandle> statements_;
    std::vector<int> running_; // serials of the triggers firing now, outermost first
    int firing_ = 0;           // the serial whose WHEN is about to be evaluated (txscope_firing)
    int nextSerial_ = 1;
    bool recursive_ = false;
    Raised raised_ = Raised::None;
};

// The TEMP trigger SQLite runs for `createSql` (a CREATE TRIGGER the store took): named `name`, on
// table `shadow`, its WHEN prefixed with txscope_firing(serial), RAISE(FAIL|ROLLBACK, m) rewritten
// to txscope_raise(1|2, m). Also says its timing, event and whether it lists UPDATE OF columns.
// Empty with `error` set when the text is not one this reads (it always is for a stored trigger).
std::string shadowTrigger(const std::string& createSql, const std::string& name, const std::string& shadow,
                          int serial, Triggers::Timing& timing, Triggers::Event& event, bool& hasColumns,
                          std::string& error);

} // namespace txs::sql
