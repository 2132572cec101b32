#include "widgets/models/ModelStyle.h"

#include "engine/api/Error.h"
#include "engine/trace/ProjectionTimes.h"
#include "widgets/style/Theme.h"

#include <QGuiApplication>

namespace txs::models {

QString formatMs(std::int64_t timeNs)
{
    if (timeNs == kNever) return {};
    return QString::number(static_cast<double>(timeNs) / 1e6, 'f', 3);
}

QString formatDuration(std::int64_t ns)
{
    if (ns < 1'000) return QString("%1 ns").arg(ns);
    if (ns < 1'000'000) return QString("%1 µs").arg(static_cast<double>(ns) / 1e3, 0, 'f', 1);
    if (ns < 1'000'000'000) return QString("%1 ms").arg(static_cast<double>(ns) / 1e6, 0, 'f', 3);
    return QString("%1 s").arg(static_cast<double>(ns) / 1e9, 0, 'f', 3);
}

QString errorCodeName(int extendedCode, ErrorKind kind)
{
    Error error;
    error.kind = kind;
    error.code = extendedCode & 0xff;
    error.extendedCode = extendedCode;
    return QString::fromStdString(error.codeName());
}

// The application's palette decides: models have no widget of their own, and every view shows
// the application's palette (widgets/style/Theme.h sets it). On a dark background the text is
// lighter and the tints darker, so every pair keeps a contrast ratio of at least 4.5:1 (WCAG AA).
static bool darkBackground()
{
    return style::isDark(QGuiApplication::palette());
}

QVariant outcomeForeground(Outcome outcome)
{
    const bool dark = darkBackground();
    switch (outcome) {
    case Outcome::None:
        return {};
    case Outcome::Running:
        return dark ? QColor(0x8a, 0xb8, 0xff) : QColor(0x1f, 0x5f, 0xbf);
    case Outcome::Ok:
        return dark ? QColor(0x7d, 0xdc, 0x8e) : QColor(0x1b, 0x7a, 0x2e);
    case Outcome::Failed:
        return dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb0, 0x1c, 0x1c);
    case Outcome::Doomed:
        return dark ? QColor(0xff, 0xb8, 0x6b) : QColor(0xb3, 0x5c, 0x00);
    case Outcome::Blocked:
        return dark ? QColor(0xf5, 0xc5, 0x18) : QColor(0x8a, 0x4f, 0x00);
    }
    return {};
}

QVariant outcomeBackground(Outcome outcome)
{
    const bool dark = darkBackground();
    switch (outcome) {
    case Outcome::None:
    case Outcome::Running:
        return {};
    case Outcome::Ok:
        return dark ? QColor(0x17, 0x33, 0x1e) : QColor(0xe6, 0xf4, 0xe8);
    case Outcome::Failed:
        return dark ? QColor(0x3d, 0x17, 0x17) : QColor(0xfb, 0xe4, 0xe4);
    case Outcome::Doomed:
    case Outcome::Blocked:
        return dark ? QColor(0x3a, 0x2a, 0x10) : QColor(0xfd, 0xf0, 0xdc);
    }
    return {};
}

} // namespace txs::models
