#pragma once
// A tree view that says what will appear in it, or why nothing can, while its model is empty
// (the tree counterpart of HintedTableView).

#include <QTreeView>

namespace txs {

class HintedTreeView : public QTreeView
{
    Q_OBJECT

public:
    explicit HintedTreeView(QWidget* parent = nullptr);
    void setEmptyHint(const QString& hint);
    QString emptyHint() const { return hint_; }
    bool showsHint() const; // the model is empty and there is a hint to show

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString hint_;
};

} // namespace txs
