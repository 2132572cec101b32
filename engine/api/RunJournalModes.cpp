#include "engine/api/RunJournalModes.h"

namespace txs {

std::optional<JournalMode> parseRunJournalMode(std::string_view name)
{
    const auto mode = parseJournalMode(name);
    for (JournalMode m : kRunJournalModes)
        if (mode == m) return m;
    return std::nullopt;
}

const char* runJournalModeChoices()
{
    return "mvcc, wal or delete";
}

} // namespace txs
