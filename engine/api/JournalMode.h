#pragma once

#include <optional>
#include <string_view>

namespace txs {

// mvcc is TxScope's own engine; the others are real SQLite's journal modes.
enum class JournalMode { Mvcc, Wal, Delete, Truncate, Persist };

const char* journalModeName(JournalMode mode);
std::optional<JournalMode> parseJournalMode(std::string_view name); // case-insensitive, quotes allowed

} // namespace txs
