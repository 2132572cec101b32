#include "widgets/views/HintedTreeView.h"

#include <QPainter>

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
    return !hint_.isEmpty() && model() && model()->rowCount(rootIndex()) == 0;
}

void HintedTreeView::paintEvent(QPaintEvent* event)
{
    QTreeView::paintEvent(event);
    if (!showsHint()) return;
    QPainter painter(viewport());
    painter.setPen(palette().color(QPalette::Disabled, QPalette::Text));
    const int margin = fontMetrics().height();
    painter.drawText(viewport()->rect().adjusted(margin, margin, -margin, -margin),
                     Qt::AlignCenter | Qt::TextWordWrap, hint_);
}

} // namespace txs
