#include "engine/mvcc/Affinity.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

namespace txs::mvcc {

using mvcc::Affinity;

Affinity affinityOf(std::string_view declaredType)
{
    std::string t;
    for (char c : declaredType)
        t += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto has = [&](const char* s) { return t.find(s) != std::string::npos; };
    if (has("INT")) return Affinity::Integer;
    if (has("CHAR") || has("CLOB") || has("TEXT")) return Affinity::Text;
    if (t.empty() || has("BLOB")) return Affinity::Blob;
    if (has("REAL") || has("FLOA") || has("DOUB")) return Affinity::Real;
    return Affinity::Numeric;
}

namespace {

// A text that is a well-formed number (blanks around allowed) becomes that number: an
// integer when it is one and fits, else a real.
bool textToNumber(const std::string& text, Value& out)
{
    const char* begin = text.c_str();
    while (std::isspace(static_cast<unsigned char>(*begin)))
        ++begin;
    if (!*begin) return false;
    char* end = nullptr;
    errno = 0;
    const long long asInt = std::strtoll(begin, &end, 10);
    auto restBlank = [](const char* p) {
        while (std::isspace(static_cast<unsigned char>(*p)))
            ++p;
        return *p == 0;
    };
    if (end != begin && restBlank(end) && errno == 0) {
        out = Value(static_cast<std::int64_t>(asInt));
        return true;
    }
    // Hex, inf and nan are text to SQLite, not numbers.
    for (const char* p = begin; *p; ++p)
        if (std::isalpha(static_cast<unsigned char>(*p)) && *p != 'e' && *p != 'E') return false;
    const double asReal = std::strtod(begin, &end);
    if (end == begin || !restBlank(end)) return false;
    out = Value(asReal);
    return true;
}

// SQLite stores a real with no fractional part that fits in 64 bits as an integer under
// INTEGER and NUMERIC affinity.
Value integralRealToInteger(const Value& v)
{
    const double d = v.real();
    if (std::floor(d) == d && d >= -9.2233720368547758e18 && d < 9.2233720368547758e18)
        return Value(static_cast<std::int64_t>(d));
    return v;
}

} // namespace

Value applyAffinity(Value value, Affinity affinity)
{
    switch (affinity) {
    case Affinity::Blob:
        return value;
    case Affinity::Text:
        if (value.type() == Value::Type::Integer || value.type() == Value::Type::Real)
            return Value(value.asText());
        return value;
    case Affinity::Real:
        if (value.type() == Value::Type::Integer) return Value(static_cast<double>(value.integer()));
        if (value.type() == Value::Type::Text) {
            Value n;
            if (textToNumber(value.text(), n)) return Value(n.asReal());
        }
        return value;
    case Affinity::Integer:
    case Affinity::Numeric:
        if (value.type() == Value::Type::Text) {
            Value n;
            if (!textToNumber(value.text(), n)) return value;
            return n.type() == Value::Type::Real ? integralRealToInteger(n) : n;
        }
        if (value.type() == Value::Type::Real) return integralRealToInteger(value);
        return value;
    }
    return value;
}

namespace {

std::string upper(std::string_view text)
{
    std::string t;
    for (char c : text)
        t += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return t;
}

} // namespace

Affinity strictAffinityOf(std::string_view declaredType)
{
    const std::string t = upper(declaredType);
    return t == "ANY" ? Affinity::Blob : affinityOf(t);
}

std::string looseType(const TableSchema& table, const ColumnSchema& column)
{
    return table.strict && upper(column.declaredType) == "ANY" ? std::string() : column.declaredType;
}

std::optional<std::string> strictMismatch(const Value& value, const ColumnSchema& column,
                                          const std::string& table)
{
    const std::string type = upper(column.declaredType);
    Value::Type wanted;
    if (type == "INT" || type == "INTEGER")
        wanted = Value::Type::Integer;
    else if (type == "REAL")
        wanted = Value::Type::Real;
    else if (type == "TEXT")
        wanted = Value::Type::Text;
    else if (type == "BLOB")
        wanted = Value::Type::Blob;
    else
        return std::nullopt; // ANY
    if (value.isNull() || value.type() == wanted) return std::nullopt;
    const char* given = value.type() == Value::Type::Integer ? "INT"
                        : value.type() == Value::Type::Real  ? "REAL"
                        : value.type() == Value::Type::Text  ? "TEXT"
                                                             : "BLOB";
    return std::string("cannot store ") + given + " value in " + type + " column " + table + "." +
           column.name;
}

} // namespace txs::mvcc
