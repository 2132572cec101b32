#include "widgets/views/ShrinkableDock.h"

#include <QDockWidget>
#include <QScrollArea>
#include <QLayout>
#include <QScrollBar>
#include <algorithm>

namespace txs {

namespace {

// Shrinks in height only: as narrow as its content allows (a result pane's verdict cut off at the
// side would be worse than a narrower timeline), as short as a few lines.
class HeightScrollArea : public QScrollArea
{
public:
    using QScrollArea::QScrollArea;
    QSize minimumSizeHint() const override
    {
        const QSize own = QScrollArea::minimumSizeHint();
        if (!widget()) return own;
        const int scrollBar = verticalScrollBar()->sizeHint().width();
        // As a dock lays out its content: the larger of its hint, its set minimum and its layout's.
        const QWidget* w = widget();
        int least = std::max(w->minimumSizeHint().width(), w->minimumWidth());
        if (w->layout()) least = std::max(least, w->layout()->totalMinimumSize().width());
        return {std::max(own.width(), least + scrollBar), own.height()};
    }
};

} // namespace

void letDockShrink(QDockWidget& dock)
{
    QWidget* content = dock.widget();
    if (!content || qobject_cast<QAbstractScrollArea*>(content)) return;
    auto* scroll = new HeightScrollArea(&dock);
    scroll->setObjectName(content->objectName() + "Scroll");
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    // The content follows the dock's width; below its least height it scrolls.
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidget(content);
    dock.setWidget(scroll);
}

} // namespace txs
