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
    // A squeezed panel (a small screen, presentation fonts) gets a smaller font, down to 60%, so
    // the whole sentence shows; if it still does not fit, it starts at the top, so it reads
    // from its beginning rather than losing both ends.
    const int margin = view.fontMetrics().height() / 2;
    const QRect area = viewport->rect().adjusted(margin, margin, -margin, -margin);
    QFont font = view.font();
    const double base = font.pointSizeF();
    int flags = Qt::AlignCenter | Qt::TextWordWrap;
    for (double scale : {1.0, 0.85, 0.7, 0.6}) {
        if (base > 0) font.setPointSizeF(base * scale);
        const QRect needed = QFontMetrics(font).boundingRect(area, flags, hint);
        if (needed.height() <= area.height() && needed.width() <= area.width()) break;
        if (scale == 0.6) flags = Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap;
    }
    painter.setFont(font);
    painter.drawText(area, flags, hint);
}

void paintWindowNote(QAbstractItemView& view, const QString& note)
{
    if (note.isEmpty()) return;
    QWidget* viewport = view.viewport();
    QPainter painter(viewport);
    const QFontMetrics metrics = view.fontMetrics();
    const int pad = metrics.height() / 4;
    const QString text = metrics.elidedText(note, Qt::ElideRight, viewport->width() - 4 * pad);
    QRect box(0, 0, metrics.horizontalAdvance(text) + 2 * pad, metrics.height() + 2 * pad);
    box.moveBottomRight(viewport->rect().bottomRight() - QPoint(pad, pad));
    painter.setPen(view.palette().color(QPalette::Mid));
    painter.setBrush(view.palette().color(QPalette::ToolTipBase));
    painter.drawRect(box);
    painter.setPen(view.palette().color(QPalette::ToolTipText));
    painter.drawText(box, Qt::AlignCenter, text);
}

} // namespace txs
