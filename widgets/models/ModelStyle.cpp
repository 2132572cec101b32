#include "widgets/models/ModelStyle.h"

#include "engine/api/Error.h"
#include "engine/trace/ProjectionTimes.h"

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

QString errorCodeName(int extendedCode, const std::string& message)
{
    const bool conflict = extendedCode == rc::Error &&
                          QString::fromStdString(message).contains("conflict", Qt::CaseInsensitive);
    const Error error = conflict ? Error::conflict(message) : Error::fromSqlite(extendedCode, message);
    return QString::fromStdString(error.codeName());
}

QVariant outcomeForeground(Outcome outcome)
{
    switch (outcome) {
    case Outcome::None:
        return {};
    case Outcome::Running:
        return QColor(0x1f, 0x5f, 0xbf);
    case Outcome::Ok:
        return QColor(0x1b, 0x7a, 0x2e);
    case Outcome::Failed:
        return QColor(0xb0, 0x1c, 0x1c);
    case Outcome::Doomed:
        return QColor(0xb3, 0x5c, 0x00);
    case Outcome::Blocked:
        return QColor(0x8a, 0x4f, 0x00);
    }
    return {};
}

QVariant outcomeBackground(Outcome outcome)
{
    switch (outcome) {
    case Outcome::None:
    case Outcome::Running:
        return {};
    case Outcome::Ok:
        return QColor(0xe6, 0xf4, 0xe8);
    case Outcome::Failed:
        return QColor(0xfb, 0xe4, 0xe4);
    case Outcome::Doomed:
    case Outcome::Blocked:
        return QColor(0xfd, 0xf0, 0xdc);
    }
    return {};
}

} // namespace txs::models
