#include "widgets/result/ResultPane.h"

#include "widgets/result/FittedText.h"

#include <QEvent>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QResizeEvent>
#include <QScrollBar>
#include <QStyle>
#include <QTableView>
#include <QTextBrowser>
#include <QTextDocument>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace txs::result {

namespace {

QTableView* makeView(QAbstractItemModel* model, QWidget* parent)
{
    auto* view = new QTableView(parent);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->hide();
    view->setWordWrap(true);
    view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return view;
}

QLabel* makeTitle(QWidget* parent)
{
    auto* label = new QLabel(parent);
    // Wrapped: a long title must not widen the dock (and squeeze the timeline).
    label->setWordWrap(true);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    return label;
}

} // namespace

ResultPane::ResultPane(QWidget* parent)
    : QWidget(parent), banner_(new QLabel(this)), problemsTitle_(makeTitle(this)),
      causesTitle_(makeTitle(this)), verdict_(new VerdictModel(this)), causes_(new CauseModel(this))
{
    setObjectName("resultPane");
    banner_->setObjectName("resultBanner");
    banner_->setWordWrap(true);
    banner_->setMargin(6);
    QFont f = banner_->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.3);
    banner_->setFont(f);
    // As tall as its text: a short headline with nothing under it filled the pane with green.
    banner_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    fitMinimumWidth();

    verdictView_ = makeView(verdict_, this);
    // Widths set by fitVerdictColumns: every header whole, the What column wrapping first.
    verdictView_->horizontalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    // Only when even the labels and longest words do not fit (a very narrow dock): better a
    // scroll bar than a cut word.
    verdictView_->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    verdictView_->setToolTip("Click a row to go to its line in the script");

    causeView_ = makeView(causes_, this);
    causeView_->setToolTip("Click a cause to see its first occurrence on the timeline");
    causesTitle_->setToolTip(causeView_->toolTip());
    causeView_->setWordWrap(false);
    // Rows one line tall: every pixel above the Why and Fix counts at 720 px.
    causeView_->verticalHeader()->setDefaultSectionSize(causeView_->fontMetrics().height() + 6);
    // The list names the causes; Why and Fix are read below it, wrapped to the pane's width.
    auto* ch = causeView_->horizontalHeader();
    ch->setSectionResizeMode(CauseModel::CodeColumn, QHeaderView::ResizeToContents);
    ch->setSectionResizeMode(CauseModel::CountColumn, QHeaderView::ResizeToContents);
    ch->setSectionResizeMode(CauseModel::FirstColumn, QHeaderView::ResizeToContents);
    ch->setStretchLastSection(true);
    // Why and Fix are read in the detail below, whole: a Why column cut after a few words, at the
    // dock's width, said nothing and took the detail's room.
    causeView_->setColumnHidden(CauseModel::WhyColumn, true);
    causeView_->setColumnHidden(CauseModel::FixColumn, true);
    // The Why, then the Fix apart under it and never scrolled away with the Why: however short
    // the dock, what to change stays in view. Each is as tall as its text when there is room and
    // keeps a few lines and scrolls when there is not, so no line is ever cut off (a wrapped
    // label lost the Fix's last line in presentation mode at 720 px).
    causeDetail_ = new FittedText(2, this);
    causeDetail_->setObjectName("causeDetail");
    causeFix_ = new FittedText(3, this);
    causeFix_->setObjectName("causeFix");
    connect(causeView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { showCauseDetail(); });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(banner_);
    layout->addWidget(problemsTitle_);
    layout->addWidget(verdictView_, 0); // as tall as its first rows (fitVerdictView)
    layout->addWidget(causesTitle_);
    layout->addWidget(causeView_, 0); // as tall as its rows (fitCauseView), the detail takes the rest
    layout->addWidget(causeDetail_, 3);
    layout->addWidget(causeFix_, 0);
    // What is left over when every text shows whole stays below them, not inside one.
    layout->addStretch(0);
    // Least heights that fit a short dock (presentation mode at 720 px): the problems list
    // shows its first rows and scrolls (fitVerdictView), the Why and the Fix theirs (FittedText).

    auto goToLine = [this](const QModelIndex& index) {
        const int line = index.data(VerdictModel::LineRole).toInt();
        if (line > 0) emit lineActivated(line);
    };
    connect(verdictView_, &QTableView::clicked, this, goToLine);
    connect(verdictView_, &QTableView::activated, this, goToLine);
    auto goToCause = [this](const QModelIndex& index) {
        emit causeActivated(index.data(CauseModel::FirstSeqRole).toULongLong(),
                            index.data(CauseModel::ExplainedTimeRole).toLongLong());
    };
    connect(causeView_, &QTableView::clicked, this, goToCause);
    connect(causeView_, &QTableView::activated, this, goToCause);
    clear();
}

