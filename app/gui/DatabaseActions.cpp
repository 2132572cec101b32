#include "app/gui/DatabaseActions.h"

#include "app/gui/MainWindow.h"
#include "widgets/database/DatabaseDock.h"
#include "widgets/database/SqlConsole.h"
#include "widgets/database/WorkloadFile.h"
#include "widgets/run/RunController.h"
#include "widgets/views/ElidingLabel.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>

using txs::database::AttachedDatabase;
using txs::database::AttachMode;

namespace {

txs::JournalMode modeOfFile(const txs::database::DatabaseInfo& info)
{
    if (info.mvcc) return txs::JournalMode::Mvcc;
    return info.journalMode == "wal" ? txs::JournalMode::Wal : txs::JournalMode::Delete;
}

} // namespace

DatabaseActions::DatabaseActions(MainWindow* window)
    : QObject(window), window_(window), dock_(new txs::database::DatabaseDock(window)),
      indicator_(new txs::ElidingLabel(window))
{
    new_ = new QAction("&New Database…", this);
    new_->setToolTip("Create an empty SQLite database and run workloads on it in place");
    connect(new_, &QAction::triggered, this, &DatabaseActions::newDialog);
    close_ = new QAction("&Close Database", this);
    close_->setToolTip("Detach the database: runs use a fresh database again");
    connect(close_, &QAction::triggered, this, &DatabaseActions::detach);
    indicator_->setTextFormat(Qt::PlainText);

    RunController* controller = &window_->controller();
    connect(controller, &RunController::stateChanged, this, [this](RunController::State s) {
        if (s == RunController::State::Running || s == RunController::State::Stepping) {
            if (modeBeforeRun_.isEmpty() && attached_) {
                modeBeforeRun_ = attached_->info().journalMode;
                pageSizeBeforeRun_ = attached_->info().pageSize;
            }
        }
        syncWithRun();
        if (s == RunController::State::Finished) afterRun();
    });
    connect(controller, &RunController::traceReplaced, this, [this] { syncWithRun(); });
    connect(controller, &RunController::runFailed, this, [this](const QString& message) {
        // A database the run cannot open is not kept attached: every later run would fail too.
        if (!attached_ || attached_->runPath().isEmpty()) return;
        const QString name = QFileInfo(attached_->source()).fileName();
        detach();
        window_->statusBar()->showMessage(
            QString("Detached %1: the run could not open it (%2)").arg(name, message), 15000);
    });
    connect(&dock_->console(), &txs::database::SqlConsole::transactionChanged, this,
            &DatabaseActions::updateIndicator);
    updateIndicator();
}

DatabaseActions::~DatabaseActions()
{
    // The window is closing: the run's connections go first, then the copy's private folder.
    // The dock may already be gone with its QDockWidget (its console closed itself then).
    if (dock_) dock_->console().close();
}

bool DatabaseActions::isAttachedFile(const QString& path) const
{
    if (!attached_) return false;
    // The database and the files SQLite and the MVCC engine keep beside it: reading one of them
    // ourselves (e.g. -shm) and closing the descriptor would drop this process's POSIX locks.
    const QString target = QFileInfo(path).absoluteFilePath();
    const QString targetCanonical = QFileInfo(path).canonicalFilePath(); // empty when missing
    for (const QString& db : {attached_->source(), attached_->workingPath()}) {
        const QString base = QFileInfo(db).canonicalFilePath();
        if (base.isEmpty()) continue;
        for (const char* suffix : {"", "-wal", "-shm", "-journal", "-log"}) {
            const QString candidate = base + suffix;
            if (target == candidate ||
                (!targetCanonical.isEmpty() && targetCanonical == QFileInfo(candidate).canonicalFilePath()))
                return true;
        }
    }
    return false;
}

bool DatabaseActions::attach(const QString& path, AttachMode mode, QString* error)
{
    QString why;
    auto db = AttachedDatabase::attach(path, mode, &why);
    if (!db) {
        if (error) *error = why;
        return false;
    }
    install(std::move(db));
    return true;
}

