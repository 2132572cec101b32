#pragma once
// A command line typed into the Trace Application dialog, split into argv as a POSIX shell would
// split it, without running a shell (nothing is expanded, no variable, glob or substitution):
// words are separated by blanks; 'single quotes' keep everything literally; "double quotes" keep
// blanks and single quotes, and a backslash in them escapes only " \ $ and `; outside quotes a
// backslash keeps the next character. QProcess::splitCommand knows only double quotes, so
// `python3 -c 'import app; app.run()'` became four words.

#include <QString>
#include <QStringList>

namespace txs::record_view {

struct CommandWords
{
    QStringList words;
    QString error; // non-empty: an unterminated quote or a trailing backslash, said in words
};

CommandWords splitCommandWords(const QString& line);

} // namespace txs::record_view
