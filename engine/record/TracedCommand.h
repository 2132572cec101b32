#pragma once
// Starting a program under the probe, for `txscope-cli record` and the workbench's live
// recording alike: LD_PRELOAD=libtxscope-probe.so and TXSCOPE_RECORD_DIR in its environment,
// which its children inherit (forks, shells, process pools, exec'd programs).

#include <optional>
#include <string>
#include <vector>

namespace txs::record {

// The probe library: $TXSCOPE_PROBE, else beside the running program (the build tree puts it
// there), else the installed copy in ../lib/txscope. "" when none is found.
std::string findProbe();

// A fresh private folder for the records (mkdtemp under the temporary directory); "" with the
// cause in `error` when it cannot be made.
std::string makeRecordDirectory(std::string& error);
void removeRecordDirectory(const std::string& directory);

struct TraceOptions
{
    std::string probe;            // the library to preload
    std::string directory;        // TXSCOPE_RECORD_DIR
    std::string workingDirectory; // "" = the caller's
    // The program leads a process group of its own, so that stopTraced() reaches everything it
    // started (the workbench). false keeps it in the caller's foreground group, where the
    // terminal's Ctrl-C reaches it (the command line).
    bool ownProcessGroup = false;
    std::string messagePrefix = "txscope"; // of what the child says on stderr when it cannot run
};

// Starts `command` (argv; looked up in PATH). Returns its pid, or nullopt with the cause in
// `error`. A program that cannot be executed exits with status 127 (and says why on stderr).
std::optional<int> startTraced(const std::vector<std::string>& command, const TraceOptions& options,
                               std::string& error);

// Its exit status as a shell reports it (128 + signal), once it has ended; nullopt while it
// runs. Reaps it: call until it answers, then never again for that pid.
std::optional<int> tracedExitStatus(int pid);
// Waits for it to end; its status as above.
int waitTraced(int pid);
// Asks the program (and, with its own process group, everything it started) to end: SIGTERM,
// or SIGKILL when `force`.
void stopTraced(int pid, bool ownProcessGroup, bool force);

// "python3 app.py db": the words joined by spaces, for titles and the session's header.
std::string joinedCommand(const std::vector<std::string>& words);

} // namespace txs::record