bool DatabaseActions::create(const QString& path, QString* error)
{
    QString why;
    auto db = AttachedDatabase::create(path, &why);
    if (!db) {
        if (error) *error = why;
        return false;
    }
    install(std::move(db));
    return true;
}

void DatabaseActions::install(std::unique_ptr<AttachedDatabase> db)
{
    detach();
    attached_ = std::move(db);
    // Run on the engine the file already uses, so a run changes its journal mode only when the
    // user picks another engine (or the workload itself says PRAGMA journal_mode).
    if (!attached_->runPath().isEmpty()) window_->setJournalMode(modeOfFile(attached_->info()));
    window_->controller().setDatabasePath(attached_->runPath());
    dock_->setDatabase(attached_.get());
    syncWithRun();
    emit attachedChanged();
}

void DatabaseActions::detach()
{
    if (!attached_) return;
    const bool ranOnIt = !attached_->runPath().isEmpty();
    dock_->console().close();
    if (ranOnIt) window_->controller().setDatabasePath({}); // closes the run's connections
    dock_->setDatabase(nullptr);
    attached_.reset(); // removes a copy's private folder
    modeBeforeRun_.clear();
    pageSizeBeforeRun_ = 0;
    syncWithRun();
    emit attachedChanged();
}

void DatabaseActions::syncWithRun()
{
    txs::Database* runDb =
        attached_ && !attached_->runPath().isEmpty() ? window_->controller().database() : nullptr;
    dock_->console().setTracedDatabase(runDb);
    dock_->setRunOpen(runDb != nullptr, window_->controller().state() == RunController::State::Finished);
    close_->setEnabled(attached_ != nullptr);
    updateIndicator();
}

void DatabaseActions::afterRun()
{
    if (!attached_) return;
    const QString before = modeBeforeRun_;
    const qint64 pageSizeBefore = pageSizeBeforeRun_;
    modeBeforeRun_.clear();
    pageSizeBeforeRun_ = 0;
    dock_->refresh();
    // What the workload changed of the file's format, from the file as it is now: the statement
    // log says so for the journal mode (a typed event); the page size (PRAGMA page_size, then
    // VACUUM) has no event of its own, so it is only said here.
    const QString after = attached_->info().journalMode;
    const qint64 pageSizeAfter = attached_->info().pageSize;
    QStringList changed;
    if (!before.isEmpty() && !after.isEmpty() && before != after)
        changed << QString("journal mode %1 → %2").arg(before, after);
    if (pageSizeBefore > 0 && pageSizeAfter > 0 && pageSizeBefore != pageSizeAfter)
        changed << QString("page size %1 → %2").arg(pageSizeBefore).arg(pageSizeAfter);
    if (!changed.isEmpty())
        window_->statusBar()->showMessage(
            QString("The run changed %1: %2")
                .arg(QFileInfo(attached_->workingPath()).fileName(), changed.join(", ")),
            15000);
    updateIndicator();
}

QString DatabaseActions::indicatorText() const
{
    return indicator_->text();
}

void DatabaseActions::updateIndicator()
{
    if (!attached_) {
        indicator_->setText("No database attached (runs use a fresh one)");
        indicator_->setToolTip("File › Open Database… attaches one");
        return;
    }
    const auto& info = attached_->info();
    QString text =
        QString("%1 · %2 · %3")
            .arg(QFileInfo(attached_->source()).fileName(), txs::database::attachModeName(attached_->mode()),
                 info.mvcc ? QString("mvcc") : info.journalMode);
    if (!attached_->runPath().isEmpty() && window_->controller().journalMode() != modeOfFile(info))
        text += QString(" → the next run switches it to %1")
                    .arg(txs::journalModeName(window_->controller().journalMode()));
    text += " · " + dock_->holdsText();
    indicator_->setText(text);
    indicator_->setToolTip(
        attached_->mode() == AttachMode::Copy
            ? QString("%1\nworking on a copy: %2").arg(attached_->source(), attached_->workingPath())
            : attached_->source());
}

