#include "widgets/views/ElidingLabel.h"

#include <QHelpEvent>
#include <QPainter>
#include <QStyle>
#include <QToolTip>

namespace txs {

QSize ElidingLabel::minimumSizeHint() const
{
    const QMargins m = contentsMargins();
    return {fontMetrics().horizontalAdvance(QLatin1Char('x')) * 10 + m.left() + m.right(),
            QLabel::minimumSizeHint().height()};
}

bool ElidingLabel::elided() const
{
    return fontMetrics().horizontalAdvance(text()) > contentsRect().width();
}

void ElidingLabel::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const QRect r = contentsRect();
    const QString shown = fontMetrics().elidedText(text(), Qt::ElideRight, r.width());
    style()->drawItemText(&painter, r, int(alignment()) | Qt::TextSingleLine, palette(), isEnabled(), shown,
                          foregroundRole());
}

bool ElidingLabel::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip && elided()) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString extra = toolTip();
        QToolTip::showText(help->globalPos(), extra.isEmpty() ? text() : text() + "\n" + extra, this);
        return true;
    }
    return QLabel::event(event);
}

} // namespace txs