// Wide enough for the banner and the titles on one or two lines at any font size (presentation
// mode squeezed the dock until they clipped); measured with the banner's font, the largest.
void ResultPane::fitMinimumWidth()
{
    setMinimumWidth(QFontMetrics(banner_->font()).averageCharWidth() * 30);
}

// The list of causes is short (one to a few rows): as tall as its rows, up to four, so that
// the Why and Fix below it get the pane's height.
void ResultPane::fitCauseView()
{
    const int rows = std::clamp(causes_->rowCount(), 1, 4);
    const int rowHeight = causeView_->verticalHeader()->defaultSectionSize();
    causeView_->setFixedHeight(causeView_->horizontalHeader()->sizeHint().height() + rows * rowHeight +
                               2 * causeView_->frameWidth());
}

// The problems list: its header whole and as tall as its first kMaxVerdictRows rows (wrapped
// at the present width), so it never takes the height the Why and Fix below need (its size
// hint, a default table's, made the Result dock squeeze the script to four lines at 720 px) and
// never shows less than one whole row; more rows scroll.
void ResultPane::fitVerdictView()
{
    fitVerdictColumns();
    verdictView_->resizeRowsToContents();
    const int rows = std::min(verdict_->rowCount(), kMaxVerdictRows);
    int height = verdictView_->horizontalHeader()->sizeHint().height() + 2 * verdictView_->frameWidth();
    for (int row = 0; row < std::max(rows, 1); ++row)
        height += row < rows ? verdictView_->rowHeight(row) : verdictView_->fontMetrics().lineSpacing() + 6;
    // Columns wider than the view (fitVerdictColumns' last resort) bring a scroll bar below.
    int inside = verdictView_->width() - 2 * verdictView_->frameWidth();
    if (verdict_->rowCount() > kMaxVerdictRows)
        inside -= verdictView_->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, verdictView_);
    if (verdictView_->horizontalHeader()->length() > inside)
        height += verdictView_->horizontalScrollBar()->sizeHint().height();
    verdictView_->setFixedHeight(height);
}

