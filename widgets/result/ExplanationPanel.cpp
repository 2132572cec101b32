#include "widgets/result/ExplanationPanel.h"

#include "widgets/models/ExplanationsModel.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/views/ColumnFitter.h"
#include "widgets/views/HintedTableView.h"
#include "widgets/views/PlainTextDelegate.h"

#include <QEvent>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QResizeEvent>
#include <QScrollBar>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <algorithm>

namespace txs::result {

using models::ExplanationsModel;

ExplanationPanel::ExplanationPanel(QAbstractItemModel* model, QWidget* parent)
    : QWidget(parent), model_(model), view_(new HintedTableView(this)), detail_(new QTextBrowser(this)),
      summary_(new QLabel(this))
{
    setObjectName("explanationPanel");
    view_->setObjectName("explanationsView");
    detail_->setObjectName("explanationDetail");
    view_->setModel(model);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::SingleSelection);
    view_->setAlternatingRowColors(true);
    view_->verticalHeader()->hide();
    view_->setWordWrap(false);
    view_->horizontalHeader()->setStretchLastSection(false);
    view_->setItemDelegate(new PlainTextDelegate(view_)); // the live tables' cells (SessionTable.h)
    // Why and Fix are read in the detail area, not in columns pushed off to the side.
    view_->setColumnHidden(ExplanationsModel::WhyColumn, true);
    view_->setColumnHidden(ExplanationsModel::FixColumn, true);
    // Every column whole (ColumnFitter), the message taking the room left: it is short, and
    // shown whole in the detail beside the table.
    fitter_ = new ColumnFitter(view_, {ExplanationsModel::MessageColumn});
    detail_->setOpenLinks(false);
    detail_->setMinimumWidth(200);

    splitter_ = new QSplitter(Qt::Horizontal, this);
    auto* splitter = splitter_;
    splitter->addWidget(view_);
    splitter->addWidget(detail_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    // The table as wide as its columns need, the detail the rest (until the user moves the
    // splitter); the message column only when it has room to show whole.
    connect(splitter, &QSplitter::splitterMoved, this, [this] {
        userSplit_ = true;
        fitMessage();
    });
    connect(fitter_, &ColumnFitter::fitted, this, [this] { fitWidths(); });
    // The viewport's own resize: the view's comes before its viewport has the new width.
    view_->viewport()->installEventFilter(this);
    summary_->setObjectName("explanationsSummary");
    summary_->setTextFormat(Qt::RichText);
    summary_->setWordWrap(true);
    summary_->setContentsMargins(4, 2, 4, 2);
    summary_->setToolTip("Errors are what the status bar counts. A wait is an SQLITE_BUSY met by a "
                         "statement that was then tried again (as a busy handler would): the "
                         "\"Came to\" column says what each row came to.");
    summary_->hide(); // until a run gives it counts
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(summary_);
    layout->addWidget(splitter, 1);

    connect(view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] { showDetail(); });
    auto pick = [this](const QModelIndex& index) {
        emit errorPicked(index.data(models::SeqRole).toULongLong(),
                         index.data(models::ExplainedTimeRole).toLongLong());
    };
    connect(view_, &QAbstractItemView::clicked, this, pick);
    connect(view_, &QAbstractItemView::activated, this, pick);
    // New rows, explanations arriving, the instant moving: the detail follows the data.
    connect(model, &QAbstractItemModel::dataChanged, this, [this] { showDetail(); });
    connect(model, &QAbstractItemModel::rowsInserted, this, [this] { showDetail(); });
    connect(model, &QAbstractItemModel::rowsRemoved, this, [this] { showDetail(); });
    connect(model, &QAbstractItemModel::modelReset, this, [this] { showDetail(); });
    showDetail();
}

bool ExplanationPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == view_->viewport() && event->type() == QEvent::Resize) fitMessage();
    return QWidget::eventFilter(watched, event);
}

void ExplanationPanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitWidths();
}

int ExplanationPanel::columnsWidth(bool withMessage) const
{
    int width = 0;
    for (int c = 0; c < ExplanationsModel::ColumnCount; ++c) {
        if (c == ExplanationsModel::WhyColumn || c == ExplanationsModel::FixColumn) continue;
        if (c == ExplanationsModel::MessageColumn && !withMessage) continue;
        width += fitter_->neededWidth(c);
    }
    return width;
}

