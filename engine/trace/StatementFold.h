#pragma once
// A successful StatementEnd folded into its connection's next StatementBegin (Event.h,
// StatementBegin): while a connection folds (a StatementFoldScope on its thread: in a workers
// loop only), a statement that ends without an error and with no text to record (no rows
// preview) appends no StatementEnd. The end is kept by the connection (StatementEvents below)
// and carried by the connection's next StatementBegin: detail bit kStatementBeginEndsPrevious,
// rowid: when the previous statement ended (the log's clock), a: the end's transaction id,
// b: its rows changed. The kept end is appended as a real StatementEnd, stamped with the time
// it ended, whenever the connection is about to have another event that is not its next
// statement: the runner flushes before a worker sleeps, pauses or appends its TxRetry, and the
// scope's end and the connection's close flush. Inside a statement the connection's events
// follow its Begin, so no event of the connection lies between the end and the Begin that
// carries it (the one exception: a workers phase's deferred Explanation, appended by whichever
// thread reads the log next and naming its error's StatementEnd by seq, was never placed by
// position). One event stored instead of two (the bench's transaction: 6 events, not 9).
//
// Connections fold only while a StatementFoldScope lives on their thread (the runner's workers
// loops); the kept end's time is read from the log's clock behind a load fence, so it is never
// before the connection's previous event (TraceClock's counter read is not serialising).
//
// ONE reader unfolds it: TraceLog's reads (readSince, visitSince, visitFieldsSince, snapshot)
// and readSession hand every reader the pair, a StatementEnd (result 0, rows b, transaction a,
// no text, at its own time) followed by the StatementBegin as it was before the fold (a, b,
// rowid and the bits cleared), both with the stored event's seq; a Begin that also carries its
// ended statement's TxBegin (kStatementBeginCarriesTxBegin below) is read as three events, that
// TxBegin first, all with the one seq. So every projection, view, file and export sees what it
// saw before, except that the carried events (a) share their seq with the Begin after them and
// (b) come after events of OTHER connections appended between the end and the Begin; their time
// is the end's own. The one reader of the raw events is the counting rule applied as events are
// appended (LiveCounts, CountingRuleApply.h), which takes the folded Begin as the events it
// stands for. Counts of events (TraceLog::appendedCount and countOf, the run summary's `events`,
// the status bar) are of stored events: a folded Begin is one StatementBegin. A reader that
// resumes at a seq must not stop inside such a group (SessionLog's slices do not). A session
// file saved from such a log holds the group with one seq; readSession takes exactly that repeat
// (older builds refuse the file: "events are not in seq order").

#include "engine/trace/Event.h"
#include "engine/trace/EventFields.h"
#include "engine/trace/TraceLog.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace txs {

// StatementBegin's detail bit: the event also ends the connection's previous statement.
constexpr std::uint16_t kStatementBeginEndsPrevious = 1;
// With it, a second bit: the ended statement's last event was the TxBegin of the transaction it
// began (MVCC's BEGIN, BEGIN DEFERRED and BEGIN CONCURRENT), carried too, before the end and at
// the end's time (nothing of the connection happens between the two): its transaction is the
// end's (a), its `a` (the mode) in detail bits 2..5, its `b` (the begin timestamp) in b (the
// end's rows are then 0). A TxBegin with a mode over 15 is appended on its own.
constexpr std::uint16_t kStatementBeginCarriesTxBegin = 2;
constexpr unsigned kCarriedTxModeShift = 2;
constexpr std::uint16_t kCarriedTxModeMask = 0xf << kCarriedTxModeShift;
// The largest TxBegin mode (its `a`) the bits hold.
constexpr std::int64_t kMaxCarriedTxMode = kCarriedTxModeMask >> kCarriedTxModeShift;

template <typename E> bool carriesStatementEnd(const E& e)
{
    return e.kind == EventKind::StatementBegin && (e.detail & kStatementBeginEndsPrevious) != 0;
}
template <typename E> bool carriesTxBegin(const E& e)
{
    return carriesStatementEnd(e) && (e.detail & kStatementBeginCarriesTxBegin) != 0;
}

