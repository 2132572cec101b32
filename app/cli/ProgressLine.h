#pragma once
// The refreshed progress line on stderr, for runs longer than a second, only when stderr is a
// terminal (a log file or a pipe gets no carriage-return noise). Erased when the run ends.

#include "Console.h"

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace txs {
class Runner;
struct RunProgress;
} // namespace txs

namespace txs::cli {

// "workers  1234/160000 tx  1200 committed  34 retries  2 errors  3.4s"
std::string formatProgress(const RunProgress& progress, double elapsedSeconds);

class ProgressLine
{
public:
    ProgressLine(const Runner& runner, Console& console);
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    // Stops refreshing and erases the line. Safe to call twice.
    void finish();

private:
    void loop();

    const Runner& runner_;
    Console& console_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    std::thread thread_;
};

} // namespace txs::cli
