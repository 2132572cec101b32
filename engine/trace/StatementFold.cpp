#include "engine/trace/StatementFold.h"

#include <optional>

namespace txs {

thread_local constinit StatementFoldScope* fold::currentScope = nullptr;

void unfoldStatementEnds(std::vector<Event>& out, std::size_t first)
{
    std::size_t added = 0;
    for (std::size_t i = first; i < out.size(); ++i)
        added += carriesStatementEnd(out[i]) ? (carriesTxBegin(out[i]) ? 2 : 1) : 0;
    if (added == 0) return;
    // From the back, so each event moves once: `to` runs ahead of `from` by the events still to add.
    std::size_t from = out.size();
    out.resize(out.size() + added);
    std::size_t to = out.size();
    while (to > from) { // once they meet, the events left are in place
        Event& e = out[--from];
        if (carriesStatementEnd(e)) {
            std::optional<Event> tx;
            if (carriesTxBegin(e)) tx = foldedTxBegin(e);
            Event end = foldedStatementEnd(e);
            clearFoldedEnd(e);
            out[--to] = std::move(e);
            out[--to] = std::move(end);
            if (tx) out[--to] = std::move(*tx);
        } else {
            out[--to] = std::move(e);
        }
    }
}

namespace {

// Whether end, begin (events[i], events[i + 1]) are a pair a folded Begin was read as.
bool isFoldedPair(const Event& end, const Event& begin)
{
    // The Begin's fold bits are clear (a Begin read back never has them): a foreign one that
    // sets them is left alone rather than refolded into something that unfolds otherwise.
    constexpr std::uint16_t foldBits =
        kStatementBeginEndsPrevious | kStatementBeginCarriesTxBegin | kCarriedTxModeMask;
    return end.kind == EventKind::StatementEnd && begin.kind == EventKind::StatementBegin &&
           begin.seq == end.seq && begin.connection == end.connection && end.a == 0 && end.text.empty() &&
           (begin.detail & foldBits) == 0 && end.timeNs <= begin.timeNs;
}

// Whether `tx` is a TxBegin the Begin of that pair carried (as unfoldStatementEnds gives it back).
bool isCarriedTxBegin(const Event& tx, const Event& end)
{
    return tx.kind == EventKind::TxBegin && tx.seq == end.seq && tx.connection == end.connection &&
           tx.txId == end.txId && end.b == 0 && tx.a >= 0 && tx.a <= kMaxCarriedTxMode && tx.table == 0 &&
           tx.rowid == 0 && tx.detail == 0 && tx.text.empty() && tx.timeNs == end.timeNs;
}

} // namespace

void refoldStatementEnds(std::vector<Event>& events)
{
    std::size_t to = 0;
    for (std::size_t from = 0; from < events.size(); ++from) {
        Event& e = events[from];
        const bool triple = from + 2 < events.size() && isFoldedPair(events[from + 1], events[from + 2]) &&
                            isCarriedTxBegin(e, events[from + 1]);
        if (triple) {
            const Event& end = events[from + 1];
            Event& begin = events[from + 2];
            begin.detail =
                static_cast<std::uint16_t>(begin.detail | kStatementBeginEndsPrevious |
                                           kStatementBeginCarriesTxBegin | e.a << kCarriedTxModeShift);
            begin.rowid = end.timeNs;
            begin.a = static_cast<std::int64_t>(end.txId);
            begin.b = e.b;
            ++from; // `begin` is moved to `to` on the step after next
            continue;
        }
        if (from + 1 < events.size() && isFoldedPair(e, events[from + 1])) {
            Event& next = events[from + 1];
            next.detail = static_cast<std::uint16_t>(next.detail | kStatementBeginEndsPrevious);
            next.rowid = e.timeNs;
            next.a = static_cast<std::int64_t>(e.txId);
            next.b = e.b;
            continue; // `next` is moved to `to` on the next step
        }
        if (to != from) events[to] = std::move(e);
        ++to;
    }
    events.resize(to);
}

StatementFoldScope::StatementFoldScope() : previous_(fold::currentScope)
{
    fold::currentScope = this;
}

StatementFoldScope::~StatementFoldScope()
{
    if (pending_) pending_->flush();
    fold::currentScope = previous_;
}

void StatementFoldScope::flush()
{
    if (StatementFoldScope* scope = fold::currentScope; scope && scope->pending_) scope->pending_->flush();
}

// As MvccStore::begin appends one (the fields it sets, no text).
void StatementEvents::appendTxBegin(TraceLog& log, std::uint32_t connection, const BegunTransaction& tx,
                                    std::int64_t timeNs)
{
    EventFields e;
    e.kind = EventKind::TxBegin;
    e.connection = connection;
    e.txId = tx.txId;
    e.a = tx.a;
    e.b = tx.b;
    e.timeNs = timeNs;
    log.append(e, std::string_view{});
}

void StatementEvents::flush()
{
    if (!pending_) return;
    if (carriesTx_) appendTxBegin(*log_, connection_, {endTx_, carriedTxMode_, carriedTxB_}, endNs_);
    forget();
    EventFields e;
    e.kind = EventKind::StatementEnd;
    e.connection = connection_;
    e.txId = endTx_;
    e.b = endRows_;
    e.timeNs = endNs_;
    log_->append(e, std::string_view{});
}

} // namespace txs
