#pragma once
// `txscope-cli run`: parse, open, run, report. Returns the process exit code.

#include "CommandLine.h"

namespace txs::cli {

int runCommand(const RunCommandOptions& options);

} // namespace txs::cli
