#pragma once
// A one-line label that fits any width: its text is cut with "…" when the label is narrower
// than it, and the whole text shows in its tooltip then. Its least width is a few characters, so
// a long status (the attached database, what TxScope holds) never pushes the status bar wider
// than a 1280 px window, where the labels once overlapped each other.

#include <QLabel>

namespace txs {

class ElidingLabel : public QLabel
{
    Q_OBJECT
public:
    using QLabel::QLabel;

    QSize minimumSizeHint() const override;
    // Whether the text shown now is cut.
    bool elided() const;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;
};

} // namespace txs
