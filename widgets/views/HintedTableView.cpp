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

void HintedTableView::setWindowNote(const QString& note)
{
    if (note == note_) return;
    note_ = note;
    viewport()->update();
}

void HintedTableView::paintEvent(QPaintEvent* event)
{
    QTableView::paintEvent(event);
    paintEmptyHint(*this, hint_);
    paintWindowNote(*this, note_);
}

} // namespace txs
