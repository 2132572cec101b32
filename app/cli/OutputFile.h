#pragma once
// A file the CLI writes after the run (--trace OUT.json). It is opened before the run, so a
// path that cannot be written is bad input and nothing runs; errors name the file and the cause.

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace txs::cli {

class OutputFile
{
public:
    // Creates or truncates `path`. On failure returns nullopt and sets `why` to
    // "cannot write 'PATH': <cause>".
    static std::optional<OutputFile> open(const std::string& path, std::string& why);

    // Writes `content` and closes the file; on failure sets `why` as open() does.
    bool writeAndClose(std::string_view content, std::string& why);

    // For a file written piece by piece: appends `content` (buffered); a failure is remembered
    // and reported by close().
    void write(std::string_view content);
    // Flushes and closes; on failure (of any write or of the close) sets `why` as open() does.
    bool close(std::string& why);

    const std::string& path() const { return path_; }

private:
    struct Closer
    {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    OutputFile(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}

    std::string path_;
    std::unique_ptr<std::FILE, Closer> file_;
    int writeError_ = 0; // errno of the first failed write()
};

} // namespace txs::cli
