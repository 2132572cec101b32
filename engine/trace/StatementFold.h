#pragma once
// A successful StatementEnd folded into its connection's next StatementBegin (Event.h,
// StatementBegin): while a connection folds (a StatementFoldScope on its thread: in a workers
// loop only), a statement that ends without an error and with no text to record (no rows
// preview) appends no StatementEnd. The end is kept by the connection (StatementEvents below)
// and carried by the connection's next StatementBegin: detail bit kStatementBeginEndsPrevious,
// rowid: when the previous statement ended (the log's clock), a: the end's transaction id,
// b: its rows changed. Anything else of the connection flushes the kept end first as a real
// StatementEnd, stamped with the time it ended, so no event of the connection ever lies between
// the end and the Begin that carries it: the pair is the same events in the same order for the
// connection, one event stored instead of two (the bench's transaction: 6 events, not 9).
//
// Connections fold only while a StatementFoldScope lives on their thread (the runner's workers
// loops); the kept end's time is read from the log's clock behind a load fence, so it is never
// before the connection's previous event (TraceClock's counter read is not serialising).
//
// ONE reader unfolds it: TraceLog's reads (readSince, visitSince, visitFieldsSince, snapshot)
// and readSession hand every reader the pair, a StatementEnd (result 0, rows b, transaction a,
// no text, at its own time) followed by the StatementBegin as it was before the fold (a, b,
// rowid and the bit cleared), both with the stored event's seq. So every projection, view, file
// and export sees what it saw before, except that the StatementEnd (a) shares its seq with the
// Begin after it and (b) comes after events of OTHER connections appended between the end and
// the Begin; its time is its own. The one reader of the raw events is the counting rule applied
// as events are appended (LiveCounts, CountingRuleApply.h), which takes the folded Begin as the
// pair. TraceLog::countOf counts stored events: a folded Begin counts as a StatementBegin only.

#include "engine/trace/Event.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

namespace txs {

class TraceLog;

// StatementBegin's detail bit: the event also ends the connection's previous statement.
constexpr std::uint16_t kStatementBeginEndsPrevious = 1;

template <typename E> bool carriesStatementEnd(const E& e)
{
    return e.kind == EventKind::StatementBegin && (e.detail & kStatementBeginEndsPrevious) != 0;
}

// The StatementEnd a folded Begin carries, its typed fields (text empty): at its own time,
// never after the Begin (a hostile log's rowid is clamped).
template <typename E> E foldedStatementEnd(const E& begin)
{
    E end{};
    if constexpr (requires { end.seq; }) end.seq = begin.seq;
    end.kind = EventKind::StatementEnd;
    end.connection = begin.connection;
    end.txId = static_cast<std::uint64_t>(begin.a);
    end.b = begin.b;
    end.timeNs = std::min(begin.rowid, begin.timeNs);
    return end;
}

// The Begin as it was before the fold: the fields that carried the end cleared.
template <typename E> void clearFoldedEnd(E& begin)
{
    begin.a = 0;
    begin.b = 0;
    begin.rowid = 0;
    begin.detail = static_cast<std::uint16_t>(begin.detail & ~kStatementBeginEndsPrevious);
}

// Replaces every folded Begin in out[first, end) by its pair, in place.
void unfoldStatementEnds(std::vector<Event>& out, std::size_t first);

class StatementEvents;

// While one lives on a thread's stack (the runner's workers loop: one per worker), the
// connections that thread runs fold their successful ends; elsewhere (setup, steps, the console,
// the CLI) every StatementEnd is appended at once. It holds at most one kept end, of the thread's
// last statement; flush() appends it. The thread flushes before it goes quiet (a sleep, a pause:
// live views must not show a finished statement as running) and before it appends an event of
// its own for the connection (the runner's TxRetry); the scope's end and the connection's close
// flush too. A connection that folds stays on the scope's thread (one thread at a time uses a
// connection; a worker's lives and dies in its loop).
class StatementFoldScope
{
public:
    StatementFoldScope();
    ~StatementFoldScope();
    StatementFoldScope(const StatementFoldScope&) = delete;
    StatementFoldScope& operator=(const StatementFoldScope&) = delete;
    // Appends this thread's kept end, if any.
    static void flush();

private:
    friend class StatementEvents;
    StatementFoldScope* previous_;
    StatementEvents* pending_ = nullptr; // the connection whose end is kept
};

// One connection's StatementBegin / StatementEnd (the emitter's side: MvccConnection and
// SqliteConnection). Used by one thread at a time, as its connection is.
class StatementEvents
{
public:
    StatementEvents() = default;
    StatementEvents(const StatementEvents&) = delete;
    StatementEvents& operator=(const StatementEvents&) = delete;

    // Carries the kept end, if any, in the Begin.
    void begin(TraceLog& log, std::uint32_t connection, std::uint64_t txId, std::string_view sql);
    // `text`: the error message or the rows preview (empty for the usual write). Kept instead of
    // appended when a StatementFoldScope lives on this thread and the statement succeeded with no text.
    void end(TraceLog& log, std::uint32_t connection, std::uint64_t txId, std::int64_t code,
             std::int64_t rows, std::string_view text, std::uint16_t detail);
    // Appends the kept end, if any, as a StatementEnd at the time it ended (the connection's close
    // calls it before its own events).
    void flush();

private:
    void forget(); // no end kept any more: off the scope's slot

    bool pending_ = false;
    TraceLog* log_ = nullptr; // the kept end's
    std::uint32_t connection_ = 0;
    std::int64_t endNs_ = 0;
    std::uint64_t endTx_ = 0;
    std::int64_t endRows_ = 0;
    StatementFoldScope* scope_ = nullptr; // whose slot holds this connection's kept end
};

} // namespace txs
