#include "OutputFile.h"

#include <cerrno>
#include <cstring>

namespace txs::cli {

namespace {
std::string cannotWrite(const std::string& path, int error)
{
    return "cannot write '" + path + "': " + std::strerror(error);
}
} // namespace

std::optional<OutputFile> OutputFile::open(const std::string& path, std::string& why)
{
    errno = 0;
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) {
        why = cannotWrite(path, errno);
        return std::nullopt;
    }
    return OutputFile(path, file);
}

bool OutputFile::writeAndClose(std::string_view content, std::string& why)
{
    std::FILE* file = file_.release();
    errno = 0;
    const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
    int error = written ? 0 : errno;
    errno = 0;
    // fclose flushes: a full disk often shows only here.
    const bool closed = std::fclose(file) == 0;
    if (!closed && error == 0) error = errno;
    if (written && closed) return true;
    why = cannotWrite(path_, error != 0 ? error : EIO);
    return false;
}

void OutputFile::write(std::string_view content)
{
    if (writeError_ != 0 || !file_) return;
    errno = 0;
    if (std::fwrite(content.data(), 1, content.size(), file_.get()) != content.size())
        writeError_ = errno != 0 ? errno : EIO;
}

bool OutputFile::close(std::string& why)
{
    std::FILE* file = file_.release();
    if (!file) {
        why = cannotWrite(path_, EBADF);
        return false;
    }
    errno = 0;
    const bool closed = std::fclose(file) == 0;
    const int error = writeError_ != 0 ? writeError_ : (closed ? 0 : (errno != 0 ? errno : EIO));
    if (error == 0) return true;
    why = cannotWrite(path_, error);
    return false;
}

} // namespace txs::cli
