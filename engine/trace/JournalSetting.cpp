#include "engine/trace/JournalSetting.h"

#include "engine/api/AsciiText.h"

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
    for (JournalSetting s : kSettings)
        if (equalsIgnoreCase(name, journalSettingName(s))) return s;
    return JournalSetting::Unknown;
}

} // namespace txs