// Line and the headers' labels whole (presentation mode cut "Expected" and "Actual" to a few
// letters), and no word cut ("SQLITE_BUSY" elided in a narrow Expected column): each column gets
// at least its label and its longest word, then what is left in proportion to what it lacks for
// one line a cell; when there is room for every cell on one line, Actual takes the rest.
void ResultPane::fitVerdictColumns()
{
    QHeaderView* header = verdictView_->horizontalHeader();
    // The view's inside less the vertical scroll bar that more rows than kMaxVerdictRows bring:
    // not viewport()->width(), which is the width before that bar appears (fitted then, Actual
    // was cut by the bar and a horizontal scroll bar took a row's height at 1280 x 720).
    int width = verdictView_->width() - 2 * verdictView_->frameWidth();
    if (verdict_->rowCount() > kMaxVerdictRows)
        width -= verdictView_->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, verdictView_);
    if (width <= 0) return;
    const QFontMetrics cellFont = verdictView_->fontMetrics();
    const int padding = cellFont.averageCharWidth() + 8; // the cell's margins and grid line
    int least[VerdictModel::ColumnCount];
    int whole[VerdictModel::ColumnCount];
    for (int column = 0; column < VerdictModel::ColumnCount; ++column) {
        const QString label = verdict_->headerData(column, Qt::Horizontal).toString();
        least[column] = header->fontMetrics().horizontalAdvance(label) + padding;
        whole[column] = least[column];
        for (int row = 0; row < verdict_->rowCount(); ++row) {
            const QString text = verdict_->index(row, column).data().toString();
            whole[column] = std::max(whole[column], cellFont.horizontalAdvance(text) + padding);
            for (const QString& word : text.split(' ', Qt::SkipEmptyParts))
                least[column] = std::max(least[column], cellFont.horizontalAdvance(word) + padding);
        }
        whole[column] = std::max(whole[column], least[column]);
    }
    int sumLeast = 0, lacking = 0;
    for (int column = 0; column < VerdictModel::ColumnCount; ++column) {
        sumLeast += least[column];
        lacking += whole[column] - least[column];
    }
    const int spare = std::max(0, width - sumLeast);
    int used = 0;
    for (int column = 0; column < VerdictModel::ColumnCount; ++column) {
        int w = least[column];
        if (lacking > 0)
            w += static_cast<int>(static_cast<qint64>(spare) * (whole[column] - least[column]) / lacking);
        w = std::min(w, whole[column]);
        if (column == VerdictModel::ActualColumn) w = std::max(w, width - used);
        header->resizeSection(column, w);
        used += w;
    }
}

void ResultPane::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (!verdictView_->isHidden()) fitVerdictView();
}

void ResultPane::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        QFont f = font();
        f.setBold(true);
        f.setPointSizeF(f.pointSizeF() * 1.3);
        banner_->setFont(f);
        fitMinimumWidth();
        fitCauseView();
        if (!verdictView_->isHidden()) fitVerdictView();
    }
}

void ResultPane::setBanner(RunVerdict::State state, const QString& text)
{
    banner_->setText(text);
    // Solid colours with white text: the same in light and dark themes, readable from the back
    // of a room.
    QString style;
    if (state == RunVerdict::State::Passed)
        style = "background:#1b7a2e; color:white; border-radius:3px;";
    else if (state == RunVerdict::State::Failed)
        style = "background:#b01c1c; color:white; border-radius:3px;";
    else if (state == RunVerdict::State::Running)
        style = "background:#1f5fbf; color:white; border-radius:3px;";
    banner_->setStyleSheet(style);
    banner_->setProperty("verdict", static_cast<int>(state));
}

void ResultPane::setVerdict(const RunVerdict& verdict)
{
    setBanner(verdict.state(), QString::fromStdString(verdict.headline()));
    verdict_->setVerdict(verdict);
    if (!verdict.finished()) {
        problemsTitle_->clear();
        verdictView_->hide();
        return;
    }
    const int n = verdict_->rowCount();
    // Nothing to list: the banner says it all, and the causes' Why and Fix get the line.
    // One line (the click is told in the list's tooltip): each line above the Why pushes it down.
    problemsTitle_->setText(n == 0 ? QString() : QString("What went wrong (%1)").arg(n));
    problemsTitle_->setToolTip(verdictView_->toolTip());
    problemsTitle_->setVisible(n > 0);
    verdictView_->setVisible(n > 0);
    if (n > 0) fitVerdictView();
}

void ResultPane::setCauses(std::vector<CauseRow> causes)
{
    causes_->setCauses(std::move(causes));
    const quint64 total = causes_->totalCount();
    // One line at the dock's width: each line above the Why and Fix pushes the Fix down.
    causesTitle_->setText(causes_->rowCount() == 0
                              ? QString("No error to explain.")
                              : QString("Causes of the %1 error%2").arg(total).arg(total == 1 ? "" : "s"));
    causesTitle_->show();
    causeView_->setVisible(causes_->rowCount() > 0);
    fitCauseView();
    showCauseDetail();
}

