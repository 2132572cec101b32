#include "widgets/views/HintedTableView.h"

#include "widgets/views/EmptyHint.h"

namespace txs {

HintedTableView::HintedTableView(QWidget* parent) : QTableView(parent) {}

void HintedTableView::setEmptyHint(const QString& hint)
{
    hint_ = hint;
    viewport()->update();
}

bool HintedTableView::showsHint() const
{
    return emptyHintShows(*this, hint_);
}

void HintedTableView::paintEvent(QPaintEvent* event)
{
    QTableView::paintEvent(event);
    paintEmptyHint(*this, hint_);
}

} // namespace txs
