#pragma once
// The workload editor: a plain-text editor with line numbers, .txs highlighting, the parse
// error underlined with its message (checked as the user types), in step mode the line of the
// next step highlighted, and after a run a ✓ or ✗ beside each `-- expect:` line (its tooltip
// says what the statement did), cleared as soon as the text changes.

#include <QMap>
#include <QPlainTextEdit>

class TxsHighlighter;

class ScriptEditor : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit ScriptEditor(QWidget* parent = nullptr);

    // The line (1-based) the runner executes next; 0 clears the highlight.
    void setNextLine(int line);
    int nextLine() const { return nextLine_; }
    // A parse error to show; line 0 clears it.
    void setError(int line, const QString& message);
    int errorLine() const { return errorLine_; }
    QString errorMessage() const { return errorMessage_; }
    // Moves the caret to `line` and centres it (the user asked to go there).
    void scrollToLine(int line);
    // Scrolls so `line` shows, leaving the caret where it is.
    void ensureLineVisible(int line);

    // The verdict of an expectation line after a run: passed or not, and the actual value.
    struct ExpectMark
    {
        bool passed = true;
        QString tooltip;
    };
    // Replaces the marks (line -> mark); any edit of the text clears them.
    void setExpectMarks(const QMap<int, ExpectMark>& marks);
    void clearExpectMarks() { setExpectMarks({}); }
    const QMap<int, ExpectMark>& expectMarks() const { return marks_; }
    // The line (1-based) at a y position of the gutter, 0 when none.
    int lineAtGutterY(int y) const;

    // For the line-number gutter: its width for the current font and line count, and where it is
    // (editor coordinates). Invariant: the text's first column starts right of gutterRect().
    int gutterWidth() const;
    QRect gutterRect() const;
    void paintGutter(QPaintEvent* event);
    // The gutter's tooltip at `y`: the expectation mark's, if the line has one.
    QString gutterToolTip(int y) const;

    // The text shown is the one applied (a script opened or loaded): textSettled is signalled
    // again only once the characters change. A re-highlight alone never signals it.
    void markSettled();

signals:
    // Emitted a moment after the text stops changing, with the current text.
    void textSettled(const QString& text);
    // The user clicked in line `line` (1-based) without selecting text: the way from the script
    // to the statements it ran.
    void lineClicked(int line);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    bool event(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    void applyFixedFont();
    int markWidth() const;
    // Sets the viewport margin and the gutter's geometry together, from one gutterWidth(): a
    // gutter wider than the margin would cover the first characters of every line.
    void layoutGutter();
    void updateGutter(const QRect& rect, int dy);
    void refreshSelections();

    QWidget* gutter_;
    TxsHighlighter* highlighter_;
    class QTimer* settleTimer_;
    QString settledText_; // the text last signalled by textSettled
    int nextLine_ = 0;
    int errorLine_ = 0;
    QString errorMessage_;
    QMap<int, ExpectMark> marks_;
};
