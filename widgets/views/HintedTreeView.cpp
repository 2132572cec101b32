#include "widgets/views/HintedTreeView.h"

#include "widgets/views/EmptyHint.h"

namespace txs {

HintedTreeView::HintedTreeView(QWidget* parent) : QTreeView(parent) {}

void HintedTreeView::setEmptyHint(const QString& hint)
{
    if (hint == hint_) return;
    hint_ = hint;
    viewport()->update();
}

bool HintedTreeView::showsHint() const
{
    return emptyHintShows(*this, hint_);
}

void HintedTreeView::paintEvent(QPaintEvent* event)
{
    QTreeView::paintEvent(event);
    paintEmptyHint(*this, hint_);
}

} // namespace txs
