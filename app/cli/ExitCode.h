#pragma once
// The exit codes of DESIGN.md's command-line contract, so scripts and CI can tell a workload
// whose expectations failed from a file that never ran.

namespace txs::cli {

enum ExitCode : int {
    ExitOk = 0,       // every expectation held and no worker failed
    ExitFailed = 1,   // an expectation failed, a worker failed, or the trace could not be written
    ExitBadInput = 2, // bad usage, unreadable or invalid file, database that cannot be opened
};

} // namespace txs::cli
