#pragma once
// --trace OUT.json: the run's events as Chrome Trace Event JSON (Perfetto, chrome://tracing),
// through engine/trace's exporter.

#include "OutputFile.h"

#include <string>

namespace txs {
class TraceLog;
}

namespace txs::cli {

// Writes a consistent snapshot of `trace` to `file` (opened before the run). On failure `why`
// names the file and the cause, and no half-written file is left.
bool writeTraceFile(const TraceLog& trace, OutputFile& file, std::string& why);

} // namespace txs::cli
