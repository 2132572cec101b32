// WindowGeometry: the window fits the screen it opens on, at any resolution and scale factor,
// and a geometry saved on a larger screen is brought back onto a smaller one.

#include "widgets/views/WindowGeometry.h"

#include <QTest>

class TestWindowGeometry : public QObject
{
    Q_OBJECT

private slots:
    void initialFitsTheScreen_data()
    {
        QTest::addColumn<QRect>("available");
        // Device-independent pixels: 3840x2160 at scale 2 is 1920x1080.
        QTest::newRow("1280x720 with a 32 px panel") << QRect(0, 32, 1280, 688);
        QTest::newRow("1366x768") << QRect(0, 0, 1366, 768);
        QTest::newRow("3840x2160 at scale 2") << QRect(0, 0, 1920, 1080);
        QTest::newRow("2560x1440, second screen") << QRect(1920, 0, 2560, 1440);
        QTest::newRow("800x600 (offscreen default)") << QRect(0, 0, 800, 600);
        QTest::newRow("640x480, below the minimum") << QRect(0, 0, 640, 480);
    }
    void initialFitsTheScreen()
    {
        QFETCH(QRect, available);
        const QRect r = WindowGeometry::initial(available);
        QVERIFY2(available.contains(r),
                 qPrintable(QString("%1,%2 %3x%4").arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height())));
        QVERIFY(r.width() <= WindowGeometry::kPreferred.width());
        QVERIFY(r.height() <= WindowGeometry::kPreferred.height());
        // Centred, to within a pixel of rounding.
        QVERIFY(qAbs(r.center().x() - available.center().x()) <= 1);
        QVERIFY(qAbs(r.center().y() - available.center().y()) <= 1);
    }

    void bigScreensGetThePreferredSize()
    {
        const QRect r = WindowGeometry::initial(QRect(0, 0, 2560, 1440));
        QCOMPARE(r.size(), WindowGeometry::kPreferred);
        QCOMPARE(r.topLeft(), QPoint(480, 220));
    }

    void smallScreensLeaveAMargin()
    {
        const QRect r = WindowGeometry::initial(QRect(0, 0, 1280, 720));
        QVERIFY(r.width() < 1280);
        QVERIFY(r.height() < 720);
        QVERIFY(r.width() >= WindowGeometry::kMinimum.width());
        QVERIFY(r.height() >= WindowGeometry::kMinimum.height());
    }

    void savedGeometryThatFitsIsKept()
    {
        const QRect saved(100, 80, 1200, 800);
        QCOMPARE(WindowGeometry::fitted(saved, QRect(0, 0, 1920, 1080)), saved);
    }

    void savedOnABiggerScreenIsBroughtBack()
    {
        // Saved at 2560x1440, opened on 1280x720: shrunk to the screen and moved onto it.
        const QRect available(0, 0, 1280, 720);
        const QRect r = WindowGeometry::fitted(QRect(900, 400, 1600, 1000), available);
        QVERIFY(available.contains(r));
        QCOMPARE(r.size(), QSize(1280, 720));
    }

    void savedOffToTheSideSlidesBackOn()
    {
        // A second screen that is gone now: the window keeps its size and comes back on screen.
        const QRect available(0, 0, 1920, 1080);
        const QRect r = WindowGeometry::fitted(QRect(2500, 100, 1000, 700), available);
        QVERIFY(available.contains(r));
        QCOMPARE(r.size(), QSize(1000, 700));
        QCOMPARE(r.top(), 100);
    }

    void invalidInputsAreHarmless()
    {
        QCOMPARE(WindowGeometry::initial(QRect()).size(), WindowGeometry::kPreferred);
        const QRect available(0, 0, 1366, 768);
        QVERIFY(available.contains(WindowGeometry::fitted(QRect(), available)));
    }
};

QTEST_APPLESS_MAIN(TestWindowGeometry)
#include "tst_window_geometry.moc"
