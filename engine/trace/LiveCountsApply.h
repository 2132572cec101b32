#pragma once
// LiveCounts::apply, inline in the trace log's append (its one caller, for every event it
// appends): out of line, the call and frame of applyCounted cost a good part of the rule's
// instructions (docs/performance.md, bench_runner_overhead).

#include "engine/trace/CountingRuleApply.h"
#include "engine/trace/LiveCounts.h"

namespace txs {

namespace live {

// The counting rule's step (applyCountingWith) for the events a workers loop appends the most,
// taken when the connection has no pending error: a statement's begin and the successful end it
// may carry, a transaction's begin and commit, a version written or ended, a conflict. The same
// state changes and counts as the rule, through one dispatch and without the rule's general
// checks; `count(Counted)` adds one. Returns false, having changed nothing, in every other case
// (an error pending, any other kind), which the rule takes. Times are kept as the rule keeps them,
// though LiveCounts reads none. tst_counting_rule's liveCountsAreTheRule checks it against the
// rule over random logs.
template <typename Count>
[[gnu::always_inline]] inline bool applyCommonStep(ConnectionCounting& c, const EventFields& e, Count count)
{
    if (c.hasPending) return false;
    auto show = [&c, &e] { counting::showTransaction(c, e.txId, e.kind, e.timeNs); };
    switch (e.kind) {
    case EventKind::StatementBegin:
        if (carriesStatementEnd(e)) {
            if (carriesTxBegin(e) && e.a != 0) {
                // The carried TxBegin, of transaction a, at the end's time (the TxBegin case below).
                const auto txId = static_cast<std::uint64_t>(e.a);
                if (txId != c.current)
                    counting::showTransaction(c, txId, EventKind::TxBegin, foldedEndTimeNs(e));
                c.implicit = false;
            }
            // The folded end, a success (counting::onStatementEnd with a == 0); its transaction is a.
            if (c.current != 0 && c.implicit) {
                count(c.doomed ? Counted::Rollback : Counted::Commit);
                c.current = 0;
                c.transactionEnded = true;
            }
            if (e.a == 0 && foldedEndRows(e) > 0 && !c.transactionEnded) count(Counted::Commit);
        }
        c.inStatement = true;
        c.statementBeginNs = e.timeNs;
        c.transactionEnded = false;
        return true;
    case EventKind::TxBegin:
        if (e.txId == 0) return true;
        if (e.txId != c.current) show();
        c.implicit = false;
        return true;
    case EventKind::TxCommit:
        if (e.txId == 0) return true;
        if (e.txId != c.current) show();
        count(Counted::Commit);
        c.current = 0;
        c.transactionEnded = true;
        return true;
    case EventKind::VersionCreated:
    case EventKind::VersionEnded:
    case EventKind::Conflict:
        if (e.txId != 0 && e.txId != c.current) show();
        return true;
    default:
        return false;
    }
}

} // namespace live

[[gnu::always_inline]] inline void LiveCounts::apply(const EventFields& e)
{
    if (e.connection == 0 || !countingReads(e.kind)) return;
    Slot& slot = slotOf(e.connection);
    const bool taken = live::applyCommonStep(slot.rule, e, [&slot](Counted what) {
        auto& n = slot.settled[static_cast<std::size_t>(what)];
        n.store(n.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    });
    if (!taken) applyCounted(slot, e);
}

inline void LiveCounts::applyCounted(Slot& slot, const EventFields& e)
{
    // The pending error moves into the settled counts (or is dropped as a wait) before it is
    // replaced: it is counted settled first, so a reader in between sees it at most twice, never
    // not at all.
    applyCountingWith(slot.rule, e, [&slot](const Tally& t) {
        auto& n = slot.settled[static_cast<std::size_t>(t.what)];
        n.store(n.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    });
    slot.pending.store(slot.rule.hasPending ? static_cast<std::int8_t>(slot.rule.pending.what)
                                            : std::int8_t{-1},
                       std::memory_order_relaxed);
}

} // namespace txs
