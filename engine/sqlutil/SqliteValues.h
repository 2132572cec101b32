#pragma once
// Moving values between the engine's Value and SQLite's C API, shared by both backends (the
// MVCC engine also runs its SQL through SQLite).

#include "engine/api/Value.h"

#include <string>

struct sqlite3_stmt;
struct sqlite3_value;
struct sqlite3_context;

namespace txs {
struct ValueView; // engine/api/RecordFormat.h
} // namespace txs

namespace txs::sqlutil {

Value columnValue(sqlite3_stmt* stmt, int column);
Value fromSqliteValue(sqlite3_value* value);
void resultValue(sqlite3_context* context, const Value& value);
// Binds params[i] to parameter i+1, for as many as the statement has.
void bindParams(sqlite3_stmt* stmt, const Params& params);
// Binds a record's value to parameter `at` without copying its bytes (SQLITE_STATIC): the record
// must stay valid until the parameter is bound again, the bindings are cleared or the statement
// is finalized.
void bindView(sqlite3_stmt* stmt, int at, const ValueView& value);
// "name" with inner quotes doubled: safe to splice into SQL as an identifier.
std::string quoteIdentifier(const std::string& name);

} // namespace txs::sqlutil
