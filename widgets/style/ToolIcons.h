#pragma once
// The run toolbar's icons (run, pause, step, stop) drawn from the palette, so that they read on
// every theme. Qt's stock media icons are dark glyphs, and the style makes their disabled form by
// greying them toward the window colour: on a dark window a disabled Run button all but vanished.
// Here the enabled glyph is in the palette's ButtonText and the disabled one in a colour kept at
// least kMinimumGlyphContrast from the window (WCAG 2.1's 3:1 for graphical objects) while still
// visibly fainter than the enabled one. Glyphs are vector shapes, sharp at any scale factor.

#include <QColor>
#include <QIcon>
#include <QPalette>

namespace txs::style {

enum class ToolGlyph { Run, Pause, Step, Stop };

constexpr double kMinimumGlyphContrast = 3.0;

// WCAG 2.1 contrast ratio of two opaque colours, 1 to 21.
double contrastRatio(const QColor& a, const QColor& b);

// The disabled glyph's colour: the window colour moved toward ButtonText just far enough to keep
// kMinimumGlyphContrast against the window (never further than ButtonText itself).
QColor disabledGlyphColor(const QPalette& palette);

QIcon toolIcon(ToolGlyph glyph, const QPalette& palette);

} // namespace txs::style
