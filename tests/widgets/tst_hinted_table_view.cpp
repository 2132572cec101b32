// HintedTableView: the hint shows while the model is empty, and only then.

#include "widgets/views/HintedTableView.h"

#include <QImage>
#include <QStandardItemModel>
#include <QTest>

namespace {

// Pixels of the viewport's middle band that differ from the view's base colour.
int inkInTheMiddle(txs::HintedTableView& view)
{
    const QImage image = view.viewport()->grab().toImage();
    const QColor base = view.palette().color(QPalette::Base);
    int ink = 0;
    for (int y = image.height() * 2 / 5; y < image.height() * 3 / 5; ++y)
        for (int x = 0; x < image.width(); ++x)
            if (image.pixelColor(x, y) != base) ++ink;
    return ink;
}

} // namespace

class TestHintedTableView : public QObject
{
    Q_OBJECT

private slots:
    void hintShowsOnlyWhileTheModelIsEmpty()
    {
        QStandardItemModel model(0, 2);
        txs::HintedTableView view;
        view.setModel(&model);
        view.resize(400, 300);
        view.setAlternatingRowColors(false);
        view.setShowGrid(false);

        QVERIFY(!view.showsHint()); // no hint set: a plain empty table
        QCOMPARE(inkInTheMiddle(view), 0);

        view.setEmptyHint("Nothing to explain yet");
        QVERIFY(view.showsHint());
        QVERIFY(inkInTheMiddle(view) > 50); // the text is drawn in the middle

        model.appendRow({new QStandardItem("a"), new QStandardItem("b")});
        QVERIFY(!view.showsHint());
        QCOMPARE(inkInTheMiddle(view), 0); // one row at the top, the middle is empty again

        model.removeRows(0, 1);
        QVERIFY(view.showsHint());
        QVERIFY(inkInTheMiddle(view) > 50);
    }
};

QTEST_MAIN(TestHintedTableView)
#include "tst_hinted_table_view.moc"
