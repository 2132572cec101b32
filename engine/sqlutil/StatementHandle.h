#pragma once
// Owns one prepared statement: sqlite3_finalize runs when the handle dies, on every path out of
// a function (early returns and exceptions included), and exactly once, because the handle can
// be moved but not copied. Finalizing a null handle is a no-op, as SQLite documents.

#include <sqlite3.h>
#include <string_view>
#include <utility>

namespace txs::sqlutil {

class StatementHandle
{
public:
    StatementHandle() = default;
    explicit StatementHandle(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
    ~StatementHandle() { sqlite3_finalize(stmt_); }

    StatementHandle(StatementHandle&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
    StatementHandle& operator=(StatementHandle&& other) noexcept
    {
        if (this != &other) reset(std::exchange(other.stmt_, nullptr));
        return *this;
    }
    StatementHandle(const StatementHandle&) = delete;
    StatementHandle& operator=(const StatementHandle&) = delete;

    sqlite3_stmt* get() const noexcept { return stmt_; }
    explicit operator bool() const noexcept { return stmt_ != nullptr; }
    // Finalizes what it held and takes `stmt` instead.
    void reset(sqlite3_stmt* stmt = nullptr) noexcept { sqlite3_finalize(std::exchange(stmt_, stmt)); }
    // Gives up ownership: the caller finalizes.
    [[nodiscard]] sqlite3_stmt* release() noexcept { return std::exchange(stmt_, nullptr); }

private:
    sqlite3_stmt* stmt_ = nullptr;
};

// Prepares the first statement of `sql` into `out` (null for text holding no statement: blanks or
// comments) and returns SQLite's result code. `tail`, when given, is set to where the next
// statement starts. `flags` are sqlite3_prepare_v3's (SQLITE_PREPARE_PERSISTENT, ...).
int prepare(sqlite3* db, std::string_view sql, StatementHandle& out, const char** tail = nullptr,
            unsigned flags = 0);

} // namespace txs::sqlutil
