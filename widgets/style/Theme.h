#pragma once
// The workbench's look: the system's colours, or TxScope's own light or dark palette (the same on
// every desktop, so a screenshot or a classroom looks as documented), and presentation mode for
// projectors: larger fonts everywhere and maximum-contrast colours.
//
// Everything that draws reads colours from the palette (TimelineColors::fromPalette, ModelStyle's
// outcome colours through isDark()), so applying an Appearance re-colours every panel.

#include <QFont>
#include <QPalette>
#include <QString>
#include <optional>

class QApplication;

namespace txs::style {

enum class Theme { System, Light, Dark };

struct Appearance
{
    Theme theme = Theme::System;
    bool presentation = false;
    bool operator==(const Appearance&) const = default;
};

// "system", "light", "dark" (case-insensitive); none for anything else.
std::optional<Theme> parseTheme(const QString& name);
QString themeName(Theme theme);

// A background darker than mid-grey: light text and darker tints go on it.
bool isDark(const QPalette& palette);

// The palette of `theme`; `system` is returned for Theme::System. Presentation pushes text and
// background to the extremes (black on white, white on black) for a washed-out projector.
QPalette paletteFor(Appearance appearance, const QPalette& system);
// The application font for `appearance`: the system's, or 1.5 times larger for presentation.
QFont fontFor(Appearance appearance, const QFont& system);

// Applies `appearance` to the whole application (style, palette, font). The system palette and
// font are remembered at the first call, so switching back to System restores them.
void apply(QApplication& app, Appearance appearance);
Appearance current();

} // namespace txs::style
