// ColumnFitter keeps a table's columns as wide as their values, and measures nothing while the
// table is hidden: a live run feeds every panel's model, shown or not, and a hidden panel must
// not pay for measuring text. Shown again, it fits what came meanwhile before it is seen.

#include "widgets/views/ColumnFitter.h"

#include <QApplication>
#include <QFontMetrics>
#include <QHeaderView>
#include <QStandardItemModel>
#include <QScrollBar>
#include <QTableView>
#include <QTest>

using namespace txs;

namespace {

// Counts the texts the fitter asked for (Qt::DisplayRole reads): what measuring costs.
class CountingModel : public QStandardItemModel
{
public:
    using QStandardItemModel::QStandardItemModel;
    QVariant data(const QModelIndex& index, int role) const override
    {
        if (role == Qt::DisplayRole) ++displayReads;
        return QStandardItemModel::data(index, role);
    }
    mutable int displayReads = 0;
};

void appendRow(QStandardItemModel& model, const QString& first, const QString& second)
{
    model.appendRow({new QStandardItem(first), new QStandardItem(second)});
}

} // namespace

class TestColumnFitter : public QObject
{
    Q_OBJECT

private slots:
    void aShownTableGrowsWithItsRows()
    {
        CountingModel model(0, 2);
        model.setHorizontalHeaderLabels({"Code", "Message"});
        QTableView view;
        view.setModel(&model);
        auto* fitter = new ColumnFitter(&view, {1});
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        const QString longCode = "SQLITE_BUSY_SNAPSHOT_AND_MORE";
        appendRow(model, longCode, "a message");
        const int textWidth = QFontMetrics(view.font()).horizontalAdvance(longCode);
        QVERIFY(view.horizontalHeader()->sectionSize(0) > textWidth);
        QCOMPARE(fitter->neededWidth(0), view.horizontalHeader()->sectionSize(0));
        // The stretch column is measured, not sized.
        QCOMPARE(view.horizontalHeader()->sectionResizeMode(1), QHeaderView::Stretch);
    }

    void aHiddenTableIsMeasuredWhenShown()
    {
        CountingModel model(0, 2);
        model.setHorizontalHeaderLabels({"Code", "Message"});
        QWidget dock; // stands for a hidden dock: the table inside it is not visible
        QTableView* view = new QTableView(&dock);
        view->setModel(&model);
        new ColumnFitter(view, {1});
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        const int before = view->horizontalHeader()->sectionSize(0);
        dock.hide();

        model.displayReads = 0;
        const QString longCode = "SQLITE_BUSY_SNAPSHOT_AND_MORE_STILL";
        for (int i = 0; i < 200; ++i) appendRow(model, i == 2 ? longCode : "ok", "m");
        model.setData(model.index(3, 0), "changed");
        QCOMPARE(model.displayReads, 0);                                 // nothing measured
        QCOMPARE(view->horizontalHeader()->sectionSize(0), before); // nor resized

        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        QVERIFY(model.displayReads > 0);
        const int textWidth = QFontMetrics(view->font()).horizontalAdvance(longCode);
        QVERIFY2(view->horizontalHeader()->sectionSize(0) > textWidth,
                 qPrintable(QString("%1 <= %2").arg(view->horizontalHeader()->sectionSize(0)).arg(textWidth)));
    }

    // Only the rows in view are measured (a live table changes thousands of rows a second); a
    // row scrolled into view is measured then, and widths never shrink.
    void rowsAreMeasuredAsTheyComeIntoView()
    {
        CountingModel model(0, 2);
        QTableView view;
        view.setModel(&model);
        new ColumnFitter(&view, {1});
        view.resize(400, 200);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QString longCode = "A_VALUE_FAR_DOWN_THE_TABLE_AND_LONG";
        for (int i = 0; i < 1000; ++i) appendRow(model, i == 900 ? longCode : "ok", "m");
        const int textWidth = QFontMetrics(view.font()).horizontalAdvance(longCode);
        QVERIFY(view.horizontalHeader()->sectionSize(0) < textWidth); // not in view yet
        model.displayReads = 0;
        model.setData(model.index(999, 0), "x");    // a change out of view: nothing read
        QCOMPARE(model.displayReads, 0);
        QCoreApplication::processEvents(); // the view lays out its new rows (the scroll range)
        view.scrollTo(model.index(900, 0));
        QVERIFY(view.verticalScrollBar()->value() > 0);
        QVERIFY(view.horizontalHeader()->sectionSize(0) > textWidth);
        view.scrollToTop();
        QVERIFY(view.horizontalHeader()->sectionSize(0) > textWidth); // kept
    }

    void aResetWhileHiddenWaitsForTheShow()
    {
        CountingModel model(0, 2);
        QWidget dock;
        QTableView* view = new QTableView(&dock);
        view->setModel(&model);
        new ColumnFitter(view, {});
        model.displayReads = 0;
        appendRow(model, "a", "b");
        model.clear(); // a reset
        model.setColumnCount(2);
        appendRow(model, "a much longer first value", "b");
        QCOMPARE(model.displayReads, 0);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        const int textWidth = QFontMetrics(view->font()).horizontalAdvance("a much longer first value");
        QVERIFY(view->horizontalHeader()->sectionSize(0) > textWidth);
    }
};

QTEST_MAIN(TestColumnFitter)
#include "tst_column_fitter.moc"
