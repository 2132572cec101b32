#pragma once
// Reads a file the user asked to open as a workload, and refuses what the script editor could
// not show faithfully: a SQLite database (its header is "SQLite format 3\0"), a file with NUL
// bytes, text that is not valid UTF-8, or one too big to be a script. The editor only ever holds
// text decoded without loss, so Save can never write a damaged copy over the user's file —
// the way a database opened as a workload used to become "malformed". How the file writes its
// text — a UTF-8 byte order mark, CRLF line ends — is kept beside it (TextForm) and written back
// by encodeWorkload, so a file saved unedited is the same file; a file that mixes line ends could
// not be written back unchanged and is refused.

#include <QString>

namespace txs::database {

enum class WorkloadFileProblem { None, Unreadable, SqliteDatabase, Binary, NotUtf8, TooLarge, MixedLineEnds };

// How a workload file writes its text; the editor holds it with '\n' line ends and no mark.
struct TextForm
{
    bool byteOrderMark = false; // starts with UTF-8's EF BB BF
    bool crlf = false;          // every line ends with "\r\n"
    bool operator==(const TextForm&) const = default;
};

struct WorkloadFile
{
    QString text;
    TextForm form;
    WorkloadFileProblem problem = WorkloadFileProblem::None;
    QString message; // why it was refused, naming the file
    bool ok() const { return problem == WorkloadFileProblem::None; }
};

inline constexpr qint64 MaxWorkloadBytes = 16 * 1024 * 1024;

// Caller's duty: never call this on a database this process has open (closing the descriptor
// would drop SQLite's POSIX locks on it); DatabaseActions checks for the attached file first.
WorkloadFile readWorkloadFile(const QString& path);

// The bytes of `text` (the editor's, '\n' line ends) written in `form`.
QByteArray encodeWorkload(const QString& text, TextForm form);

} // namespace txs::database
