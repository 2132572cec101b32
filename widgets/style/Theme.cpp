#include "widgets/style/Theme.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

namespace txs::style {

namespace {

struct Saved
{
    bool taken = false;
    QPalette palette;
    QFont font;
    QString styleName;
    Appearance current;
};

Saved& saved()
{
    static Saved s;
    return s;
}

// Role by role; the disabled group is derived so greyed-out actions stay legible.
QPalette makePalette(const QColor& window, const QColor& base, const QColor& alternate, const QColor& text,
                     const QColor& button, const QColor& highlight, const QColor& highlightedText,
                     const QColor& link, const QColor& placeholder)
{
    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, alternate);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, button);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x50, 0x50));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, highlightedText);
    p.setColor(QPalette::Link, link);
    p.setColor(QPalette::PlaceholderText, placeholder);
    p.setColor(QPalette::Light, button.lighter(150));
    p.setColor(QPalette::Midlight, button.lighter(115));
    p.setColor(QPalette::Mid, button.darker(130));
    p.setColor(QPalette::Dark, button.darker(170));
    p.setColor(QPalette::Shadow, QColor(0, 0, 0));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, placeholder);
    return p;
}

} // namespace

std::optional<Theme> parseTheme(const QString& name)
{
    const QString n = name.trimmed().toLower();
    if (n == "system") return Theme::System;
    if (n == "light") return Theme::Light;
    if (n == "dark") return Theme::Dark;
    return std::nullopt;
}

QString themeName(Theme theme)
{
    switch (theme) {
    case Theme::System:
        return "system";
    case Theme::Light:
        return "light";
    case Theme::Dark:
        return "dark";
    }
    return "system";
}

bool isDark(const QPalette& palette)
{
    return palette.color(QPalette::Base).lightnessF() < 0.5;
}

QPalette paletteFor(Appearance a, const QPalette& system)
{
    const bool hi = a.presentation;
    Theme theme = a.theme;
    // Presentation on the system theme still needs extreme contrast: take the side the system is on.
    if (theme == Theme::System && hi) theme = isDark(system) ? Theme::Dark : Theme::Light;
    switch (theme) {
    case Theme::System:
        return system;
    case Theme::Light:
        return makePalette(hi ? QColor(0xf4, 0xf4, 0xf4) : QColor(0xef, 0xf0, 0xf1), QColor(0xff, 0xff, 0xff),
                           hi ? QColor(0xf0, 0xf0, 0xf0) : QColor(0xf5, 0xf6, 0xf7),
                           hi ? QColor(0, 0, 0) : QColor(0x1d, 0x1f, 0x21), QColor(0xe6, 0xe7, 0xe8),
                           QColor(0x1f, 0x5f, 0xbf), QColor(0xff, 0xff, 0xff), QColor(0x1a, 0x55, 0xb0),
                           hi ? QColor(0x55, 0x55, 0x55) : QColor(0x80, 0x84, 0x88));
    case Theme::Dark:
        return makePalette(hi ? QColor(0x10, 0x10, 0x10) : QColor(0x2b, 0x2d, 0x30),
                           hi ? QColor(0, 0, 0) : QColor(0x1e, 0x1f, 0x22),
                           hi ? QColor(0x14, 0x14, 0x14) : QColor(0x26, 0x28, 0x2b),
                           hi ? QColor(0xff, 0xff, 0xff) : QColor(0xe6, 0xe8, 0xea), QColor(0x3a, 0x3d, 0x41),
                           QColor(0x4d, 0x8e, 0xf0), QColor(0xff, 0xff, 0xff), QColor(0x7a, 0xb4, 0xff),
                           hi ? QColor(0xb0, 0xb0, 0xb0) : QColor(0x9a, 0x9e, 0xa3));
    }
    return system;
}

QFont fontFor(Appearance a, const QFont& system)
{
    QFont f = system;
    if (!a.presentation) return f;
    if (f.pointSizeF() > 0)
        f.setPointSizeF(f.pointSizeF() * 1.5);
    else if (f.pixelSize() > 0)
        f.setPixelSize(f.pixelSize() * 3 / 2);
    return f;
}

void apply(QApplication& app, Appearance a)
{
    Saved& s = saved();
    if (!s.taken) {
        s.taken = true;
        s.palette = QApplication::palette();
        s.font = QApplication::font();
        s.styleName = app.style() ? app.style()->name() : QString();
    }
    // Our own palettes need a style that honours palettes everywhere; Fusion does on every platform.
    if (a.theme != Theme::System || a.presentation) {
        if (QStyle* fusion = QStyleFactory::create("Fusion")) app.setStyle(fusion);
    } else if (!s.styleName.isEmpty() && app.style() && app.style()->name() != s.styleName) {
        if (QStyle* original = QStyleFactory::create(s.styleName)) app.setStyle(original);
    }
    // current() is what widgets read while the palette and font changes are delivered to them.
    s.current = a;
    QApplication::setPalette(paletteFor(a, s.palette));
    QApplication::setFont(fontFor(a, s.font));
}

Appearance current()
{
    return saved().current;
}

} // namespace txs::style
