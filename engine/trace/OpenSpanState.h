#pragma once
// The open state of SpanProjection, and nothing else: per connection, whether a transaction is
// open (its mode, whether it has ended inside a statement still running), the lock wait open
// (resource and level) and the lock holds (resource and level). It is what the explainer asks
// at every event; a streaming SpanProjection answers the same, but makes a SpanRecord (~300
// bytes, five strings) for every statement and wait, which nobody asks of the explainer's
// projection. Here each connection's state is a few fields reused in place: no record, no
// allocation per event (the holds' vector keeps its capacity).
//
// Invariant: after each event, every query here answers what the same query of a SpanProjection
// fed the same events answers (openTransaction's outcome and mode, openLockWait's resource and
// level, levelNow, openHoldersOf). The transitions below are SpanProjection::apply's, less the
// spans nobody reads here (statement records, sleeps, blocked waits, times, texts);
// tst_open_span_state compares the two after every event of recorded runs and of random ones. A
// change of SpanProjection's boundaries must be made in both.

#include "engine/trace/Event.h"
#include "engine/trace/LastConnection.h"
#include "engine/trace/SpanProjection.h"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace txs {

class OpenSpanState
{
public:
    struct Transaction
    {
        std::uint64_t txId = 0;
        TxMode mode = TxMode::None;
        TxOutcome outcome = TxOutcome::Open; // ended, but its span closes with its statement
    };
    struct LockWaitOpen
    {
        LockResource resource = LockResource::DbFile;
        LockLevel level = LockLevel::None; // wanted
    };

    void apply(const Event& event);
    // As SpanProjection's: `dropped` events are missing, every open span is cut (forgotten here).
    void gap(std::uint64_t dropped);
    void finish();

    const Transaction* openTransaction(std::uint32_t connection) const;
    const LockWaitOpen* openLockWait(std::uint32_t connection) const;
    bool statementOpen(std::uint32_t connection) const;
    LockLevel levelNow(std::uint32_t connection, LockResource resource) const;
    // Who holds `resource` now and at what level, by connection. `out` is cleared first.
    void openHoldersOf(LockResource resource, std::vector<SpanProjection::HeldBy>& out) const;

private:
    struct Hold
    {
        LockResource resource = LockResource::DbFile;
        LockLevel level = LockLevel::None;
    };
    struct Conn
    {
        Transaction tx;
        LockWaitOpen wait;
        std::vector<Hold> holds; // sorted by resource, at most one per resource
        bool txOpen = false;
        bool waitOpen = false;
        bool statementOpen = false;
        bool txEndsWithStatement = false; // tx ended inside the open statement: closes with it
        bool txBeganInStatement = false;  // tx began inside the open statement
    };

    Conn& connectionState(std::uint32_t id);
    const Conn* find(std::uint32_t id) const;
    void endTransaction(Conn& c, const Event& e);
    static void applyLock(Conn& c, const Event& e);

    std::unordered_map<std::uint32_t, Conn> connections_; // references stay valid until erased
    LastConnection<Conn> last_;
};

} // namespace txs
