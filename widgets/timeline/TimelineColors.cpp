#include "widgets/timeline/TimelineColors.h"

namespace txs::timeline {

namespace {

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(static_cast<float>(a.redF() * (1 - t) + b.redF() * t),
                            static_cast<float>(a.greenF() * (1 - t) + b.greenF() * t),
                            static_cast<float>(a.blueF() * (1 - t) + b.blueF() * t));
}

void set(TimelineColors& c, SpanState s, const char* light, const char* dark)
{
    c.state[static_cast<int>(s)] = QColor(c.dark ? dark : light);
}

void set(TimelineColors& c, MarkerKind k, const char* light, const char* dark)
{
    c.marker[static_cast<int>(k)] = QColor(c.dark ? dark : light);
}

} // namespace

TimelineColors TimelineColors::fromPalette(const QPalette& palette)
{
    TimelineColors c;
    c.background = palette.color(QPalette::Base);
    c.text = palette.color(QPalette::Text);
    c.dark = c.background.lightnessF() < 0.5;
    c.zebra = mix(c.background, c.text, c.dark ? 0.06 : 0.035);
    c.separator = mix(c.background, c.text, 0.18);
    c.mutedText = mix(c.background, c.text, 0.6);
    c.grid = mix(c.background, c.text, c.dark ? 0.14 : 0.10);
    c.cursor = c.text;
    c.selection = palette.color(QPalette::Highlight);
    if (qAbs(c.selection.lightnessF() - c.background.lightnessF()) < 0.25) c.selection = c.text;
    c.halo = c.background;
    c.markerOutline = mix(c.background, c.text, 0.85);

    // Transactions: the outcome is the message.
    set(c, SpanState::TxActive, "#3b78d8", "#5d9cf5");
    set(c, SpanState::TxCommitted, "#2e9a4a", "#47c26a");
    set(c, SpanState::TxRolledBack, "#9aa0a6", "#80868b");
    set(c, SpanState::TxDoomed, "#d93025", "#ff6159");
    // Statements: quieter than transactions, except errors.
    set(c, SpanState::StmtRunning, "#8fb4ee", "#4e76b5");
    set(c, SpanState::StmtOk, "#7a8799", "#93a1b5");
    set(c, SpanState::StmtError, "#e8710a", "#ff9b45");
    set(c, SpanState::Waiting, "#f2b705", "#f5c518");
    // Locks: one purple ramp, the stronger the level the further from the background.
    set(c, SpanState::LockShared, "#b3a2e3", "#6a5aa0");
    set(c, SpanState::LockReserved, "#9078d2", "#8a74cc");
    set(c, SpanState::LockPending, "#6c4bbd", "#a991eb");
    set(c, SpanState::LockExclusive, "#43218f", "#d2c2ff");

    set(c, MarkerKind::Busy, "#c2185b", "#ff4f8b");
    set(c, MarkerKind::Conflict, "#f57c00", "#ffa040");
    set(c, MarkerKind::BusyHandler, "#b38600", "#f5c518");
    set(c, MarkerKind::LockWait, "#8d6e00", "#e0b400");
    set(c, MarkerKind::Retry, "#0277bd", "#4fc3f7");
    c.link = c.of(MarkerKind::Retry);
    return c;
}

} // namespace txs::timeline
