#pragma once
// Wires the user's database into the workbench: File › Open Database… (a copy, in place or
// read-only — always an explicit choice, a copy by default), New Database…, Close Database; the
// Database dock; the status-bar indicator that names the attached database, how it is attached,
// its journal mode and what TxScope holds on it; and the gate Open Workload goes through, which
// refuses a database or any file the editor could not save back unchanged.
//
// Nothing here changes a file's journal mode: attaching sets the Engine box to the mode the
// file already has, so a run keeps it unless the user picks another engine (the indicator then
// warns), and after each run the file is read again and a changed mode is reported.

#include "widgets/database/AttachedDatabase.h"
#include "widgets/database/DatabaseDock.h"
#include "widgets/database/WorkloadFile.h"

#include <QObject>
#include <QPointer>
#include <memory>

class MainWindow;
class QAction;
class QLabel;

class DatabaseActions : public QObject
{
    Q_OBJECT
public:
    explicit DatabaseActions(MainWindow* window);
    ~DatabaseActions() override;

    QAction* newAction() const { return new_; }
    QAction* closeAction() const { return close_; }
    txs::database::DatabaseDock* dock() const { return dock_; }
    QLabel* indicator() const { return indicator_; }

    // Attaches `path`; on failure returns false, keeps what was attached before and sets `error`.
    bool attach(const QString& path, txs::database::AttachMode mode, QString* error = nullptr);
    bool create(const QString& path, QString* error = nullptr);
    void detach();
    const txs::database::AttachedDatabase* attached() const { return attached_.get(); }
    QString indicatorText() const;

    // Reads a workload file for the editor. Refuses (with a message box, unless `quiet`) a SQLite
    // database — offering to open it as a database — and any file that is not faithful text.
    // `form` gets how the file writes its text (byte order mark, CRLF), for Save to keep it.
    bool readWorkload(const QString& path, QString* text, QString* error = nullptr, bool quiet = false,
                      txs::database::TextForm* form = nullptr);

    // Whether Save may replace `path` with a script: not the attached database or its companion
    // files, and no existing file Open Workload would refuse (a database, a binary file).
    // Refuses with a message box unless `quiet`.
    bool mayOverwrite(const QString& path, QString* error = nullptr, bool quiet = false);

    void openDialog(const QString& preselected = {});
    void newDialog();

signals:
    void attachedChanged();

private:
    void install(std::unique_ptr<txs::database::AttachedDatabase> db);
    void syncWithRun();
    void afterRun();
    void updateIndicator();
    bool isAttachedFile(const QString& path) const;

    MainWindow* window_;
    std::unique_ptr<txs::database::AttachedDatabase> attached_;
    QPointer<txs::database::DatabaseDock> dock_; // owned by its QDockWidget, which may go first
    QLabel* indicator_;
    QAction* new_;
    QAction* close_;
    QString modeBeforeRun_; // the file's journal mode and page size when the run began
    qint64 pageSizeBeforeRun_ = 0;
};