// The carried end's time: never after the Begin (a hostile log's rowid is clamped).
template <typename E> std::int64_t foldedEndTimeNs(const E& begin)
{
    return std::min(begin.rowid, begin.timeNs);
}
// The carried end's rows changed (0 when it carries a TxBegin: a BEGIN changes none).
template <typename E> std::int64_t foldedEndRows(const E& begin)
{
    return carriesTxBegin(begin) ? 0 : begin.b;
}

// An event a folded Begin carries, of `kind`: the Begin's seq and connection, the ended
// statement's transaction (a) and the end's time; the caller sets the rest.
template <typename E> E carriedEvent(const E& begin, EventKind kind)
{
    E e{};
    if constexpr (requires { e.seq; }) e.seq = begin.seq;
    e.kind = kind;
    e.connection = begin.connection;
    e.txId = static_cast<std::uint64_t>(begin.a);
    e.timeNs = foldedEndTimeNs(begin);
    return e;
}

// The StatementEnd a folded Begin carries, its typed fields (text empty), at its own time.
template <typename E> E foldedStatementEnd(const E& begin)
{
    E end = carriedEvent(begin, EventKind::StatementEnd);
    end.b = foldedEndRows(begin);
    return end;
}

// The TxBegin a folded Begin carries (carriesTxBegin), its typed fields, at the end's time.
template <typename E> E foldedTxBegin(const E& begin)
{
    E tx = carriedEvent(begin, EventKind::TxBegin);
    tx.a = (begin.detail & kCarriedTxModeMask) >> kCarriedTxModeShift;
    tx.b = begin.b;
    return tx;
}

// The Begin as it was before the fold: the fields that carried the end (and a TxBegin) cleared.
template <typename E> void clearFoldedEnd(E& begin)
{
    begin.a = 0;
    begin.b = 0;
    begin.rowid = 0;
    begin.detail = static_cast<std::uint16_t>(
        begin.detail & ~(kStatementBeginEndsPrevious | kStatementBeginCarriesTxBegin | kCarriedTxModeMask));
}

// Replaces every folded Begin in out[first, end) by its pair (or its three events: TxBegin,
// StatementEnd, StatementBegin), in place.
void unfoldStatementEnds(std::vector<Event>& out, std::size_t first);
// The inverse, for events read back from a session file to be appended to a new log (a replay):
// every pair a folded Begin was read as (a successful StatementEnd with no text, then a
// StatementBegin of the same connection and the same seq; with the TxBegin before them when
// one was carried) becomes that one Begin again, so the new log stores what the run's did (the
// same seqs, the same event count).
void refoldStatementEnds(std::vector<Event>& events);

class StatementEvents;
class StatementFoldScope;

// A TxBegin's fields, as MvccStore::begin appends them: its transaction, a (the mode), b (the
// begin timestamp).
struct BegunTransaction
{
    std::uint64_t txId = 0;
    std::int64_t a = 0;
    std::int64_t b = 0;
};

