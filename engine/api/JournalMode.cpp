#include "engine/api/JournalMode.h"

#include "engine/api/Connection.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace txs {

const char* journalModeName(JournalMode mode)
{
    switch (mode) {
    case JournalMode::Mvcc:
        return "mvcc";
    case JournalMode::Wal:
        return "wal";
    case JournalMode::Delete:
        return "delete";
    case JournalMode::Truncate:
        return "truncate";
    case JournalMode::Persist:
        return "persist";
    }
    return "?";
}

std::optional<JournalMode> parseJournalMode(std::string_view name)
{
    std::string s;
    for (char c : name)
        if (c != '\'' && c != '"' && !std::isspace(static_cast<unsigned char>(c)))
            s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (auto m : {JournalMode::Mvcc, JournalMode::Wal, JournalMode::Delete, JournalMode::Truncate,
                   JournalMode::Persist})
        if (s == journalModeName(m)) return m;
    return std::nullopt;
}

const char* txModeName(TxMode mode)
{
    switch (mode) {
    case TxMode::None:
        return "autocommit";
    case TxMode::Deferred:
        return "deferred";
    case TxMode::Immediate:
        return "immediate";
    case TxMode::Exclusive:
        return "exclusive";
    case TxMode::Concurrent:
        return "concurrent";
    }
    return "?";
}

} // namespace txs
