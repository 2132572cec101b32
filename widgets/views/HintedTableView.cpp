#include "widgets/views/HintedTableView.h"

#include <QPainter>

namespace txs {

HintedTableView::HintedTableView(QWidget* parent) : QTableView(parent) {}

void HintedTableView::setEmptyHint(const QString& hint)
{
    hint_ = hint;
    viewport()->update();
}

bool HintedTableView::showsHint() const
{
    return !hint_.isEmpty() && model() && model()->rowCount(rootIndex()) == 0;
}

void HintedTableView::paintEvent(QPaintEvent* event)
{
    QTableView::paintEvent(event);
    if (!showsHint()) return;
    QPainter painter(viewport());
    painter.setPen(palette().color(QPalette::Disabled, QPalette::Text));
    const int margin = fontMetrics().height();
    painter.drawText(viewport()->rect().adjusted(margin, margin, -margin, -margin),
                     Qt::AlignCenter | Qt::TextWordWrap, hint_);
}

} // namespace txs
