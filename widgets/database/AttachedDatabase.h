#pragma once
// A user's database attached to the workbench, in one of three explicit ways:
// - Copy (the default): runs and the browser work on a copy made with SQLite's backup API in a
//   private temporary folder (created by mkdtemp: mode 0700, a fresh name, so nobody can plant
//   a symlink in it); the copy keeps the source's permission bits (plus owner read/write, so
//   runs can write it) and the folder is removed when the database is detached or the window
//   closes. An MVCC database's log (x.db-log) is copied beside it.
// - InPlace: runs and the browser work on the file itself.
// - ReadOnly: the browser and the console read the file itself and never write it; runs use a
//   fresh database as when nothing is attached.
// attach() reads the file first (one short read): a file that is not a database is refused and
// nothing is kept attached.

#include "widgets/database/DatabaseInfo.h"

#include <QString>
#include <QTemporaryDir>
#include <memory>

namespace txs::database {

enum class AttachMode { Copy, InPlace, ReadOnly };
const char* attachModeName(AttachMode mode); // "copy", "in place", "read-only"

class AttachedDatabase
{
public:
    static std::unique_ptr<AttachedDatabase> attach(const QString& source, AttachMode mode, QString* error);
    // Makes a new, empty database at `path` (which must not exist) and attaches it in place.
    static std::unique_ptr<AttachedDatabase> create(const QString& path, QString* error);
    ~AttachedDatabase();

    QString source() const { return source_; }
    AttachMode mode() const { return mode_; }
    // The file the browser and the console read: the copy, or the source itself.
    QString workingPath() const { return working_; }
    // The file runs use; empty for read-only (a fresh database).
    QString runPath() const { return mode_ == AttachMode::ReadOnly ? QString() : working_; }
    // The private folder of a copy (empty otherwise).
    QString privateFolder() const { return folder_ ? folder_->path() : QString(); }
    // Facts about the working file as of the last refresh().
    const DatabaseInfo& info() const { return info_; }
    const DatabaseInfo& refresh();

private:
    AttachedDatabase(QString source, AttachMode mode) : source_(std::move(source)), mode_(mode) {}

    QString source_, working_;
    AttachMode mode_;
    std::unique_ptr<QTemporaryDir> folder_;
    DatabaseInfo info_;
};

} // namespace txs::database
