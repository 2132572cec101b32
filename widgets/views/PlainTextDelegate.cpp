#include "widgets/views/PlainTextDelegate.h"

#include <QApplication>
#include <QPainter>
#include <QStyle>

namespace txs {

PlainTextDelegate::PlainTextDelegate(QObject* parent) : QStyledItemDelegate(parent) {}

const QStaticText& PlainTextDelegate::laidOut(const QString& text, const QFont& font) const
{
    if (font != cacheFont_ || cache_.size() >= kCachedTexts) {
        cache_.clear();
        cacheFont_ = font;
    }
    auto it = cache_.find(text);
    if (it == cache_.end()) {
        QStaticText laid(text);
        laid.setTextFormat(Qt::PlainText);
        laid.prepare(QTransform(), font);
        it = cache_.insert(text, laid);
    }
    return *it;
}

void PlainTextDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                              const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    // What this delegate does not draw the way the style does: an icon, a check box, wrapped or
    // multi-line text, the focus frame.
    // (Line breaks are looked for only to lay the text out: nothing is decided by what it says.)
    const QString& shown = opt.text;
    const bool oneLine = shown.indexOf(QLatin1Char('\n')) < 0 && shown.indexOf(QChar::LineSeparator) < 0;
    const bool plain =
        !(opt.features & (QStyleOptionViewItem::HasDecoration | QStyleOptionViewItem::HasCheckIndicator |
                          QStyleOptionViewItem::WrapText)) &&
        !(opt.state & QStyle::State_HasFocus) && oneLine;
    if (!plain) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    const QWidget* widget = opt.widget;
    const QStyle* style = widget ? widget->style() : QApplication::style();
    painter->save();
    // The panel: background role, alternate row, selection and hover, as the style paints them.
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, widget);
    if (!opt.text.isEmpty()) {
        // The text: within the style's margin (QCommonStyle's viewItemDrawText), in the colour
        // the style would use.
        const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, widget) + 1;
        const QRect textRect = opt.rect.adjusted(margin, 0, -margin, 0);
        const QPalette::ColorGroup group = !(opt.state & QStyle::State_Enabled) ? QPalette::Disabled
                                           : (opt.state & QStyle::State_Active) ? QPalette::Normal
                                                                                : QPalette::Inactive;
        painter->setPen(opt.palette.color(
            group, (opt.state & QStyle::State_Selected) ? QPalette::HighlightedText : QPalette::Text));
        painter->setFont(opt.font);
        painter->setClipRect(textRect, Qt::IntersectClip);
        const QStaticText* text = &laidOut(opt.text, opt.font);
        if (text->size().width() > textRect.width())
            text =
                &laidOut(opt.fontMetrics.elidedText(opt.text, opt.textElideMode, textRect.width()), opt.font);
        const QSize size = text->size().toSize();
        const QRect placed = QStyle::alignedRect(
            opt.direction, QStyle::visualAlignment(opt.direction, opt.displayAlignment), size, textRect);
        painter->drawStaticText(placed.topLeft(), *text);
    }
    painter->restore();
}

} // namespace txs
