#pragma once
// How the models render times and outcomes: one place, so every panel agrees.

#include "engine/api/Error.h"
#include "widgets/models/ModelRoles.h"

#include <QColor>
#include <QString>
#include <QVariant>
#include <cstdint>
#include <string>

namespace txs::models {

// "12.345" (milliseconds since the run started, to the microsecond); "" for kNever.
QString formatMs(std::int64_t timeNs);
// "1.234 ms", "56 µs", "2.5 s".
QString formatDuration(std::int64_t ns);
// "SQLITE_BUSY_SNAPSHOT", or "TXSCOPE_CONFLICT" for an error of kind Conflict (an SQLITE_ERROR, as
// Turso reports conflicts): decided by the typed kind, never by the message.
QString errorCodeName(int extendedCode, ErrorKind kind);
// Text colour for an outcome; invalid (the view's default) for None.
QVariant outcomeForeground(Outcome outcome);
// Row tint for an outcome (light, readable on a projector); invalid for None.
QVariant outcomeBackground(Outcome outcome);
// Text for what is not current (a closed connection, a reclaimed version, an error after the
// instant): quieter than the palette's text, yet at least 4.5:1 (WCAG AA) on the base, the
// alternate base and every outcome tint. The palette's disabled text is not: it is meant for
// controls that cannot be used (Light's was 3.7:1 on white), these rows are read.
QColor mutedForeground();

} // namespace txs::models
