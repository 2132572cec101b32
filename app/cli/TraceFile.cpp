#include "TraceFile.h"

#include "engine/trace/ChromeTrace.h"
#include "engine/trace/TraceLog.h"

#include <cstdio>

namespace txs::cli {

bool writeTraceFile(const TraceLog& trace, OutputFile& file, std::string& why)
{
    if (file.writeAndClose(toChromeTrace(trace.snapshot()), why)) return true;
    // A truncated trace would open as a confusing partial timeline, or not at all.
    std::remove(file.path().c_str());
    return false;
}

} // namespace txs::cli
