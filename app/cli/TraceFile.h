#pragma once
// --trace OUT.json: the run's events as Chrome Trace Event JSON (Perfetto, chrome://tracing),
// through engine/trace's exporter, written while the run goes rather than built in memory at
// the end: a thread follows the trace log and streams what it reads to the file, so a run of
// any length exports in bounded memory. The stream pins the log (TraceLog::pin): writers that
// outrun it by more than the log's window wait for it, so the file gets every event. Should
// events be missing all the same (the pin came late), the trace notes it and they are counted.

#include "OutputFile.h"
#include "engine/trace/Event.h"

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace txs {
class ChromeTraceWriter;
class TraceLog;
} // namespace txs

namespace txs::cli {

class TraceStream
{
public:
    // Starts following `trace` into `file` (opened before the run).
    TraceStream(std::shared_ptr<TraceLog> trace, OutputFile file);
    ~TraceStream();
    TraceStream(const TraceStream&) = delete;
    TraceStream& operator=(const TraceStream&) = delete;

    // After the run: writes what is left, ends the JSON and closes the file. On failure `why`
    // names the file and the cause, and no half-written file is left. Call once.
    bool finish(std::string& why);
    // Events that left the log's window before this stream read them.
    std::uint64_t missedEvents() const { return missed_; }

private:
    void loop();
    std::size_t drain(); // returns the number of events read

    std::shared_ptr<TraceLog> trace_;
    OutputFile file_;
    std::unique_ptr<ChromeTraceWriter> writer_;
    std::uint64_t next_ = 0;   // the stream thread's cursor, then finish()'s
    std::uint64_t missed_ = 0; // read after finish()
    std::vector<Event> batch_; // drain()'s, reused
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    std::thread thread_;
};

} // namespace txs::cli
