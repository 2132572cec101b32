#include "engine/api/Value.h"

#include "engine/api/RealFormat.h"

#include <cmath>
#include <cstdlib>
#include <sqlite3.h>

namespace txs {

std::string formatReal(double v)
{
    if (std::isnan(v)) return "NULL";
    char buf[64];
    sqlite3_snprintf(sizeof buf, buf, "%!.15g", v);
    return buf;
}

std::int64_t Value::asInt() const
{
    switch (type()) {
    case Type::Null:
        return 0;
    case Type::Integer:
        return integer();
    case Type::Real:
        return static_cast<std::int64_t>(real());
    case Type::Text:
        return std::strtoll(text().c_str(), nullptr, 10);
    case Type::Blob:
        return 0;
    }
    return 0;
}

double Value::asReal() const
{
    switch (type()) {
    case Type::Null:
        return 0;
    case Type::Integer:
        return static_cast<double>(integer());
    case Type::Real:
        return real();
    case Type::Text:
        return std::strtod(text().c_str(), nullptr);
    case Type::Blob:
        return 0;
    }
    return 0;
}

std::string Value::asText() const
{
    switch (type()) {
    case Type::Null:
        return {};
    case Type::Integer:
        return std::to_string(integer());
    case Type::Real:
        return formatReal(real());
    case Type::Text:
        return text();
    case Type::Blob:
        return std::string(blob().bytes.begin(), blob().bytes.end());
    }
    return {};
}

std::string Value::display() const
{
    switch (type()) {
    case Type::Null:
        return "NULL";
    case Type::Blob: {
        static const char* hex = "0123456789abcdef";
        std::string s = "x'";
        for (auto b : blob().bytes) {
            s += hex[b >> 4];
            s += hex[b & 15];
        }
        return s + "'";
    }
    default:
        return asText();
    }
}

} // namespace txs
