#pragma once
// The CLI's two output streams shared by several threads: the log on stdout (worker outcomes
// arrive on worker threads) and the refreshed progress line on stderr. One mutex keeps lines
// whole, and a log line first erases the progress line so the two never mix on a terminal.

#include <mutex>
#include <string_view>

namespace txs::cli {

class Console
{
public:
    // Writes whole lines (text should end with '\n') to stdout / stderr, every control
    // character but '\n' and '\t' escaped (TerminalText.h): the text carries untrusted data.
    void out(std::string_view text);
    void err(std::string_view text);

    // Replaces the progress line on stderr (call only when stderr is a terminal).
    void showProgress(std::string_view line);
    // Erases the progress line, if shown.
    void clearProgress();

private:
    void eraseProgressLocked();

    std::mutex mutex_;
    bool progressShown_ = false;
};

} // namespace txs::cli