namespace fold {
// The innermost StatementFoldScope of this thread (null: no fold). constinit: read without a
// TLS wrapper call on the emitters' path.
extern thread_local constinit StatementFoldScope* currentScope;
} // namespace fold

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

    // Carries the kept end, if any, in the Begin. `textId`: names the bytes of `sql` (TextIds.h),
    // 0 when nothing does.
    void begin(TraceLog& log, std::uint32_t connection, std::uint64_t txId, std::string_view sql,
               std::uint64_t textId = 0)
    {
        EventFields e;
        e.kind = EventKind::StatementBegin;
        e.connection = connection;
        e.txId = txId;
        if (pending_) {
            e.detail = kStatementBeginEndsPrevious;
            e.rowid = endNs_;
            e.a = static_cast<std::int64_t>(endTx_);
            e.b = endRows_;
            if (carriesTx_) {
                e.detail |= static_cast<std::uint16_t>(kStatementBeginCarriesTxBegin |
                                                       carriedTxMode_ << kCarriedTxModeShift);
                e.b = carriedTxB_;
            }
            forget();
        }
        log.append(e, sql, textId);
    }
    // Whether the TxBegin of a transaction a statement begins may be left to its end (`begun`
    // below) rather than appended: while a StatementFoldScope lives on this thread.
    static bool holdsTxBegins() { return fold::currentScope != nullptr; }
    // `text`: the error message or the rows preview (empty for the usual write). Kept instead of
    // appended when a StatementFoldScope lives on this thread and the statement succeeded with no
    // text. `begun`: the TxBegin of the transaction the statement began, not appended yet (its
    // last event; MVCC's BEGIN, DEFERRED or CONCURRENT, when holdsTxBegins()): carried with the
    // kept end, else appended before the end, at the end's time.
    void end(TraceLog& log, std::uint32_t connection, std::uint64_t txId, std::int64_t code,
             std::int64_t rows, std::string_view text, std::uint16_t detail,
             const BegunTransaction* begun = nullptr)
    {
        if (StatementFoldScope* scope = fold::currentScope; scope && code == 0 && text.empty() && detail == 0)
            return keep(scope, log, connection, txId, rows, begun);
        if (begun) appendTxBegin(log, connection, *begun, 0);
        EventFields e;
        e.kind = EventKind::StatementEnd;
        e.connection = connection;
        e.txId = txId;
        e.a = code;
        e.b = rows;
        e.detail = detail;
        log.append(e, text);
    }
    // Appends the kept end, if any, as a StatementEnd at the time it ended (the connection's close
    // calls it before its own events).
    void flush();

private:
    inline void keep(StatementFoldScope* scope, TraceLog& log, std::uint32_t connection, std::uint64_t txId,
                     std::int64_t rows, const BegunTransaction* begun);
    inline void forget(); // no end kept any more: off the scope's slot
    // A TxBegin on its own, at `timeNs` (0: now).
    static void appendTxBegin(TraceLog& log, std::uint32_t connection, const BegunTransaction& tx,
                              std::int64_t timeNs);

    bool pending_ = false;
    bool carriesTx_ = false;          // while pending_: the kept end carries its statement's TxBegin
    std::uint16_t carriedTxMode_ = 0; // the carried TxBegin's a (its transaction is endTx_)
    TraceLog* log_ = nullptr;         // the kept end's
    std::uint32_t connection_ = 0;
    std::int64_t endNs_ = 0;
    std::uint64_t endTx_ = 0;
    std::int64_t endRows_ = 0;
    std::int64_t carriedTxB_ = 0;         // the carried TxBegin's b
    StatementFoldScope* scope_ = nullptr; // whose slot holds this connection's kept end
};

// The log's clock, read once every earlier instruction of this thread has completed: the counter
// read (TraceClock) is not serialising, and the kept end must not be stamped before the events
// its statement appended (an append keeps its thread's times in order; this read bypasses it).
inline std::int64_t foldedEndTimeNow(const TraceLog& log)
{
#if defined(__x86_64__) || defined(__i386__)
    _mm_lfence();
#endif
    return std::max<std::int64_t>(log.now(), 1); // 0 would mean "stamp it now"
}

void StatementEvents::keep(StatementFoldScope* scope, TraceLog& log, std::uint32_t connection,
                           std::uint64_t txId, std::int64_t rows, const BegunTransaction* begun)
{
    // One end kept per thread: another connection's goes out first.
    if (scope->pending_ && scope->pending_ != this) scope->pending_->flush();
    pending_ = true;
    log_ = &log;
    connection_ = connection;
    endNs_ = foldedEndTimeNow(log);
    endTx_ = txId;
    endRows_ = rows;
    scope_ = scope;
    scope->pending_ = this;
    if (begun) {
        // Carried when the Begin can hold it (kStatementBeginCarriesTxBegin), else on its own.
        if (begun->txId == txId && rows == 0 && begun->a >= 0 && begun->a <= kMaxCarriedTxMode) {
            carriesTx_ = true;
            carriedTxMode_ = static_cast<std::uint16_t>(begun->a);
            carriedTxB_ = begun->b;
        } else {
            appendTxBegin(log, connection, *begun, endNs_);
        }
    }
}

void StatementEvents::forget()
{
    pending_ = false;
    carriesTx_ = false;
    if (scope_ && scope_->pending_ == this) scope_->pending_ = nullptr;
    scope_ = nullptr;
}

} // namespace txs