bool DatabaseActions::readWorkload(const QString& path, QString* text, QString* error, bool quiet,
                                   txs::database::TextForm* form)
{
    auto refuse = [&](const QString& message, bool offerDatabase) {
        if (error) *error = message;
        if (quiet) return false;
        QMessageBox box(QMessageBox::Warning, "Not a workload", message, QMessageBox::Cancel, window_);
        QPushButton* asDb =
            offerDatabase ? box.addButton("Open as Database…", QMessageBox::AcceptRole) : nullptr;
        box.exec();
        if (asDb && box.clickedButton() == asDb) openDialog(path);
        return false;
    };
    // Never read the attached file ourselves: closing our descriptor would drop the POSIX locks
    // SQLite holds on it in this process.
    if (isAttachedFile(path))
        return refuse(QString("%1 is the attached database, not a workload script.").arg(path), false);
    const auto file = txs::database::readWorkloadFile(path);
    if (!file.ok())
        return refuse(file.message, file.problem == txs::database::WorkloadFileProblem::SqliteDatabase);
    *text = file.text;
    if (form) *form = file.form;
    return true;
}

bool DatabaseActions::mayOverwrite(const QString& path, QString* error, bool quiet)
{
    auto refuse = [&](const QString& message) {
        if (error) *error = message;
        if (!quiet) QMessageBox::warning(window_, "Not saved", message);
        return false;
    };
    if (isAttachedFile(path))
        return refuse(
            QString("%1 belongs to the attached database; the workload was not saved over it.").arg(path));
    if (!QFileInfo::exists(path)) return true;
    // Only a file Open Workload would take may be replaced by a script: never a database, a
    // binary file or text the editor could not have read back.
    const auto file = txs::database::readWorkloadFile(path);
    // Text with mixed line ends is text: replacing it is the user's choice.
    using Problem = txs::database::WorkloadFileProblem;
    if (!file.ok() && file.problem != Problem::Unreadable && file.problem != Problem::MixedLineEnds)
        return refuse(
            QString("%1\nThe workload was not saved over it; choose another name.").arg(file.message));
    return true;
}

void DatabaseActions::openDialog(const QString& preselected)
{
    const QString path =
        !preselected.isEmpty()
            ? preselected
            : QFileDialog::getOpenFileName(window_, "Open SQLite database", QString(),
                                           "SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)");
    if (path.isEmpty()) return;
    QMessageBox box(QMessageBox::Question, "Open database",
                    QString("How should TxScope use %1?\n\n"
                            "• A copy (made with SQLite's backup API): runs and the SQL console change the "
                            "copy, never your file.\n"
                            "• In place: runs change the file itself; its journal mode is kept unless you "
                            "pick another engine.\n"
                            "• Read-only: browse and query the file without writing it; runs use a fresh "
                            "database.")
                        .arg(QFileInfo(path).fileName()),
                    QMessageBox::NoButton, window_);
    QPushButton* copy = box.addButton("Work on a copy", QMessageBox::AcceptRole);
    QPushButton* inPlace = box.addButton("Open in place", QMessageBox::DestructiveRole);
    QPushButton* readOnly = box.addButton("Read-only", QMessageBox::ActionRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(copy);
    box.exec();
    AttachMode mode;
    if (box.clickedButton() == copy)
        mode = AttachMode::Copy;
    else if (box.clickedButton() == inPlace)
        mode = AttachMode::InPlace;
    else if (box.clickedButton() == readOnly)
        mode = AttachMode::ReadOnly;
    else
        return;
    QString error;
    if (!attach(path, mode, &error)) {
        QMessageBox::warning(window_, "Cannot open the database", error);
        return;
    }
    window_->statusBar()->showMessage(
        QString("Attached %1 (%2)").arg(path, txs::database::attachModeName(mode)), 5000);
}

void DatabaseActions::newDialog()
{
    const QString path = QFileDialog::getSaveFileName(window_, "New SQLite database", "new.db",
                                                      "SQLite databases (*.db *.sqlite *.sqlite3)");
    if (path.isEmpty()) return;
    QString error;
    if (!create(path, &error)) QMessageBox::warning(window_, "Cannot create the database", error);
}
