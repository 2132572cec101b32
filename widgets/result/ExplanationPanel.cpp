#include "widgets/result/ExplanationPanel.h"

#include "widgets/models/ExplanationsModel.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/views/HintedTableView.h"

#include <QEvent>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

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
    auto* header = view_->horizontalHeader();
    header->setStretchLastSection(false);
    for (int c = 0; c < ExplanationsModel::ColumnCount; ++c)
        header->setSectionResizeMode(
            c, c == ExplanationsModel::MessageColumn ? QHeaderView::Stretch : QHeaderView::ResizeToContents);
    // Why and Fix are read in the detail area, not in columns pushed off to the side.
    view_->setColumnHidden(ExplanationsModel::WhyColumn, true);
    view_->setColumnHidden(ExplanationsModel::FixColumn, true);
    detail_->setOpenLinks(false);
    detail_->setMinimumWidth(200);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(view_);
    splitter->addWidget(detail_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
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
