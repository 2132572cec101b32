#pragma once
// A connection's prepared statements, keyed by SQL text, least recently used evicted first.
//
// Key: the text from the statement's first token to the end of what execute() was given. A
// one-statement text is its own key; in "A; B" the second statement is found under "B" (the
// rest of the text), so statements of a script are prepared lazily, each after the ones before
// it ran (a script may create the table its next statement uses), and found again without
// re-splitting the script. The bound keeps workloads whose SQL differs on every iteration from
// growing the cache without limit.

#include "engine/sqlite/SqlText.h"
#include "engine/sqlutil/StatementHandle.h"

#include <cstddef>
#include <list>
#include <sqlite3.h>
#include <string>
#include <string_view>
#include <unordered_map>

namespace txs::sqlite {

struct CachedStatement
{
    sqlutil::StatementHandle stmt; // null for statements the connection answers itself (busy_timeout)
    std::size_t length = 0;        // characters of the key this statement covers
    std::string text;              // the statement as shown in the trace
    StatementInfo info;
};

class StatementCache
{
public:
    explicit StatementCache(std::size_t capacity = 256) : capacity_(capacity) {}
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;

    // The statement cached under `key`, now the most recently used; null when absent.
    CachedStatement* find(std::string_view key);
    // Caches `statement` (taking its sqlite3_stmt) and returns it. May finalize the least recently
    // used statement; pointers returned earlier stay valid until their own entry is evicted.
    CachedStatement* insert(std::string key, CachedStatement statement);
    // Finalizes everything (before sqlite3_close; destroying the cache does it too).
    void clear();
    std::size_t size() const { return entries_.size(); }

private:
    struct Entry
    {
        std::string key;
        CachedStatement statement;
    };
    std::size_t capacity_;
    std::list<Entry> entries_;                                               // most recently used first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index_; // views into Entry::key
};

} // namespace txs::sqlite
