#include "engine/trace/StatementFold.h"

#include "engine/trace/EventFields.h"
#include "engine/trace/TraceLog.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace txs {

namespace {

thread_local StatementFoldScope* currentScope = nullptr;

// The log's clock, read once every earlier instruction of this thread has completed: the counter
// read (TraceClock) is not serialising, and the kept end must not be stamped before the events
// its statement appended (an append keeps its thread's times in order; this read bypasses it).
std::int64_t endTimeNow(const TraceLog& log)
{
#if defined(__x86_64__) || defined(__i386__)
    _mm_lfence();
#endif
    return log.now();
}

} // namespace

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

StatementFoldScope::StatementFoldScope() : previous_(currentScope)
{
    currentScope = this;
}

StatementFoldScope::~StatementFoldScope()
{
    if (pending_) pending_->flush();
    currentScope = previous_;
}

void StatementFoldScope::flush()
{
    if (StatementFoldScope* scope = currentScope; scope && scope->pending_) scope->pending_->flush();
}

void StatementEvents::forget()
{
    pending_ = false;
    if (scope_ && scope_->pending_ == this) scope_->pending_ = nullptr;
    scope_ = nullptr;
}

void StatementEvents::begin(TraceLog& log, std::uint32_t connection, std::uint64_t txId, std::string_view sql)
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
        forget();
    }
    log.append(e, sql);
}

void StatementEvents::end(TraceLog& log, std::uint32_t connection, std::uint64_t txId, std::int64_t code,
                          std::int64_t rows, std::string_view text, std::uint16_t detail)
{
    if (StatementFoldScope* scope = currentScope; scope && code == 0 && text.empty() && detail == 0) {
        // One end kept per thread: another connection's goes out first.
        if (scope->pending_ && scope->pending_ != this) scope->pending_->flush();
        pending_ = true;
        log_ = &log;
        connection_ = connection;
        endNs_ = std::max<std::int64_t>(endTimeNow(log), 1); // 0 would mean "stamp it now"
        endTx_ = txId;
        endRows_ = rows;
        scope_ = scope;
        scope->pending_ = this;
        return;
    }
    EventFields e;
    e.kind = EventKind::StatementEnd;
    e.connection = connection;
    e.txId = txId;
    e.a = code;
    e.b = rows;
    e.detail = detail;
    log.append(e, text);
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
    log_->append(e, {});
}

} // namespace txs
