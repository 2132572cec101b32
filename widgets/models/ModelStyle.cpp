#include "widgets/models/ModelStyle.h"

#include "engine/api/Error.h"
#include "engine/trace/ProjectionTimes.h"
#include "widgets/style/Contrast.h"
#include "widgets/style/Theme.h"

#include <QGuiApplication>
#include <algorithm>
#include <cmath>
#include <vector>

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

namespace {

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(static_cast<float>(a.redF() * (1 - t) + b.redF() * t),
                            static_cast<float>(a.greenF() * (1 - t) + b.greenF() * t),
                            static_cast<float>(a.blueF() * (1 - t) + b.blueF() * t));
}

} // namespace

QColor mutedForeground()
{
    const QPalette palette = QGuiApplication::palette();
    const QColor text = palette.color(QPalette::Text);
    std::vector<QColor> backs{palette.color(QPalette::Base), palette.color(QPalette::AlternateBase)};
    for (Outcome o : {Outcome::Ok, Outcome::Failed, Outcome::Blocked})
        backs.push_back(outcomeBackground(o).value<QColor>());
    // From half-way to the background towards the text, until every background keeps 4.5:1
    // (with a margin for rounding to 8 bits); the text itself when nothing quieter does.
    for (double towardBack = 0.5; towardBack > 0.0; towardBack -= 0.05) {
        const QColor muted = mix(text, palette.color(QPalette::Base), towardBack);
        if (std::all_of(backs.begin(), backs.end(),
                        [&](const QColor& b) { return style::contrastRatio(muted, b) >= 4.6; }))
            return muted;
    }
    return text;
}

} // namespace txs::models
