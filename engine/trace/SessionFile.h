#pragma once
// A recorded session: the workload that ran, its journal mode, and every event of the trace log.
// Reopening it replays the run: every view is a projection of the events, so nothing else is
// needed. The format is line-based text (one event a line, tab-separated, with escapes), so a
// session can be read, diffed and grepped. Version 2 (current) has a `detail` column after the
// kind; version 1 files, without it, still load (error kinds rebuilt from result codes).

#include "engine/trace/Event.h"

#include <optional>
#include <string>
#include <vector>

namespace txs {

struct Session
{
    std::string workloadFile;  // where the workload came from ("" when typed in)
    std::string workloadText;  // the .txs text that ran
    std::string journalMode;   // "mvcc", "wal", "delete", ...
    std::vector<Event> events; // in seq order
};

// Writes `session` to `path`; on failure returns a message naming the file and the cause.
std::optional<std::string> writeSession(const Session& session, const std::string& path);

// Reads a session; on failure returns nullopt and sets `error` to "FILE:LINE: what is wrong"
// (or "FILE: cause" when it cannot be read at all).
std::optional<Session> readSession(const std::string& path, std::string& error);

std::string formatSession(const Session& session);
std::optional<Session> parseSession(const std::string& text, const std::string& fileName, std::string& error);

std::optional<EventKind> eventKindFromName(const std::string& name);

} // namespace txs
