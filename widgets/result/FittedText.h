#pragma once
// Read-only rich text as tall as its wrapped text at the width it has, and no taller; when the
// layout cannot give it that much it keeps a few lines and scrolls, so no line is ever cut off.
// (A word-wrapped QLabel in a short dock lost its last lines with no way to read them: the Fix
// in presentation mode at 720 px.)

#include <QTextBrowser>

namespace txs::result {

class FittedText : public QTextBrowser
{
    Q_OBJECT
public:
    // leastLines: the height kept however short the room (then the text scrolls).
    explicit FittedText(int leastLines, QWidget* parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    // The height that shows the whole text at the present width.
    int wholeHeight() const;
    // Whether every line shows without scrolling.
    bool readsWhole() const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    int leastLines_;
    int lastWidth_ = -1;
};

} // namespace txs::result