// The table takes what its columns need, message included, leaving the detail (Why and Fix, the
// reason the panel is read) at least two fifths; on a narrow dock the message column goes first
// (fitMessage), then the detail gives up its two fifths down to its minimum width (its text
// wraps) so that every other column stays in view: a column scrolled out of the panel ("Came
// to", in presentation mode at 1280 px) is one nobody reads.
void ExplanationPanel::fitWidths()
{
    if (!userSplit_ && splitter_->width() > 0) {
        const int total = splitter_->width() - splitter_->handleWidth();
        const int chrome = 2 * view_->frameWidth() + view_->verticalScrollBar()->sizeHint().width();
        const int detailLeast = std::max(detail_->minimumWidth(), total * 2 / 5);
        int table = std::clamp(columnsWidth(true) + chrome, 0, std::max(total - detailLeast, 0));
        const int essential = columnsWidth(false) + chrome;
        if (table < essential) table = std::clamp(essential, 0, std::max(total - detail_->minimumWidth(), 0));
        splitter_->setSizes({table, total - table});
    }
    fitMessage();
}

// The message column shows when it fits whole beside the others; otherwise it is read in the
// detail ("database is locked" under the error's title), where it is always whole.
void ExplanationPanel::fitMessage()
{
    const int room = view_->viewport()->width() - columnsWidth(false);
    const bool fits = room >= fitter_->neededWidth(ExplanationsModel::MessageColumn);
    if (view_->isColumnHidden(ExplanationsModel::MessageColumn) == fits)
        view_->setColumnHidden(ExplanationsModel::MessageColumn, !fits);
}

QModelIndex ExplanationPanel::shownIndex() const
{
    const QModelIndex current = view_->selectionModel()->currentIndex();
    if (current.isValid()) return current.siblingAtColumn(0);
    return model_->rowCount() > 0 ? model_->index(0, 0) : QModelIndex();
}

void ExplanationPanel::showDetail()
{
    const QModelIndex index = shownIndex();
    if (!index.isValid()) {
        detail_->setHtml("<p><i>Select an error to read why it happened and how to avoid it.</i></p>");
        return;
    }
    auto text = [&](int column) { return index.siblingAtColumn(column).data().toString().toHtmlEscaped(); };
    const QString why = text(ExplanationsModel::WhyColumn);
    const QString fix = text(ExplanationsModel::FixColumn);
    QString html = QString("<p><b>%1</b> on <b>%2</b> at %3 ms: <b>%4</b></p><p>%5</p>")
                       .arg(text(ExplanationsModel::CodeColumn), text(ExplanationsModel::ConnectionColumn),
                            text(ExplanationsModel::TimeColumn), text(ExplanationsModel::OutcomeColumn),
                            text(ExplanationsModel::MessageColumn));
    if (why.isEmpty() && fix.isEmpty()) html += "<p><i>No explanation was recorded for this error.</i></p>";
    if (!why.isEmpty()) html += QString("<p><b>Why:</b> %1</p>").arg(why);
    if (!fix.isEmpty()) html += QString("<p><b>Fix:</b> %1</p>").arg(fix);
    detail_->setHtml(html);
}

void ExplanationPanel::setTally(const ErrorTally& tally)
{
    if (tallySet_ && tally == tally_) return;
    tallySet_ = true;
    tally_ = tally;
    const bool any = tally.errors + tally.waits() + tally.otherErrors > 0;
    summary_->setText(any ? describeTally(tally) : QString());
    summary_->setVisible(any);
}

void ExplanationPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // The summary's colours are the theme's: drawn again in the new one.
    if (event->type() == QEvent::PaletteChange && tallySet_) {
        tallySet_ = false;
        setTally(tally_);
    }
}

QString ExplanationPanel::detailText() const
{
    return detail_->toPlainText();
}

bool ExplanationPanel::selectSeq(quint64 seq)
{
    for (int row = 0; row < model_->rowCount(); ++row) {
        const QModelIndex index = model_->index(row, 0);
        if (index.data(models::SeqRole).toULongLong() == seq) {
            view_->selectRow(row);
            view_->scrollTo(index);
            return true;
        }
    }
    return false;
}

} // namespace txs::result
