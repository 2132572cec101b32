#include "engine/api/Isolation.h"

#include "engine/api/AsciiText.h"

namespace txs {

const char* isolationName(Isolation level)
{
    switch (level) {
    case Isolation::Snapshot:
        return "snapshot";
    case Isolation::Serializable:
        return "serializable";
    }
    return "?";
}

std::optional<Isolation> parseIsolation(std::string_view name)
{
    auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!name.empty() && isSpace(name.front())) name.remove_prefix(1);
    while (!name.empty() && isSpace(name.back())) name.remove_suffix(1);
    // One pair of matching quotes, as in PRAGMA isolation = 'serializable'.
    if (name.size() >= 2 && (name.front() == '\'' || name.front() == '"') && name.back() == name.front())
        name = name.substr(1, name.size() - 2);
    for (auto level : {Isolation::Snapshot, Isolation::Serializable})
        if (equalsIgnoreCase(name, isolationName(level))) return level;
    return std::nullopt;
}

} // namespace txs
