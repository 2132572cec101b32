#pragma once
// Paints the live tables' cells — one line of text, no icon, no check box — without the text
// layout that QStyle does for every item: QCommonStyle measures each cell's text with a
// QTextLayout to place it, lays it out again to elide it, and shapes it a third time to draw
// it, which made a repaint of the session's tables cost tens of milliseconds on the window's
// thread while a run streams in (docs/performance.md, "Models").
//
// What it draws is what QStyledItemDelegate draws for such a cell: the style's item panel
// (background role, alternating rows, selection, hover) through the style, then the text in
// the cell less the style's text margin, with the item's font, alignment, foreground role (or
// the palette's highlighted text when selected) and elision. Laid-out texts are cached by
// string (QStaticText; texts like "committed", "writer 3", "BEGIN CONCURRENT" repeat on every
// row), so a repaint shapes only the texts it has not drawn recently. A cell with an icon, a
// check box or wrapped text is left to QStyledItemDelegate.

#include <QHash>
#include <QStaticText>
#include <QStyledItemDelegate>

namespace txs {

class PlainTextDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit PlainTextDelegate(QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;

    // Texts laid out and kept; past this the cache starts over (a long run draws new numbers on
    // every frame, so it must not grow with the run).
    static constexpr int kCachedTexts = 4096;
    int cachedTexts() const { return static_cast<int>(cache_.size()); }

private:
    const QStaticText& laidOut(const QString& text, const QFont& font) const;

    mutable QHash<QString, QStaticText> cache_;
    mutable QFont cacheFont_; // the font the cached texts were laid out in
};

} // namespace txs
