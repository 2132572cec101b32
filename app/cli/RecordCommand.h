#pragma once
// `txscope-cli record`: runs a command with the probe preloaded, then turns every process's
// records into one session (engine/record/Recording) and prints what happened. Returns the
// command's exit status (128 + signal when a signal ended it), or 2 when it could not run.

#include "CommandLine.h"

namespace txs::cli {

int recordCommand(const RecordCommandOptions& options);

} // namespace txs::cli
