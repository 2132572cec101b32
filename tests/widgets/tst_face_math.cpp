// The arithmetic behind the window's manners, without a screen: how large the docks start at
// 1280x720, at 3840x2160 and at scale 2, and the run buttons' disabled glyphs keeping 3:1 against
// the window in every theme (they faded to nothing on the dark one).

#include "widgets/style/Theme.h"
#include "widgets/style/ToolIcons.h"
#include "widgets/views/DockSizes.h"

#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QTest>

using txs::style::Appearance;
using txs::style::Theme;

class TestFaceMath : public QObject
{
    Q_OBJECT

private slots:
    void docksFollowTheWindow_data()
    {
        QTest::addColumn<QSize>("window");
        QTest::addColumn<bool>("presentation");
        QTest::newRow("1280x720") << QSize(1280, 720) << false;
        QTest::newRow("1280x720 presentation") << QSize(1280, 720) << true;
        QTest::newRow("3840x2160") << QSize(3840, 2160) << false;
        QTest::newRow("3840x2160 presentation") << QSize(3840, 2160) << true;
        QTest::newRow("3840x2160 at scale 2") << QSize(1920, 1080) << false;
        QTest::newRow("1280x720 at scale 2") << QSize(640, 360) << false;
        QTest::newRow("800x600") << QSize(800, 600) << false;
    }
    void docksFollowTheWindow()
    {
        QFETCH(QSize, window);
        QFETCH(bool, presentation);
        const DockSizes s = DockSizes::forWindow(window, presentation);
        // The timeline keeps at least half of each direction.
        QVERIFY(s.script + s.side <= window.width() / 2);
        QVERIFY(s.bottom <= window.height() / 2);
        QVERIFY(s.script > 0 && s.side > 0 && s.bottom > 0);
        // Presentation gives the timeline more room, never less.
        if (presentation) QVERIFY(s.script <= DockSizes::forWindow(window, false).script);
    }
    void largeWindowsGetWiderDocks()
    {
        // The old fixed cap: 420 px of script beside 3000 px of timeline on a 4K window.
        const DockSizes hd = DockSizes::forWindow({1280, 720}, false);
        const DockSizes uhd = DockSizes::forWindow({3840, 2160}, false);
        QCOMPARE(hd.script, 320); // a quarter of 1280, as before
        QVERIFY2(uhd.script >= 3840 / 6, qPrintable(QString::number(uhd.script)));
        QVERIFY(uhd.side >= 3840 / 6);
        QVERIFY(uhd.bottom > 460);
        QVERIFY(uhd.bottom <= 2160 * 3 / 10);
    }

    void contrastRatioIsWcags()
    {
        QCOMPARE(txs::style::contrastRatio(Qt::black, Qt::white), 21.0);
        QCOMPARE(txs::style::contrastRatio(Qt::white, Qt::white), 1.0);
        // #767676 on white is WCAG's well-known 4.54:1.
        QVERIFY(qAbs(txs::style::contrastRatio(QColor(0x76, 0x76, 0x76), Qt::white) - 4.54) < 0.01);
    }

    void disabledGlyphsStayReadable_data()
    {
        QTest::addColumn<int>("theme");
        QTest::addColumn<bool>("presentation");
        QTest::newRow("light") << int(Theme::Light) << false;
        QTest::newRow("dark") << int(Theme::Dark) << false;
        QTest::newRow("light presentation") << int(Theme::Light) << true;
        QTest::newRow("dark presentation") << int(Theme::Dark) << true;
    }
    void disabledGlyphsStayReadable()
    {
        QFETCH(int, theme);
        QFETCH(bool, presentation);
        const QPalette p = txs::style::paletteFor({Theme(theme), presentation}, QPalette());
        const QColor window = p.color(QPalette::Window);
        const QColor disabled = txs::style::disabledGlyphColor(p);
        const QColor enabled = p.color(QPalette::ButtonText);
        QVERIFY2(txs::style::contrastRatio(disabled, window) >= txs::style::kMinimumGlyphContrast,
                 qPrintable(disabled.name() + " on " + window.name()));
        // Still fainter than the enabled glyph, so the two states differ.
        QVERIFY(txs::style::contrastRatio(disabled, window) < txs::style::contrastRatio(enabled, window));

        // The icon itself draws in that colour: the darkest-or-lightest opaque pixel of the
        // disabled pixmap, composed on the window, keeps the contrast.
        const QIcon icon = txs::style::toolIcon(txs::style::ToolGlyph::Run, p);
        QImage image(24, 24, QImage::Format_ARGB32);
        image.fill(window);
        {
            QPainter painter(&image);
            icon.paint(&painter, QRect(0, 0, 24, 24), Qt::AlignCenter, QIcon::Disabled);
        }
        double best = 1.0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                best = std::max(best, txs::style::contrastRatio(image.pixelColor(x, y), window));
        QVERIFY2(best >= txs::style::kMinimumGlyphContrast, qPrintable(QString::number(best)));
    }
};

QTEST_MAIN(TestFaceMath)
#include "tst_face_math.moc"
