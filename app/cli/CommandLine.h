#pragma once
// The command line of txscope-cli (DESIGN.md, "Command-line contract"):
//   txscope-cli run FILE.txs [--journal-mode mvcc|wal|delete] [--isolation snapshot|serializable]
//                            [--json] [--trace OUT.json]
//                            [--db PATH] [--seed N] [--recover=truncate] [--keep-events N]
//                            [--allow-attach]
// plus --help/-h and --version. Options may come before or after FILE, as `--opt VALUE` or
// `--opt=VALUE`; `--` ends the options.

#include "engine/api/Isolation.h"
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
    std::optional<Isolation> isolation;     // overrides the file's isolation header
    bool json = false;
    std::optional<std::string> tracePath;
    std::optional<std::string> databasePath;
    std::optional<std::uint64_t> seed;       // overrides the file's seed header
    bool recoverTruncate = false;            // accept losing commits after a damaged MVCC log frame
    std::optional<std::uint64_t> keepEvents; // the trace log window (TraceLogLimits::maxEvents)
    bool allowAttach = false; // --allow-attach: ATTACH / VACUUM INTO allowed (docs/security.md)
    bool anomalies = false;   // --anomalies: the dependency graph's anomalies (engine/analysis)
};

// `record [-o OUT.txsession] [--json] [--only GLOB] -- COMMAND [ARGS...]` (docs/recording.md)
struct RecordCommandOptions
{
    std::string output = "recording.txsession";
    bool json = false;
    std::string onlyGlob;
    std::vector<std::string> command;
};

// `locks DATABASE [--watch MS] [--json]`
struct LocksCommandOptions
{
    std::string database;
    std::optional<std::uint64_t> watchMs;
    bool json = false;
};

struct CommandLine
{
    enum class Action { Run, Help, Version, UsageError, Record, Locks };
    Action action = Action::UsageError;
    RunCommandOptions run;            // Action::Run
    std::string error;                // Action::UsageError: what is wrong, in one line
    RecordCommandOptions record = {}; // Action::Record
    LocksCommandOptions locks = {};   // Action::Locks
};

// `args` excludes the program name.
CommandLine parseCommandLine(const std::vector<std::string>& args);
// The arguments after `record` / `locks` (RecordCommandLine.cpp).
CommandLine parseRecordCommandLine(const std::vector<std::string>& args);
CommandLine parseLocksCommandLine(const std::vector<std::string>& args);

} // namespace txs::cli
