#include "widgets/views/EmptyHint.h"

#include <QAbstractItemView>
#include <QPainter>

namespace txs {

bool emptyHintShows(const QAbstractItemView& view, const QString& hint)
{
    return !hint.isEmpty() && view.model() && view.model()->rowCount(view.rootIndex()) == 0;
}

void paintEmptyHint(QAbstractItemView& view, const QString& hint)
{
    if (!emptyHintShows(view, hint)) return;
    QWidget* viewport = view.viewport();
    QPainter painter(viewport);
    painter.setPen(view.palette().color(QPalette::Disabled, QPalette::Text));
    const int margin = view.fontMetrics().height();
    painter.drawText(viewport->rect().adjusted(margin, margin, -margin, -margin),
                     Qt::AlignCenter | Qt::TextWordWrap, hint);
}

} // namespace txs
