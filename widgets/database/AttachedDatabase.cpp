#include "widgets/database/AttachedDatabase.h"

#include "engine/sqlite/DatabaseCopy.h"
#include "widgets/database/Hardening.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <sqlite3.h>

namespace txs::database {

const char* attachModeName(AttachMode mode)
{
    switch (mode) {
    case AttachMode::Copy:
        return "copy";
    case AttachMode::InPlace:
        return "in place";
    case AttachMode::ReadOnly:
        return "read-only";
    }
    return "?";
}

std::unique_ptr<AttachedDatabase> AttachedDatabase::attach(const QString& source, AttachMode mode,
                                                           QString* error)
{
    auto fail = [error](const QString& message) -> std::unique_ptr<AttachedDatabase> {
        if (error) *error = message;
        return nullptr;
    };
    const QString path = QFileInfo(source).absoluteFilePath();
    const DatabaseInfo info = readDatabaseInfo(path);
    if (!info.ok()) return fail(QString("%1: %2").arg(path, info.error));
    std::unique_ptr<AttachedDatabase> db(new AttachedDatabase(path, mode));
    if (mode != AttachMode::Copy) {
        db->working_ = path;
        db->info_ = info;
        return db;
    }
    db->folder_ = std::make_unique<QTemporaryDir>(QDir::temp().filePath("txscope-db-XXXXXX"));
    if (!db->folder_->isValid())
        return fail("cannot create a private temporary folder: " + db->folder_->errorString());
    // mkdtemp made it 0700 already; say so explicitly rather than rely on it.
    QFile::setPermissions(db->folder_->path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    const QString target = db->folder_->filePath(QFileInfo(path).fileName());
    if (auto copyError = txs::copyDatabase(path.toStdString(), target.toStdString()))
        return fail(QString::fromStdString(*copyError));
    const auto permissions = QFileInfo(path).permissions() | QFile::ReadOwner | QFile::WriteOwner;
    QFile::setPermissions(target, permissions);
    // An MVCC database keeps commits not yet checkpointed in its log; without it the copy
    // would lose them. The log is not a SQLite file, so copying it drops no SQLite lock.
    if (QFileInfo::exists(path + "-log")) {
        if (!QFile::copy(path + "-log", target + "-log"))
            return fail(QString("%1-log: cannot copy the MVCC log").arg(path));
        QFile::setPermissions(target + "-log", permissions);
    }
    db->working_ = target;
    db->refresh();
    return db;
}

std::unique_ptr<AttachedDatabase> AttachedDatabase::create(const QString& path, QString* error)
{
    auto fail = [error](const QString& message) -> std::unique_ptr<AttachedDatabase> {
        if (error) *error = message;
        return nullptr;
    };
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (QFileInfo::exists(absolute) || QFileInfo(absolute).isSymLink())
        return fail(absolute + ": exists already; open it with Open Database… instead");
    sqlite3* db = nullptr;
    // O_EXCL semantics: the file did not exist a moment ago; SQLite creates it. Writing the
    // first page makes it a real database file (an empty file is one too, but says nothing).
    int rc =
        openForBrowsing(absolute.toUtf8().constData(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, Access::ReadWrite);
    if (rc == SQLITE_OK) {
        rc = sqlite3_exec(db, "PRAGMA user_version = 0; CREATE TABLE t(x); DROP TABLE t;", nullptr, nullptr,
                          nullptr);
    }
    const QString message = QString::fromUtf8(db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    if (rc != SQLITE_OK) return fail(QString("%1: %2").arg(absolute, message));
    return attach(absolute, AttachMode::InPlace, error);
}

AttachedDatabase::~AttachedDatabase() = default; // QTemporaryDir removes the copy's folder

const DatabaseInfo& AttachedDatabase::refresh()
{
    info_ = readDatabaseInfo(working_);
    return info_;
}

} // namespace txs::database
