#pragma once
// A table view that says what will appear in it while its model is empty, instead of showing a
// blank grid: "nothing here yet" and "nothing can appear here" look alike otherwise, and a user
// who has not run anything yet should learn what the panel is for.

#include <QString>
#include <QTableView>

namespace txs {

class HintedTableView : public QTableView
{
    Q_OBJECT
public:
    explicit HintedTableView(QWidget* parent = nullptr);

    void setEmptyHint(const QString& hint);
    QString emptyHint() const { return hint_; }
    bool showsHint() const; // the model is empty and there is a hint to show
    // A line drawn at the bottom of the view while the model leaves rows out (a windowed model:
    // "showing the latest N of M …"); empty: none.
    void setWindowNote(const QString& note);
    QString windowNote() const { return note_; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString hint_;
    QString note_;
};

} // namespace txs
