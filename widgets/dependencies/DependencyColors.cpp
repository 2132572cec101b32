#include "widgets/dependencies/DependencyColors.h"

#include "widgets/style/Theme.h"

namespace txs::dependencies {

DependencyColors DependencyColors::fromPalette(const QPalette& p)
{
    const bool dark = style::isDark(p);
    DependencyColors c;
    c.background = p.color(QPalette::Base);
    c.zebra = p.color(QPalette::AlternateBase);
    c.text = p.color(QPalette::Text);
    c.mutedText = p.color(QPalette::Disabled, QPalette::Text);
    c.box = dark ? QColor(0x3a, 0x40, 0x4a) : QColor(0xe8, 0xec, 0xf2);
    c.boxBorder = dark ? QColor(0x8a, 0x93, 0xa3) : QColor(0x6b, 0x74, 0x84);
    c.cycle = dark ? QColor(0xff, 0xd0, 0x4a) : QColor(0xc0, 0x1c, 0x28); // the anomaly's nodes
    c.halo = c.background;
    c.ww = dark ? QColor(0x6f, 0xa8, 0xff) : QColor(0x1f, 0x5f, 0xc8);
    c.wr = dark ? QColor(0x5f, 0xd1, 0x7f) : QColor(0x1e, 0x84, 0x3c);
    c.rw = dark ? QColor(0xff, 0x8c, 0x42) : QColor(0xd3, 0x4a, 0x00);
    c.predicate = dark ? QColor(0xd0, 0x8c, 0xff) : QColor(0x84, 0x2f, 0xb8);
    return c;
}

} // namespace txs::dependencies
