#include "widgets/editor/ScriptEditor.h"

#include "widgets/editor/TxsHighlighter.h"
#include "widgets/style/Theme.h"

#include <QCoreApplication>
#include <QFontDatabase>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTextBlock>
#include <QTimer>
#include <QToolTip>

namespace {

class Gutter : public QWidget
{
public:
    explicit Gutter(ScriptEditor* editor) : QWidget(editor), editor_(editor) {}
    QSize sizeHint() const override { return {editor_->gutterWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent* event) override { editor_->paintGutter(event); }
    bool event(QEvent* event) override
    {
        if (event->type() == QEvent::ToolTip) {
            auto* help = static_cast<QHelpEvent*>(event);
            const QString tip = editor_->gutterToolTip(help->pos().y());
            if (tip.isEmpty())
                QToolTip::hideText();
            else
                QToolTip::showText(help->globalPos(), tip, this);
            return true;
        }
        return QWidget::event(event);
    }

private:
    ScriptEditor* editor_;
};

bool isDark(const QPalette& p)
{
    return p.color(QPalette::Base).lightness() < 128;
}

} // namespace

ScriptEditor::ScriptEditor(QWidget* parent)
    : QPlainTextEdit(parent), gutter_(new Gutter(this)), highlighter_(new TxsHighlighter(document())),
      settleTimer_(new QTimer(this))
{
    applyFixedFont();
    QCoreApplication::instance()->installEventFilter(this);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    document()->setDocumentMargin(6); // keeps the first column clear of the line-number gutter
    // A format change counts as an edit to QTextDocument: without this, an empty editor was
    // "modified" from the start, the title showed '*' and closing asked to save nothing.
    document()->setModified(false);
    highlighter_->setDarkBackground(isDark(palette()));
    settleTimer_->setSingleShot(true);
    settleTimer_->setInterval(300);
    // Only a change of the characters settles: a re-highlight (a theme switch re-colours the
    // script) also signals textChanged, and reloading the same script cleared the run's results.
    connect(settleTimer_, &QTimer::timeout, this, [this] {
        QString text = toPlainText();
        if (text == settledText_) return;
        settledText_ = text;
        emit textSettled(settledText_);
    });
    connect(this, &QPlainTextEdit::textChanged, settleTimer_, qOverload<>(&QTimer::start));
    connect(this, &QPlainTextEdit::blockCountChanged, this, &ScriptEditor::layoutGutter);
    // The marks judge the text that ran: an edit of the characters (not a re-highlight, which
    // changes formats only) makes them stale.
    connect(document(), &QTextDocument::contentsChange, this, [this](int, int removed, int added) {
        if ((removed > 0 || added > 0) && !marks_.isEmpty()) clearExpectMarks();
    });
    connect(this, &QPlainTextEdit::updateRequest, this, &ScriptEditor::updateGutter);
    layoutGutter();
}

void ScriptEditor::markSettled()
{
    settleTimer_->stop();
    settledText_ = toPlainText();
}

int ScriptEditor::gutterWidth() const
{
    int digits = 2;
    for (int max = std::max(1, blockCount()); max >= 10; max /= 10)
        ++digits;
    // Room for the ✓/✗ column on the left.
    return 8 + markWidth() + fontMetrics().horizontalAdvance(QLatin1Char('9')) * digits;
}

int ScriptEditor::markWidth() const
{
    return fontMetrics().height() + 2;
}

void ScriptEditor::setExpectMarks(const QMap<int, ExpectMark>& marks)
{
    marks_ = marks;
    gutter_->update();
}

int ScriptEditor::lineAtGutterY(int y) const
{
    QTextBlock block = firstVisibleBlock();
    qreal top = blockBoundingGeometry(block).translated(contentOffset()).top();
    while (block.isValid()) {
        const qreal bottom = top + blockBoundingRect(block).height();
        if (y >= top && y < bottom) return block.blockNumber() + 1;
        if (top > y) break;
        block = block.next();
        top = bottom;
    }
    return 0;
}

QString ScriptEditor::gutterToolTip(int y) const
{
    const auto it = marks_.find(lineAtGutterY(y));
    return it == marks_.end() ? QString() : it->tooltip;
}

void ScriptEditor::layoutGutter()
{
    const int width = gutterWidth();
    setViewportMargins(width, 0, 0, 0);
    const QRect r = contentsRect();
    gutter_->setGeometry(QRect(r.left(), r.top(), width, r.height()));
}

QRect ScriptEditor::gutterRect() const
{
    return gutter_->geometry();
}

void ScriptEditor::updateGutter(const QRect& rect, int dy)
{
    if (dy)
        gutter_->scroll(0, dy);
    else
        gutter_->update(0, rect.y(), gutter_->width(), rect.height());
}

void ScriptEditor::resizeEvent(QResizeEvent* event)
{
    QPlainTextEdit::resizeEvent(event);
    layoutGutter();
}

// The script in a fixed-width font, as large as the rest in presentation mode: a class reads it
// from the back of the room.
void ScriptEditor::applyFixedFont()
{
    setFont(txs::style::fontFor(txs::style::current(), QFontDatabase::systemFont(QFontDatabase::FixedFont)));
    setTabStopDistance(fontMetrics().horizontalAdvance(' ') * 2);
    layoutGutter(); // the line numbers widen with the font
}

void ScriptEditor::changeEvent(QEvent* event)
{
    QPlainTextEdit::changeEvent(event);
    // However the font changed (ours, the application's, a style's polish), the gutter follows it.
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) layoutGutter();
    if (event->type() == QEvent::PaletteChange) {
        highlighter_->setDarkBackground(isDark(palette()));
        refreshSelections();
    }
}

