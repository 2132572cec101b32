#pragma once
// `txscope-cli locks DATABASE [--watch MS] [--json]`: who holds which SQLite lock on DATABASE
// now, without any probe: /proc/locks and /proc/PID/fd mapped to SQLite's locks and to
// processes, plus the WAL index's read marks, the WAL's size and how much is backfilled.

#include "CommandLine.h"

namespace txs::cli {

int locksCommand(const LocksCommandOptions& options);

} // namespace txs::cli
