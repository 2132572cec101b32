#pragma once
// A statement changed the database's journal mode: the typed Note that says so, and the journal
// modes SQLite answers to PRAGMA journal_mode. WAL is the one mode the database file itself
// keeps (it outlives the run); the others are a connection's, and a new connection starts in
// DELETE.
//
// The event: kind Note with detail kJournalModeChangedNote, on the statement's connection,
// inside its span (between its StatementBegin and StatementEnd); a: the mode before, b: the mode
// after (JournalSetting); rowid: 1 when the file's own mode changed (into or out of WAL), 0 for
// a connection's rollback-journal variant; text: the same for people. Code reads the kind, the
// detail and the numbers, never the text. (A Note rather than an EventKind of its own: a new
// kind changes engine/trace/Event.h, which every part of the program includes; a Note's detail
// was free, and 0 is a plain note.)

#include "engine/trace/Event.h"

#include <cstdint>
#include <string_view>

namespace txs {

inline constexpr std::uint16_t kJournalModeChangedNote = 1;

// Not engine/api's JournalMode: that one is what a run may be asked for (the command line's and
// the .txs file's set: mvcc, and no memory or off), this one is what SQLite answers, and its
// numbers are stored in events (recorded sessions keep them), so neither can stand for the other.
enum class JournalSetting : std::uint8_t { Unknown, Delete, Truncate, Persist, Memory, Wal, Off };

// The event is a journal-mode change (a typed Note).
inline bool isJournalModeChange(const Event& e)
{
    return e.kind == EventKind::Note && e.detail == kJournalModeChangedNote;
}

// "delete", "truncate", "persist", "memory", "wal", "off"; "?" for Unknown.
const char* journalSettingName(JournalSetting setting);
// SQLite's answer ("wal", "DELETE", ...), case-insensitive; Unknown for anything else.
JournalSetting parseJournalSetting(std::string_view name);

} // namespace txs
