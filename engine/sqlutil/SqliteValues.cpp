#include "engine/sqlutil/SqliteValues.h"

#include "engine/api/RecordFormat.h"

#include <sqlite3.h>

namespace txs::sqlutil {

namespace {
Blob blobOf(const void* data, int size)
{
    Blob blob;
    if (size > 0) {
        const auto* bytes = static_cast<const std::uint8_t*>(data);
        blob.bytes.assign(bytes, bytes + size);
    }
    return blob;
}
} // namespace

Value columnValue(sqlite3_stmt* stmt, int i)
{
    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
        return Value(static_cast<std::int64_t>(sqlite3_column_int64(stmt, i)));
    case SQLITE_FLOAT:
        return Value(sqlite3_column_double(stmt, i));
    case SQLITE_TEXT: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        return Value(std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))));
    }
    case SQLITE_BLOB: {
        const void* data = sqlite3_column_blob(stmt, i);
        return Value(blobOf(data, sqlite3_column_bytes(stmt, i)));
    }
    default:
        return Value();
    }
}

Value fromSqliteValue(sqlite3_value* v)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        return Value(static_cast<std::int64_t>(sqlite3_value_int64(v)));
    case SQLITE_FLOAT:
        return Value(sqlite3_value_double(v));
    case SQLITE_TEXT: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
        return Value(std::string(text, static_cast<std::size_t>(sqlite3_value_bytes(v))));
    }
    case SQLITE_BLOB: {
        const void* data = sqlite3_value_blob(v);
        return Value(blobOf(data, sqlite3_value_bytes(v)));
    }
    default:
        return Value();
    }
}

void resultValue(sqlite3_context* context, const Value& v)
{
    switch (v.type()) {
    case Value::Type::Null:
        sqlite3_result_null(context);
        break;
    case Value::Type::Integer:
        sqlite3_result_int64(context, v.integer());
        break;
    case Value::Type::Real:
        sqlite3_result_double(context, v.real());
        break;
    case Value::Type::Text:
        sqlite3_result_text64(context, v.text().data(), v.text().size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
    case Value::Type::Blob:
        // A null pointer would mean NULL: an empty blob is a zero-length zeroblob.
        if (v.blob().bytes.empty())
            sqlite3_result_zeroblob(context, 0);
        else
            sqlite3_result_blob64(context, v.blob().bytes.data(), v.blob().bytes.size(), SQLITE_TRANSIENT);
        break;
    }
}

namespace {

// Binds `value` to parameter `at`, its bytes copied (SQLITE_TRANSIENT) or used where they lie
// (SQLITE_STATIC). An empty text or blob is bound from a non-null pointer or as a zeroblob: a
// null pointer would bind NULL.
void bindValue(sqlite3_stmt* stmt, int at, const ValueView& value, sqlite3_destructor_type lifetime)
{
    switch (value.type) {
    case Value::Type::Null:
        sqlite3_bind_null(stmt, at);
        break;
    case Value::Type::Integer:
        sqlite3_bind_int64(stmt, at, value.integer);
        break;
    case Value::Type::Real:
        sqlite3_bind_double(stmt, at, value.real);
        break;
    case Value::Type::Text:
        sqlite3_bind_text64(stmt, at, value.bytes.empty() ? "" : value.bytes.data(), value.bytes.size(),
                            lifetime, SQLITE_UTF8);
        break;
    case Value::Type::Blob:
        if (value.bytes.empty())
            sqlite3_bind_zeroblob(stmt, at, 0);
        else
            sqlite3_bind_blob64(stmt, at, value.bytes.data(), value.bytes.size(), lifetime);
        break;
    }
}

} // namespace

void bindParams(sqlite3_stmt* stmt, const Params& params)
{
    const int count = sqlite3_bind_parameter_count(stmt);
    for (int i = 1; i <= count && i <= static_cast<int>(params.size()); ++i)
        bindValue(stmt, i, viewOf(params[static_cast<std::size_t>(i - 1)]), SQLITE_TRANSIENT);
}

void bindView(sqlite3_stmt* stmt, int at, const ValueView& value)
{
    bindValue(stmt, at, value, SQLITE_STATIC);
}

std::string quoteIdentifier(const std::string& name)
{
    std::string q = "\"";
    for (char c : name)
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

} // namespace txs::sqlutil
