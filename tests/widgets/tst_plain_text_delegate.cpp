// PlainTextDelegate paints a one-line text cell the way Qt's QStyledItemDelegate does — the same
// text at the same place in the same colour, elided the same way, over the same panel — while
// it lays out each distinct text only once and keeps a bounded cache; cells it does not draw
// itself (an icon) are Qt's own pixels.

#include "widgets/views/PlainTextDelegate.h"
#include "widgets/views/SessionTable.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QStandardItemModel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTest>
#include <memory>

using namespace txs;

namespace {

// The box of the pixels of `rect` that differ from its background (the colour of its
// right-most, vertically central pixel: no text reaches there in these cells); null when none.
QRect inkBox(const QImage& image, const QRect& rect)
{
    const QRgb background = image.pixel(rect.right() - 1, rect.center().y());
    QRect box;
    for (int y = rect.top() + 1; y < rect.bottom(); ++y)
        for (int x = rect.left() + 1; x < rect.right() - 1; ++x)
            if (image.pixel(x, y) != background) box |= QRect(x, y, 1, 1);
    return box;
}

// The darkest pixel of `rect` (the text's colour, where the background is light).
QColor inkColour(const QImage& image, const QRect& rect)
{
    QColor darkest = Qt::white;
    for (int y = rect.top() + 1; y < rect.bottom(); ++y)
        for (int x = rect.left() + 1; x < rect.right() - 1; ++x) {
            const QColor c = image.pixelColor(x, y);
            if (c.lightness() < darkest.lightness()) darkest = c;
        }
    return darkest;
}

struct Table
{
    explicit Table(QAbstractItemModel* model, QAbstractItemDelegate* delegate)
    {
        view.setModel(model);
        setUpSessionTable(&view);
        view.setItemDelegate(delegate);
        view.resize(420, 220);
        view.setColumnWidth(0, 150);
        view.setColumnWidth(1, 60); // too narrow for its long texts: elided
        view.show();
    }
    QImage image()
    {
        QImage grabbed = view.viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32);
        return grabbed;
    }
    QRect cell(int row, int column) const { return view.visualRect(view.model()->index(row, column)); }
    QTableView view;
};

} // namespace

class TestPlainTextDelegate : public QObject
{
    Q_OBJECT

private slots:
    void paintsTextWhereQtDoes()
    {
        QStandardItemModel model(4, 3);
        const char* texts[][3] = {{"committed", "rolled back (conflict), retried", "12.345"},
                                  {"writer 3", "BEGIN CONCURRENT; INSERT INTO t VALUES (1)", "7"},
                                  {"deferred", "ok", "0.001"},
                                  {"", "SQLITE_BUSY_SNAPSHOT", "1234567"}};
        for (int r = 0; r < 4; ++r)
            for (int c = 0; c < 3; ++c)
                model.setData(model.index(r, c), QString(texts[r][c]));
        model.setData(model.index(0, 0), QColor(0xb0, 0x1c, 0x1c), Qt::ForegroundRole);
        model.setData(model.index(2, 0), QColor(0xe6, 0xf4, 0xe8), Qt::BackgroundRole);
        model.setData(model.index(2, 2), int(Qt::AlignRight | Qt::AlignVCenter), Qt::TextAlignmentRole);

        QStyledItemDelegate qtDelegate;
        PlainTextDelegate plain;
        Table qt(&model, &qtDelegate), ours(&model, &plain);
        QVERIFY(QTest::qWaitForWindowExposed(&qt.view));
        QVERIFY(QTest::qWaitForWindowExposed(&ours.view));
        const QImage a = qt.image(), b = ours.image();
        QCOMPARE(a.size(), b.size());
        for (int r = 0; r < 4; ++r)
            for (int c = 0; c < 3; ++c) {
                const QRect cell = qt.cell(r, c);
                QCOMPARE(ours.cell(r, c), cell);
                const QRect inkA = inkBox(a, cell), inkB = inkBox(b, cell);
                const QString where = QString("row %1 column %2: Qt %3,%4 %5x%6, ours %7,%8 %9x%10")
                                          .arg(r)
                                          .arg(c)
                                          .arg(inkA.x())
                                          .arg(inkA.y())
                                          .arg(inkA.width())
                                          .arg(inkA.height())
                                          .arg(inkB.x())
                                          .arg(inkB.y())
                                          .arg(inkB.width())
                                          .arg(inkB.height());
                QCOMPARE(inkB.isNull(), inkA.isNull());
                if (inkA.isNull()) continue;
                // The same text at the same place: its box within a pixel (the two lay it out
                // apart and may round a fraction of a pixel differently).
                QVERIFY2(std::abs(inkA.left() - inkB.left()) <= 1 &&
                             std::abs(inkA.right() - inkB.right()) <= 1 &&
                             std::abs(inkA.top() - inkB.top()) <= 1 &&
                             std::abs(inkA.bottom() - inkB.bottom()) <= 1,
                         qPrintable(where));
                // Elided where Qt elides: the text stays inside the cell's margins.
                QVERIFY2(inkB.right() < cell.right() - 1, qPrintable(where));
            }
        // The foreground role's colour, as Qt draws it.
        const QColor red = inkColour(b, ours.cell(0, 0));
        QVERIFY2(red.red() > 2 * red.green(), qPrintable(red.name()));
        QCOMPARE(inkColour(b, ours.cell(0, 0)).name(), inkColour(a, qt.cell(0, 0)).name());
        // The background role fills the cell.
        QCOMPARE(b.pixelColor(ours.cell(2, 0).right() - 2, ours.cell(2, 0).center().y()),
                 QColor(0xe6, 0xf4, 0xe8));
    }

