#include "engine/trace/JournalSetting.h"

#include <cctype>

namespace txs {

namespace {

constexpr JournalSetting kSettings[] = {JournalSetting::Delete,  JournalSetting::Truncate,
                                        JournalSetting::Persist, JournalSetting::Memory,
                                        JournalSetting::Wal,     JournalSetting::Off};

} // namespace

const char* journalSettingName(JournalSetting setting)
{
    switch (setting) {
    case JournalSetting::Delete:
        return "delete";
    case JournalSetting::Truncate:
        return "truncate";
    case JournalSetting::Persist:
        return "persist";
    case JournalSetting::Memory:
        return "memory";
    case JournalSetting::Wal:
        return "wal";
    case JournalSetting::Off:
        return "off";
    case JournalSetting::Unknown:
        break;
    }
    return "?";
}

JournalSetting parseJournalSetting(std::string_view name)
{
    for (JournalSetting s : kSettings) {
        const std::string_view known = journalSettingName(s);
        if (known.size() != name.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < known.size() && same; ++i)
            same = std::tolower(static_cast<unsigned char>(name[i])) == known[i];
        if (same) return s;
    }
    return JournalSetting::Unknown;
}

} // namespace txs
