#include "widgets/result/FittedText.h"

#include <QResizeEvent>
#include <QScrollBar>
#include <QTextDocument>
#include <algorithm>
#include <cmath>
#include <memory>

namespace txs::result {

FittedText::FittedText(int leastLines, QWidget* parent) : QTextBrowser(parent), leastLines_(leastLines)
{
    setOpenLinks(false);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    // New text, new height: the layout asks again.
    connect(document(), &QTextDocument::contentsChanged, this, [this] { updateGeometry(); });
}

int FittedText::wholeHeight() const
{
    // Measured on a copy at the width without a scroll bar (the width the text has once it fits):
    // the shown document keeps the width the view laid it out at. The texts are a few lines.
    const std::unique_ptr<QTextDocument> doc(document()->clone());
    doc->setTextWidth(std::max(1, contentsRect().width()));
    const QMargins m = contentsMargins();
    return static_cast<int>(std::ceil(doc->size().height())) + m.top() + m.bottom();
}

bool FittedText::readsWhole() const
{
    return verticalScrollBar()->maximum() == 0;
}

QSize FittedText::sizeHint() const
{
    return {QTextBrowser::sizeHint().width(), wholeHeight()};
}

QSize FittedText::minimumSizeHint() const
{
    const QMargins m = contentsMargins();
    const int least = leastLines_ * fontMetrics().lineSpacing() +
                      static_cast<int>(2 * document()->documentMargin()) + m.top() + m.bottom();
    return {QTextBrowser::minimumSizeHint().width(), std::min(least, wholeHeight())};
}

void FittedText::resizeEvent(QResizeEvent* event)
{
    QTextBrowser::resizeEvent(event);
    // A new width wraps the text anew: the height it needs changes with it.
    if (event->size().width() != lastWidth_) {
        lastWidth_ = event->size().width();
        updateGeometry();
    }
}

} // namespace txs::result