void ScriptEditor::paintGutter(QPaintEvent* event)
{
    QPainter painter(gutter_);
    const QPalette& p = palette();
    painter.fillRect(event->rect(), p.color(QPalette::AlternateBase));
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    while (block.isValid() && top <= event->rect().bottom()) {
        const int height = qRound(blockBoundingRect(block).height());
        const int line = block.blockNumber() + 1;
        if (block.isVisible() && top + height >= event->rect().top()) {
            QColor colour = p.color(QPalette::PlaceholderText);
            if (line == errorLine_)
                colour = QColor(0xd0, 0x30, 0x30);
            else if (line == nextLine_)
                colour = p.color(QPalette::Highlight);
            painter.setPen(colour);
            QFont f = font();
            f.setBold(line == errorLine_ || line == nextLine_);
            painter.setFont(f);
            painter.drawText(0, top, gutter_->width() - 4, height, Qt::AlignRight | Qt::AlignVCenter,
                             QString::number(line));
            if (const auto mark = marks_.find(line); mark != marks_.end()) {
                const bool dark = isDark(p);
                painter.setPen(mark->passed ? (dark ? QColor(0x7d, 0xdc, 0x8e) : QColor(0x1b, 0x7a, 0x2e))
                                            : (dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb0, 0x1c, 0x1c)));
                f.setBold(true);
                painter.setFont(f);
                painter.drawText(2, top, markWidth(), height, Qt::AlignCenter,
                                 mark->passed ? QStringLiteral("✓") : QStringLiteral("✗"));
            }
        }
        block = block.next();
        top += height;
    }
}

// Marks the line without touching the caret: the status refresh calls this every 200 ms, and
// after each re-parse while the user types the next line goes from 0 (script has errors) back
// to the first statement — moving the caret there made it jump away mid-word. The view follows
// the line only while the user is not editing (stepping makes the editor read-only).
void ScriptEditor::setNextLine(int line)
{
    if (line == nextLine_) return;
    nextLine_ = line;
    refreshSelections();
    if (line > 0 && (isReadOnly() || !hasFocus())) ensureLineVisible(line);
    gutter_->update();
}

void ScriptEditor::ensureLineVisible(int line)
{
    const QTextBlock block = document()->findBlockByNumber(line - 1);
    if (!block.isValid()) return;
    // QPlainTextEdit scrolls by blocks: the scroll bar's value is the first visible block.
    const int first = firstVisibleBlock().blockNumber();
    const int visible = std::max(
        1, static_cast<int>(viewport()->height() / std::max(1.0, blockBoundingRect(block).height())));
    if (block.blockNumber() >= first && block.blockNumber() < first + visible - 1) return;
    verticalScrollBar()->setValue(std::max(0, block.blockNumber() - visible / 2));
}

void ScriptEditor::setError(int line, const QString& message)
{
    errorLine_ = line;
    errorMessage_ = line > 0 ? message : QString();
    refreshSelections();
    gutter_->update();
}

void ScriptEditor::scrollToLine(int line)
{
    const QTextBlock block = document()->findBlockByNumber(line - 1);
    if (!block.isValid()) return;
    QTextCursor cursor(block);
    setTextCursor(cursor);
    centerCursor();
}

// The next step as a full-width band, the error line as a red wavy underline.
void ScriptEditor::refreshSelections()
{
    QList<QTextEdit::ExtraSelection> selections;
    if (nextLine_ > 0) {
        QTextEdit::ExtraSelection s;
        QColor band = palette().color(QPalette::Highlight);
        band.setAlpha(60);
        s.format.setBackground(band);
        s.format.setProperty(QTextFormat::FullWidthSelection, true);
        s.cursor = QTextCursor(document()->findBlockByNumber(nextLine_ - 1));
        selections << s;
    }
    if (errorLine_ > 0) {
        QTextEdit::ExtraSelection s;
        s.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        s.format.setUnderlineColor(QColor(0xd0, 0x30, 0x30));
        s.format.setToolTip(errorMessage_);
        QTextCursor c(document()->findBlockByNumber(errorLine_ - 1));
        c.movePosition(QTextCursor::StartOfBlock);
        c.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        s.cursor = c;
        selections << s;
    }
    setExtraSelections(selections);
}

// Our font is set explicitly, so an application font change (presentation mode switched on or
// off) would not reach it: Qt announces the change to the application object, watched here.
bool ScriptEditor::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == QCoreApplication::instance() && event->type() == QEvent::ApplicationFontChange)
        applyFixedFont();
    return QPlainTextEdit::eventFilter(watched, event);
}

// Tooltips over the error line show the parse error.
bool ScriptEditor::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip && errorLine_ > 0) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QTextCursor c = cursorForPosition(viewport()->mapFromGlobal(help->globalPos()));
        if (c.blockNumber() + 1 == errorLine_) {
            QToolTip::showText(help->globalPos(), errorMessage_, this);
            return true;
        }
        QToolTip::hideText();
    }
    return QPlainTextEdit::event(event);
}

void ScriptEditor::mouseReleaseEvent(QMouseEvent* event)
{
    QPlainTextEdit::mouseReleaseEvent(event);
    if (event->button() == Qt::LeftButton && !textCursor().hasSelection())
        emit lineClicked(textCursor().blockNumber() + 1);
}
