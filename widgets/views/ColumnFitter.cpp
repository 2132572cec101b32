#include "widgets/views/ColumnFitter.h"

#include <QAbstractItemModel>
#include <QEvent>
#include <QHeaderView>
#include <QScrollBar>
#include <QStyle>
#include <QTableView>
#include <QTimer>
#include <algorithm>

namespace txs {

ColumnFitter::ColumnFitter(QTableView* view, QList<int> stretch)
    : QObject(view), view_(view), stretch_(std::move(stretch))
{
    QAbstractItemModel* model = view->model();
    Q_ASSERT(model);
    connect(model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex& parent, int first, int last) {
                if (!parent.isValid()) rowsChanged(first, last);
            });
    connect(model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex& topLeft, const QModelIndex& bottomRight) {
                if (!topLeft.parent().isValid()) rowsChanged(topLeft.row(), bottomRight.row());
            });
    connect(model, &QAbstractItemModel::modelReset, this, [this] { rowsChanged(0, -1); });
    connect(model, &QAbstractItemModel::layoutChanged, this, [this] { rowsChanged(0, -1); });
    connect(model, &QAbstractItemModel::headerDataChanged, this, [this] { rowsChanged(0, -1); });
    view->installEventFilter(this);
    view->viewport()->installEventFilter(this); // resized: more rows in view
    // Scrolled: the rows come into view are measured (widths only grow, as rows come).
    connect(view->verticalScrollBar(), &QScrollBar::valueChanged, this, [this] { measureInView(); });
    refit();
}

void ColumnFitter::rowsChanged(int first, int last)
{
    if (!view_->isVisible()) {
        staleWhileHidden_ = true;
        return;
    }
    if (last < first) {
        refit(); // the whole model changed
        return;
    }
    // Only the rows in view: a windowed live table changes its whole window of up to 10,000
    // rows each refresh, and measuring 500 of them 30 times a second took a third of the
    // window's thread in a traced 16-writer run. Rows scrolled into view later are measured then.
    const auto [shownFirst, shownLast] = rowsInView();
    first = std::max(first, shownFirst);
    last = std::min(last, shownLast);
    if (first > last) return;
    measureRows(first, last);
    apply();
}

std::pair<int, int> ColumnFitter::rowsInView() const
{
    const int rows = view_->model()->rowCount();
    if (rows == 0) return {0, -1};
    int first = view_->rowAt(0);
    int last = view_->rowAt(view_->viewport()->height() - 1);
    if (first < 0) first = 0;
    if (last < 0) last = rows - 1; // the rows end above the viewport's bottom
    return {first, last};
}

void ColumnFitter::measureInView()
{
    if (!view_->isVisible()) return;
    const auto [first, last] = rowsInView();
    if (first > last) return;
    measureRows(first, last);
    apply();
}

bool ColumnFitter::eventFilter(QObject* watched, QEvent* event)
{
    // Shown again (its dock opened, its tab chosen) after rows came while hidden: the latest
    // rows are measured now, before the first paint.
    if (watched == view_ && event->type() == QEvent::Show && staleWhileHidden_) refit();
    if (watched == view_->viewport() && event->type() == QEvent::Resize) measureInView();
    // The app's font (presentation mode) or style changed: every text has another width. Once
    // the header has its new font too (it gets the change after the view): on the next turn.
    if (watched == view_ && (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) &&
        !refitQueued_) {
        refitQueued_ = true;
        QTimer::singleShot(0, this, [this] {
            refitQueued_ = false;
            refit();
        });
    }
    return QObject::eventFilter(watched, event);
}

void ColumnFitter::refit()
{
    staleWhileHidden_ = false;
    const QAbstractItemModel* model = view_->model();
    const int columns = model->columnCount();
    needed_.assign(static_cast<std::size_t>(std::max(columns, 0)), 0);
    padding_.assign(needed_.size(), -1); // measured again: the font or style may have changed
    QHeaderView* header = view_->horizontalHeader();
    for (int c = 0; c < columns; ++c)
        needed_[static_cast<std::size_t>(c)] = header->sectionSizeHint(c);
    const auto [first, last] = rowsInView();
    if (first <= last) measureRows(first, last);
    apply();
}

void ColumnFitter::measureRows(int first, int last)
{
    const QAbstractItemModel* model = view_->model();
    if (needed_.size() != static_cast<std::size_t>(model->columnCount())) {
        refit();
        return;
    }
    first = std::max(first, last - kMaxRows + 1);
    const QFontMetrics metrics(view_->font());
    // What the item delegate adds around a value's text (its margins: the style's, e.g. Fusion's)
    // is the same for every value of a column: taken once from the delegate's own size hint
    // (what QHeaderView::ResizeToContents would use), then each value is only measured. The
    // grid takes a pixel (QTableView::sizeHintForColumn adds it too).
    // One pixel more for the rounding of fractional advances (the delegate's hint and ours
    // rounded apart by one for "immediate" beside "deferred").
    const int grid = (view_->showGrid() ? 1 : 0) + 1;
    for (int c = 0; c < static_cast<int>(needed_.size()); ++c) {
        int& widest = needed_[static_cast<std::size_t>(c)];
        int& padding = padding_[static_cast<std::size_t>(c)];
        for (int r = std::max(first, 0); r <= last; ++r) {
            const QModelIndex index = model->index(r, c);
            const QString text = index.data().toString();
            if (text.isEmpty()) continue;
            const int advance = metrics.horizontalAdvance(text);
            if (padding < 0) padding = std::max(view_->sizeHintForIndex(index).width() - advance, 0);
            widest = std::max(widest, advance + padding + grid);
        }
    }
}

void ColumnFitter::apply()
{
    QHeaderView* header = view_->horizontalHeader();
    for (int c = 0; c < static_cast<int>(needed_.size()); ++c) {
        if (stretch_.contains(c)) {
            header->setSectionResizeMode(c, QHeaderView::Stretch);
            continue;
        }
        header->setSectionResizeMode(c, QHeaderView::Interactive);
        const int width = needed_[static_cast<std::size_t>(c)];
        if (header->sectionSize(c) != width) header->resizeSection(c, width);
    }
    emit fitted();
}

int ColumnFitter::neededWidth(int column) const
{
    if (column < 0 || column >= static_cast<int>(needed_.size())) return 0;
    return needed_[static_cast<std::size_t>(column)];
}

} // namespace txs