    void aSelectedRowUsesTheHighlightColours()
    {
        QStandardItemModel model(2, 1);
        model.setData(model.index(0, 0), QString("committed"));
        model.setData(model.index(1, 0), QString("committed"));
        QStyledItemDelegate qtDelegate;
        PlainTextDelegate plain;
        Table qt(&model, &qtDelegate), ours(&model, &plain);
        QVERIFY(QTest::qWaitForWindowExposed(&ours.view));
        QVERIFY(QTest::qWaitForWindowExposed(&qt.view));
        qt.view.selectRow(1);
        ours.view.selectRow(1);
        qt.view.clearFocus();
        ours.view.clearFocus();
        const QImage a = qt.image(), b = ours.image();
        const QRect cell = ours.cell(1, 0);
        QCOMPARE(b.pixelColor(cell.right() - 2, cell.center().y()),
                 a.pixelColor(cell.right() - 2, cell.center().y()));
        QCOMPARE(inkBox(b, cell).isNull(), false);
    }

    // A cell with an icon is Qt's own drawing, pixel for pixel.
    void aCellWithAnIconIsLeftToQt()
    {
        QStandardItemModel model(1, 1);
        model.setData(model.index(0, 0), QString("with icon"));
        QPixmap icon(12, 12);
        icon.fill(Qt::blue);
        model.setData(model.index(0, 0), icon, Qt::DecorationRole);
        QStyledItemDelegate qtDelegate;
        PlainTextDelegate plain;
        Table qt(&model, &qtDelegate), ours(&model, &plain);
        QVERIFY(QTest::qWaitForWindowExposed(&ours.view));
        QVERIFY(QTest::qWaitForWindowExposed(&qt.view));
        const QRect cell = ours.cell(0, 0);
        QCOMPARE(ours.image().copy(cell), qt.image().copy(cell));
    }

    // Texts are laid out once and reused, and the cache does not grow with what was shown.
    void theCacheStaysBounded()
    {
        const int rows = PlainTextDelegate::kCachedTexts + 2000;
        QStandardItemModel model(rows, 1);
        for (int r = 0; r < rows; ++r)
            model.setData(model.index(r, 0), QString("row %1").arg(r));
        PlainTextDelegate plain;
        Table ours(&model, &plain);
        QVERIFY(QTest::qWaitForWindowExposed(&ours.view));
        ours.image();
        const int afterOnePaint = plain.cachedTexts();
        QVERIFY(afterOnePaint > 0);
        ours.image(); // the same rows again: nothing new to lay out
        QCOMPARE(plain.cachedTexts(), afterOnePaint);
        QImage sheet(400, 20, QImage::Format_RGB32);
        QPainter painter(&sheet);
        QStyleOptionViewItem option;
        option.initFrom(&ours.view);
        option.rect = QRect(0, 0, 400, 20);
        for (int r = 0; r < rows; ++r) {
            plain.paint(&painter, option, model.index(r, 0));
            QVERIFY(plain.cachedTexts() <= PlainTextDelegate::kCachedTexts);
        }
    }
};

QTEST_MAIN(TestPlainTextDelegate)
#include "tst_plain_text_delegate.moc"
