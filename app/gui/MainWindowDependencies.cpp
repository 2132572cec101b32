// MainWindow: the Dependencies dock (widgets/dependencies) and its links to the other panels.
// Kept apart from MainWindow.cpp, which builds the window and wires the run.
//
// The dock is tabbed with the Explanations: a run with an anomaly raises it at its end (a
// snapshot-isolation anomaly is no error, so no explanation would show it), and so does a
// replayed session with one. Clicking an edge selects its two statements in the statement log,
// the first on the timeline and its line in the script; the cursor stays where it is, so the
// graph does not change under the pointer.

#include "app/gui/MainWindow.h"
#include "widgets/dependencies/DependenciesPanel.h"
#include "widgets/dependencies/DependencySource.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/run/RunController.h"
#include "widgets/style/Theme.h"
#include "widgets/timeline/TimelineWidget.h"

#include <QDockWidget>
#include <QItemSelectionModel>
#include <QTableView>

void MainWindow::buildDependenciesDock()
{
    dependencies_ = new txs::dependencies::DependenciesPanel(session_, this);
    QDockWidget* d = addDock("Dependencies", "dependenciesDock", dependencies_, Qt::BottomDockWidgetArea);
    auto& source = dependencies_->source();
    // A hidden dock costs only its copy of the events: the analysis runs while it is seen.
    connect(d, &QDockWidget::visibilityChanged, &source, &txs::dependencies::DependencySource::setActive);
    auto followEngine = [this] {
        if (!replaying_)
            dependencies_->source().setExact(controller_->journalMode() == txs::JournalMode::Mvcc);
    };
    connect(controller_, &RunController::traceReplaced, this, followEngine);
    connect(controller_, &RunController::stateChanged, this, [this, followEngine](RunController::State s) {
        followEngine();
        if (s == RunController::State::Finished) whenFinished([this] { showDependenciesIfAnomalous(); });
    });
    connect(dependencies_, &txs::dependencies::DependenciesPanel::statementsPicked, this,
            &MainWindow::selectStatements);
}

void MainWindow::showDependenciesIfAnomalous()
{
    auto& source = dependencies_->source();
    source.refresh();
    if (source.report().anomalies.empty()) return;
    if (QDockWidget* d = dock("dependenciesDock")) {
        d->show();
        d->raise();
        // Lanes, boxes and the story need more height than a table: the bottom area grows to
        // about two fifths of the window (half in presentation mode, whose fonts are larger)
        // when it is smaller; the timeline keeps the rest.
        const int wanted = txs::style::current().presentation ? height() / 2 : height() * 2 / 5;
        if (!d->isFloating() && d->height() < wanted) resizeDocks({d}, {wanted}, Qt::Vertical);
    }
}

void MainWindow::selectStatements(quint64 fromSeq, quint64 toSeq)
{
    QAbstractItemModel* model = logView_->model();
    QItemSelectionModel* selection = logView_->selectionModel();
    selection->clearSelection();
    QModelIndex first;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        const quint64 seq = index.data(txs::models::SeqRole).toULongLong();
        if (seq == 0 || (seq != fromSeq && seq != toSeq)) continue;
        selection->select(index, QItemSelectionModel::Select | QItemSelectionModel::Rows);
        if (!first.isValid() || seq == fromSeq) first = index;
    }
    if (!first.isValid()) return;
    if (QDockWidget* d = dock("logDock")) {
        d->show();
        d->raise();
    }
    logView_->scrollTo(first);
    // The timeline and the script show the statement the edge leaves from.
    goToStatement(first);
}
