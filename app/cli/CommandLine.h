#pragma once
// The command line of txscope-cli (DESIGN.md, "Command-line contract"):
//   txscope-cli run FILE.txs [--journal-mode mvcc|wal|delete] [--json] [--trace OUT.json]
//                            [--db PATH] [--seed N] [--recover=truncate] [--keep-events N]
//                            [--allow-attach]
// plus --help/-h and --version. Options may come before or after FILE, as `--opt VALUE` or
// `--opt=VALUE`; `--` ends the options.

#include "engine/api/JournalMode.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace txs::cli {

struct RunCommandOptions
{
    std::string file;
    std::optional<JournalMode> journalMode; // overrides the file's journal_mode header
    bool json = false;
    std::optional<std::string> tracePath;
    std::optional<std::string> databasePath;
    std::optional<std::uint64_t> seed;       // overrides the file's seed header
    bool recoverTruncate = false;            // accept losing commits after a damaged MVCC log frame
    std::optional<std::uint64_t> keepEvents; // the trace log window (TraceLogLimits::maxEvents)
    bool allowAttach = false; // --allow-attach: ATTACH / VACUUM INTO allowed (docs/security.md)
    bool anomalies = false;   // --anomalies: the dependency graph's anomalies (engine/analysis)
};

struct CommandLine
{
    enum class Action { Run, Help, Version, UsageError };
    Action action = Action::UsageError;
    RunCommandOptions run; // Action::Run
    std::string error;     // Action::UsageError: what is wrong, in one line
};

// `args` excludes the program name.
CommandLine parseCommandLine(const std::vector<std::string>& args);

} // namespace txs::cli
