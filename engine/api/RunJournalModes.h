#pragma once
// The journal modes a run may be switched to from outside the workload: the one list that the
// CLI's and the GUI's --journal-mode accept (and the GUI's engine menu offers). The contract's
// three; truncate and persist behave like delete as far as concurrency goes, and a .txs header
// can still ask for them.

#include "engine/api/JournalMode.h"

#include <optional>
#include <string_view>

namespace txs {

inline constexpr JournalMode kRunJournalModes[] = {JournalMode::Mvcc, JournalMode::Wal, JournalMode::Delete};

// One of kRunJournalModes by name (read as parseJournalMode reads names), or nothing.
std::optional<JournalMode> parseRunJournalMode(std::string_view name);

// "mvcc, wal or delete": for the message that rejects any other.
const char* runJournalModeChoices();

} // namespace txs
