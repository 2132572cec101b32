#pragma once
// A SQL value as SQLite has them: NULL, INTEGER, REAL, TEXT or BLOB.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace txs {

struct Blob
{
    std::vector<std::uint8_t> bytes;
    bool operator==(const Blob&) const = default;
};

class Value
{
public:
    enum class Type { Null, Integer, Real, Text, Blob };

    Value() = default;
    Value(std::nullptr_t) {}
    Value(int v) : data_(std::int64_t{v}) {}
    Value(std::int64_t v) : data_(v) {}
    Value(double v) : data_(v) {}
    Value(std::string v) : data_(std::move(v)) {}
    Value(const char* v) : data_(std::string(v)) {}
    Value(Blob v) : data_(std::move(v)) {}

    Type type() const { return static_cast<Type>(data_.index()); }
    bool isNull() const { return type() == Type::Null; }
    std::int64_t asInt() const; // SQLite's conversion rules, approximately
    double asReal() const;
    std::string asText() const; // how the sqlite3 shell prints the value; NULL -> ""
    const std::string& text() const { return std::get<std::string>(data_); }
    const Blob& blob() const { return std::get<Blob>(data_); }
    std::int64_t integer() const { return std::get<std::int64_t>(data_); }
    double real() const { return std::get<double>(data_); }

    // The form expectations are written in: NULL, 42, 1.5, text, x'0a'.
    std::string display() const;

    bool operator==(const Value&) const = default;

private:
    std::variant<std::monostate, std::int64_t, double, std::string, Blob> data_;
};

using Row = std::vector<Value>;
using Params = std::vector<Value>;

} // namespace txs
