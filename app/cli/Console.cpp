#include "Console.h"

#include "TerminalText.h"

#include <cstdio>

namespace txs::cli {

namespace {
// stdout is line-buffered on a terminal and may stay fully buffered when redirected (a log of
// many worker lines stays fast); stderr is unbuffered. So the order on a terminal is right.
void write(std::FILE* stream, std::string_view text)
{
    std::fwrite(text.data(), 1, text.size(), stream);
}
} // namespace

void Console::eraseProgressLocked()
{
    if (!progressShown_) return;
    write(stderr, "\r\x1b[K"); // carriage return, erase to the end of the line
    progressShown_ = false;
}

void Console::out(std::string_view text)
{
    const std::string safe = escapeControls(text);
    std::lock_guard lock(mutex_);
    eraseProgressLocked();
    write(stdout, safe);
}

void Console::err(std::string_view text)
{
    const std::string safe = escapeControls(text);
    std::lock_guard lock(mutex_);
    eraseProgressLocked();
    write(stderr, safe);
}

void Console::showProgress(std::string_view line)
{
    std::lock_guard lock(mutex_);
    write(stderr, "\r\x1b[K");
    write(stderr, line);
    progressShown_ = true;
}

void Console::clearProgress()
{
    std::lock_guard lock(mutex_);
    eraseProgressLocked();
}

} // namespace txs::cli
