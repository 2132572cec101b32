#include "engine/sql/MvccTriggers.h"

#include "engine/api/AsciiText.h"
#include "engine/mvcc/Affinity.h"
#include "engine/sql/TriggerBodyDefaults.h"
#include "engine/sqlutil/SqlScanner.h"
#include "engine/sqlutil/SqliteValues.h"

#include <algorithm>
#include <set>
#include <sqlite3.h>

namespace txs::sql {

using sqlutil::quoteIdentifier;
using sqlutil::Token;

namespace {

bool isWord(const std::vector<Token>& t, std::size_t i, const char* word)
{
    return i < t.size() && t[i].type == Token::Type::Word && !t[i].quoted && t[i].text == word;
}
bool isPunct(const std::vector<Token>& t, std::size_t i, const char* p)
{
    return i < t.size() && t[i].type == Token::Type::Punct && t[i].text == p;
}

std::string stringLiteral(const std::string& text)
{
    std::string quoted = "'";
    for (char c : text)
        quoted += c == '\'' ? std::string("''") : std::string(1, c);
    return quoted + "'";
}

// SQLite's limit on nested trigger programs (SQLITE_MAX_TRIGGER_DEPTH).
constexpr std::size_t maxTriggerDepth = 1000;

} // namespace

std::string shadowTrigger(const std::string& sql, const std::string& name, const std::string& shadow,
                          int serial, Triggers::Timing& timing, Triggers::Event& event, bool& hasColumns,
                          std::string& error)
{
    const auto t = sqlutil::leadingTokens(sql, 1000000);
    std::size_t i = 0;
    if (!isWord(t, i++, "CREATE")) return error = "not a CREATE TRIGGER", "";
    if (isWord(t, i, "TEMP") || isWord(t, i, "TEMPORARY")) ++i;
    if (!isWord(t, i++, "TRIGGER")) return error = "not a CREATE TRIGGER", "";
    if (isWord(t, i, "IF") && isWord(t, i + 1, "NOT") && isWord(t, i + 2, "EXISTS")) i += 3;
    i += isPunct(t, i + 1, ".") ? 3 : 1; // [schema.]name
    const std::size_t header = i;
    timing = Triggers::Timing::Before; // SQLite's default
    if (isWord(t, i, "BEFORE"))
        ++i;
    else if (isWord(t, i, "AFTER"))
        timing = Triggers::Timing::After, ++i;
    if (isWord(t, i, "DELETE"))
        event = Triggers::Event::Delete;
    else if (isWord(t, i, "INSERT"))
        event = Triggers::Event::Insert;
    else if (isWord(t, i, "UPDATE"))
        event = Triggers::Event::Update;
    else
        return error = "a trigger event TxScope does not read", "";
    hasColumns = isWord(t, i + 1, "OF");
    std::size_t on = i;
    while (on < t.size() && !isWord(t, on, "ON"))
        ++on;
    if (on >= t.size()) return error = "no ON in CREATE TRIGGER", "";
    std::size_t at = on + (isPunct(t, on + 2, ".") ? 4 : 2); // after [schema.]table
    std::size_t begin = at;
    while (begin < t.size() && !isWord(t, begin, "BEGIN"))
        ++begin;
    if (begin >= t.size()) return error = "no BEGIN in CREATE TRIGGER", "";
    std::string when;
    for (std::size_t w = at; w < begin; ++w)
        if (isWord(t, w, "WHEN") && w + 1 < begin)
            when = sql.substr(t[w + 1].offset, t[begin].offset - t[w + 1].offset);
    std::string out = "CREATE TEMP TRIGGER " + name + " " +
                      sql.substr(t[header].offset, t[on].offset - t[header].offset) + "ON " + shadow +
                      " FOR EACH ROW WHEN txscope_firing(" + std::to_string(serial) + ")";
    if (!when.empty()) out += " AND (" + when + ")";
    out += " ";
    // The body, RAISE(FAIL|ROLLBACK, m) rewritten.
    std::size_t copied = t[begin].offset;
    for (std::size_t r = begin; r + 5 < t.size(); ++r) {
        if (!isWord(t, r, "RAISE") || !isPunct(t, r + 1, "(") || !isPunct(t, r + 3, ",") ||
            !isPunct(t, r + 5, ")"))
            continue;
        const int kind = isWord(t, r + 2, "FAIL") ? 1 : isWord(t, r + 2, "ROLLBACK") ? 2 : 0;
        if (!kind) continue;
        const Token& message = t[r + 4];
        const std::string literal =
            message.type == Token::Type::String
                ? sql.substr(message.offset, message.length)
                : stringLiteral(message.quoted ? message.text : sql.substr(message.offset, message.length));
        out += sql.substr(copied, t[r].offset - copied);
        out += "txscope_raise(" + std::to_string(kind) + ", " + literal + ")";
        copied = t[r + 5].offset + 1;
        r += 5;
    }
    return out + sql.substr(copied);
}

Triggers::Triggers(sqlite3* db, std::optional<Error>& vtabError) : db_(db), vtabError_(vtabError)
{
    const int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS;
    sqlite3_create_function(db_, "txscope_firing", 1, flags, this, firingFunction, nullptr, nullptr);
    sqlite3_create_function(db_, "txscope_raise", 2, flags, this, raiseFunction, nullptr, nullptr);
}

void Triggers::firingFunction(sqlite3_context* context, int, sqlite3_value** argv)
{
    auto* self = static_cast<Triggers*>(sqlite3_user_data(context));
    sqlite3_result_int(context, self->firing_ != 0 && sqlite3_value_int(argv[0]) == self->firing_);
}

void Triggers::raiseFunction(sqlite3_context* context, int, sqlite3_value** argv)
{
    auto* self = static_cast<Triggers*>(sqlite3_user_data(context));
    self->raised_ = sqlite3_value_int(argv[0]) == 2 ? Raised::Rollback : Raised::Fail;
    const auto* message = sqlite3_value_text(argv[1]);
    sqlite3_result_error(context, message ? reinterpret_cast<const char*>(message) : "", -1);
    sqlite3_result_error_code(context, SQLITE_CONSTRAINT_TRIGGER);
}

bool Triggers::wantsSetColumns(std::uint32_t tableId) const
{
    const auto [first, last] = byTable_.equal_range(tableId);
    for (auto it = first; it != last; ++it)
        if (declared_[it->second].hasColumns) return true;
    return false;
}

std::optional<Error> Triggers::declare(const mvcc::TriggerSchema& trigger, const std::string& createSql,
                                       const mvcc::Table& table)
{
    Declared d;
    d.name = toLower(trigger.name);
    d.createSql = createSql;
    d.tableId = table.id();
    d.serial = nextSerial_++;
    const std::string internal = "__txscope_trigger_" + std::to_string(d.serial);
    d.shadow = quoteIdentifier(internal);
    const auto& schema = table.schema();
    std::string create = "CREATE TEMP TABLE " + d.shadow + "(";
    for (std::size_t i = 0; i < schema.columns.size(); ++i) {
        const auto& column = schema.columns[i];
        d.columns.push_back(quoteIdentifier(column.name));
        create += (i ? ", " : "") + d.columns.back() + " " +
                  (static_cast<int>(i) == schema.keyColumn ? std::string("INTEGER PRIMARY KEY")
                                                           : mvcc::looseType(schema, column));
        if (!column.collation.empty()) create += " COLLATE " + quoteIdentifier(column.collation);
    }
    create += ")";
    std::string why;
    const std::string sql =
        shadowTrigger(createSql, d.shadow, d.shadow, d.serial, d.timing, d.event, d.hasColumns, why);
    if (sql.empty()) return Error::notSupported("trigger " + trigger.name + ": " + why);
    for (const auto& statement : {create, sql}) {
        char* message = nullptr;
        if (sqlite3_exec(db_, statement.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
            Error e = Error::fromSqlite(sqlite3_extended_errcode(db_), message ? message : "error");
            sqlite3_free(message);
            sqlite3_exec(db_, ("DROP TABLE IF EXISTS temp." + d.shadow).c_str(), nullptr, nullptr, nullptr);
            return e;
        }
    }
    byTable_.emplace(d.tableId, declared_.size());
    declared_.push_back(std::move(d));
    return std::nullopt;
}

std::optional<Error> Triggers::sync(const std::vector<mvcc::TriggerSchema>& triggers, const Tables& tables)
{
    statements_.clear();
    std::map<std::string, const mvcc::Table*> byName;
    for (const auto& [id, table] : tables)
        byName[toLower(table->name())] = table.get();
    auto schemaOf = [&byName](const std::string& name) -> const mvcc::TableSchema* {
        const auto it = byName.find(toLower(name));
        return it == byName.end() ? nullptr : &it->second->schema();
    };
    // Each trigger's text as declared: its body's INSERTs with the defaults of the tables as they
    // are now (TriggerBodyDefaults.h), so a table given a new DEFAULT declares its writers again.
    std::vector<std::string> texts;
    texts.reserve(triggers.size());
    for (const auto& trigger : triggers)
        texts.push_back(withBodyDefaults(trigger.createSql, schemaOf));
    // Declared as wanted, in the same order: keep; anything else is declared again from the store.
    bool same = triggers.size() == declared_.size();
    for (std::size_t i = 0; same && i < triggers.size(); ++i) {
        const auto table = byName.find(toLower(triggers[i].table));
        same = toLower(triggers[i].name) == declared_[i].name && texts[i] == declared_[i].createSql &&
               table != byName.end() && table->second->id() == declared_[i].tableId;
    }
    if (same) return std::nullopt;
    for (const auto& d : declared_) // the TEMP trigger goes with its table
        sqlite3_exec(db_, ("DROP TABLE IF EXISTS temp." + d.shadow).c_str(), nullptr, nullptr, nullptr);
    declared_.clear();
    byTable_.clear();
    for (std::size_t i = 0; i < triggers.size(); ++i) {
        const auto table = byName.find(toLower(triggers[i].table));
        if (table == byName.end())
            continue; // its table is gone: so is it (the store drops it with the table)
        if (auto error = declare(triggers[i], texts[i], *table->second)) return error;
    }
    return std::nullopt;
}

std::optional<Error> Triggers::runShadow(const Declared& d, const char* what, const std::string& sql,
                                         const Row& params, bool firing, bool* changed)
{
    // A trigger firing within itself (recursive_triggers) finds its statement running: it gets one of its
    // own.
    sqlutil::StatementHandle own;
    auto it = statements_.find(sql);
    if (it == statements_.end() || sqlite3_stmt_busy(it->second.get())) {
        if (sqlutil::prepare(db_, sql, own) != SQLITE_OK || !own)
            return Error::fromSqlite(sqlite3_extended_errcode(db_), std::string(what) + " of trigger " +
                                                                        d.name + ": " + sqlite3_errmsg(db_));
        ;
        if (it == statements_.end()) it = statements_.emplace(sql, std::move(own)).first;
    }
    sqlite3_stmt* s = own ? own.get() : it->second.get();
    sqlutil::bindParams(s, params);
    vtabError_.reset();
    firing_ = firing ? d.serial : 0;
    const int rc = sqlite3_step(s);
    firing_ = 0;
    std::optional<Error> error;
    if (rc != SQLITE_DONE)
        error =
            vtabError_ ? *vtabError_ : Error::fromSqlite(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_));
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (changed) *changed = !error && sqlite3_changes(db_) > 0;
    return error;
}

std::optional<Error> Triggers::fire(const mvcc::Table& table, Timing timing, Event event, const Row* oldRow,
                                    std::int64_t oldKey, const Row* newRow, std::int64_t newKey,
                                    const std::vector<bool>& set, bool& ignored)
{
    ignored = false;
    const auto [first, last] = byTable_.equal_range(table.id());
    std::vector<std::size_t> order;
    for (auto it = first; it != last; ++it)
        order.push_back(it->second);
    std::sort(order.rbegin(), order.rend()); // the most recently created first, as SQLite
    const int keyColumn = table.schema().keyColumn;
    for (std::size_t index : order) {
        const Declared& d = declared_[index];
        if (d.timing != timing || d.event != event) continue;
        if (!recursive_ && std::find(running_.begin(), running_.end(), d.serial) != running_.end()) continue;
        if (running_.size() >= maxTriggerDepth)
            return Error::fromSqlite(SQLITE_ERROR, "too many levels of trigger recursion");
        // The shadow's row: the columns, and the rowid first unless the key column is the rowid.
        const bool hiddenRowid = keyColumn < 0;
        auto rowParams = [&](const Row& row, std::int64_t key) {
            Row params;
            if (hiddenRowid) params.push_back(Value(key));
            params.insert(params.end(), row.begin(), row.end());
            return params;
        };
        std::string columns = hiddenRowid ? "rowid" : "", values = hiddenRowid ? "?1" : "";
        for (std::size_t i = 0; i < d.columns.size(); ++i) {
            const std::size_t n = i + (hiddenRowid ? 2 : 1);
            columns += (columns.empty() ? "" : ", ") + d.columns[i];
            values += (values.empty() ? "?" : ", ?") + std::to_string(n);
        }
        // OR REPLACE: a firing within a firing of the same trigger may bring the same key.
        const std::string insert =
            "INSERT OR REPLACE INTO temp." + d.shadow + "(" + columns + ") VALUES (" + values + ")";
        running_.push_back(d.serial);
        std::optional<Error> error;
        bool changed = false;
        if (event == Event::Insert) {
            error = runShadow(d, "INSERT", insert, rowParams(*newRow, newKey), true, &changed);
        } else {
            error = runShadow(d, "the old row", insert, rowParams(*oldRow, oldKey), false);
            if (!error && event == Event::Delete) {
                error = runShadow(d, "DELETE", "DELETE FROM temp." + d.shadow + " WHERE rowid = ?1",
                                  {Value(oldKey)}, true, &changed);
            } else if (!error) {
                std::string update = "UPDATE temp." + d.shadow + " SET ";
                Row params;
                for (std::size_t i = 0; i < d.columns.size(); ++i) {
                    if (!set.empty() && !set[i]) continue;
                    update += (params.empty() ? "" : ", ") + d.columns[i] + " = ?" +
                              std::to_string(params.size() + 1);
                    params.push_back((*newRow)[i]);
                }
                if (keyColumn < 0 && newKey != oldKey) {
                    update += (params.empty() ? "" : ", ") + std::string("rowid = ?") +
                              std::to_string(params.size() + 1);
                    params.push_back(Value(newKey));
                }
                if (params.empty())
                    update += "rowid = rowid"; // names nothing SQL can name: fires all the same
                update += " WHERE rowid = ?" + std::to_string(params.size() + 1);
                params.push_back(Value(oldKey));
                error = runShadow(d, "UPDATE", update, params, true, &changed);
            }
        }
        // Empty again (fires nothing: txscope_firing is false), the row under either key.
        const Row keys{Value(event == Event::Insert ? newKey : oldKey), Value(newRow ? newKey : oldKey)};
        if (auto cleared = runShadow(
                d, "DELETE", "DELETE FROM temp." + d.shadow + " WHERE rowid = ?1 OR rowid = ?2", keys, false);
            cleared && !error)
            error = cleared;
        running_.pop_back();
        if (error) return error;
        if (timing == Timing::Before && !changed) {
            ignored = true; // RAISE(IGNORE): the row, and the triggers after this one, are skipped
            return std::nullopt;
        }
    }
    return std::nullopt;
}

} // namespace txs::sql
