#include "engine/trace/StatementFold.h"

namespace txs {

thread_local constinit StatementFoldScope* fold::currentScope = nullptr;

void unfoldStatementEnds(std::vector<Event>& out, std::size_t first)
{
    const auto folded =
        static_cast<std::size_t>(std::count_if(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                                               [](const Event& e) { return carriesStatementEnd(e); }));
    if (folded == 0) return;
    // From the back, so each event moves once: `to` runs ahead of `from` by the folds still left.
    std::size_t from = out.size();
    out.resize(out.size() + folded);
    std::size_t to = out.size();
    while (to > from) { // once they meet, the events left are in place
        Event& e = out[--from];
        if (carriesStatementEnd(e)) {
            Event end = foldedStatementEnd(e);
            clearFoldedEnd(e);
            out[--to] = std::move(e);
            out[--to] = std::move(end);
        } else {
            out[--to] = std::move(e);
        }
    }
}

void refoldStatementEnds(std::vector<Event>& events)
{
    std::size_t to = 0;
    for (std::size_t from = 0; from < events.size(); ++from) {
        Event& e = events[from];
        if (from + 1 < events.size()) {
            Event& next = events[from + 1];
            const bool pair = e.kind == EventKind::StatementEnd && next.kind == EventKind::StatementBegin &&
                              next.seq == e.seq && next.connection == e.connection && e.a == 0 &&
                              e.text.empty() && !carriesStatementEnd(next) && e.timeNs <= next.timeNs;
            if (pair) {
                next.detail = static_cast<std::uint16_t>(next.detail | kStatementBeginEndsPrevious);
                next.rowid = e.timeNs;
                next.a = static_cast<std::int64_t>(e.txId);
                next.b = e.b;
                continue; // `next` is moved to `to` on the next step
            }
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

void StatementEvents::flush()
{
    if (!pending_) return;
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