void ResultPane::showCauseDetail()
{
    QModelIndex index = causeView_->selectionModel()->currentIndex();
    if (!index.isValid() && causes_->rowCount() > 0) index = causes_->index(0, 0);
    if (!index.isValid()) {
        causeDetail_->clear();
        causeDetail_->hide();
        causeFix_->clear();
        causeFix_->hide();
        return;
    }
    const CauseRow& c = causes_->causes()[static_cast<std::size_t>(index.row())];
    // The Why comes first, where a short view shows it (a heading line above it once filled the
    // two lines the view had at 720 px). The code and count are in the row above; the rule
    // names the cause, since two causes of one code (SQLITE_BUSY) differ by it.
    const QString rule = QString(" <i>(rule: %1)</i>").arg(c.ruleName.toHtmlEscaped());
    causeDetail_->setHtml(c.why.isEmpty() ? QString("<i>No explanation was recorded for this %1 error.</i>%2")
                                                .arg(c.code.toHtmlEscaped(), rule)
                                          : QString("<b>Why:</b> %1%2").arg(c.why.toHtmlEscaped(), rule));
    causeDetail_->verticalScrollBar()->setValue(0);
    causeDetail_->show();
    causeFix_->setHtml(QString("<b>Fix:</b> %1").arg(c.fix.toHtmlEscaped()));
    causeFix_->verticalScrollBar()->setValue(0);
    causeFix_->setVisible(!c.fix.isEmpty());
}

int ResultPane::heightToRead() const
{
    const QMargins m = layout()->contentsMargins();
    int height = m.top() + m.bottom();
    int shown = 0;
    for (QWidget* w : {static_cast<QWidget*>(banner_), static_cast<QWidget*>(problemsTitle_),
                       static_cast<QWidget*>(verdictView_), static_cast<QWidget*>(causesTitle_),
                       static_cast<QWidget*>(causeView_)}) {
        if (w->isHidden()) continue;
        ++shown;
        const int width = contentsRect().width() - m.left() - m.right();
        if (w->minimumHeight() == w->maximumHeight()) // fixed (the list of causes: fitCauseView)
            height += w->maximumHeight();
        else
            height += w->hasHeightForWidth() ? w->heightForWidth(width) : w->sizeHint().height();
    }
    for (FittedText* text : {causeDetail_, causeFix_}) {
        if (text->isHidden()) continue;
        ++shown;
        height += text->wholeHeight();
    }
    return height + std::max(0, shown - 1) * layout()->spacing();
}

QRect ResultPane::fixRect() const
{
    return causeFix_->isHidden() ? QRect() : causeFix_->geometry();
}

// The selected cause as text: the Why (and the rest of the detail), then its Fix, which is a
// label of its own so that it is never scrolled out of sight.
QString ResultPane::causeDetail() const
{
    const QString fix = causeFix_->isHidden() ? QString() : causeFix_->toPlainText();
    return causeDetail_->toPlainText() + (fix.isEmpty() ? QString() : "\n" + fix);
}

void ResultPane::clear()
{
    setBanner(RunVerdict::State::NoRun, "No run yet: run the workload (F5) or step through it (F10).");
    verdict_->clear();
    causes_->setCauses({});
    causeDetail_->clear();
    causeDetail_->hide();
    causeFix_->clear();
    causeFix_->hide();
    problemsTitle_->clear();
    causesTitle_->clear();
    verdictView_->hide();
    causeView_->hide();
}

QString ResultPane::headline() const
{
    return banner_->text();
}

bool ResultPane::selectCauseOf(quint64 seq)
{
    for (int row = 0; row < causes_->rowCount(); ++row) {
        const QModelIndex index = causes_->index(row, 0);
        if (index.data(CauseModel::FirstSeqRole).toULongLong() == seq) {
            causeView_->selectRow(row);
            causeView_->scrollTo(index);
            return true;
        }
    }
    return false;
}

} // namespace txs::result
